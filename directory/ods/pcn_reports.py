"""The headerless PCN CSV reports of the Data Search and Export service: epcn and
epcncorepartnerdetails."""

from __future__ import annotations

from collections.abc import Sequence

from directory.ods.pcn_rows import PCN_CODE, Row, membership_records, pcn_records
from directory.ods.records import ODSFileError, PCNFiles
from directory.ods.text import CSVRow, check_field_count, csv_rows, decode_text, sha256

_REPORTS: dict[str, tuple[int, tuple[tuple[str, int, str], ...]]] = {
    # kind: (field count, (field, 1-based column, label), ...)
    "epcn": (
        12,
        (
            ("pcn_code", 1, "PCN code"),
            ("pcn_name", 2, "PCN name"),
            ("comm_code", 3, "commissioner code"),
            ("comm_name", 4, "commissioner name"),
            ("open_date", 5, "open date"),
            ("close_date", 6, "close date"),
            ("address1", 7, "address 1"),
            ("address2", 8, "address 2"),
            ("address3", 9, "address 3"),
            ("address4", 10, "town"),
            ("address5", 11, "county"),
            ("postcode", 12, "postcode"),
        ),
    ),
    "epcncorepartnerdetails": (
        11,
        (
            ("practice_code", 1, "partner organisation code"),
            ("practice_name", 2, "partner name"),
            ("pcn_code", 5, "PCN code"),
            ("start_date", 9, "relationship start date"),
            ("end_date", 10, "relationship end date"),
        ),
    ),
}


def _report_kind(rows: Sequence[CSVRow]) -> str | None:
    """Which report this is, from the shape of its first rows (the reports have no header)."""
    for row in rows[:3]:
        fields = [field.strip().upper() for field in row.fields]
        if len(fields) == 12 and PCN_CODE.fullmatch(fields[0]):
            return "epcn"
        if len(fields) == 11 and PCN_CODE.fullmatch(fields[4]):
            return "epcncorepartnerdetails"
    return None


def read_pcn_reports(files: list[tuple[str, bytes]]) -> PCNFiles:
    """Read the epcn and epcncorepartnerdetails reports, given in either order."""
    if len(files) > 2:
        raise ODSFileError(
            file=files[0][0],
            message=f"{len(files)} files were given; give the ePCN .xlsx workbook, or exactly "
            "two CSV reports (epcn and epcncorepartnerdetails)",
        )
    by_kind: dict[str, tuple[str, bytes, list[CSVRow]]] = {}
    for name, data in files:
        text, _ = decode_text(name, data)
        rows = csv_rows(name, text)
        kind = _report_kind(rows)
        if kind is None:
            raise ODSFileError(
                file=name,
                message="this is neither the epcn report (12 columns, starting with a PCN code "
                "such as U12345) nor the epcncorepartnerdetails report (11 columns, with the PCN "
                "code in column 5)",
            )
        if kind in by_kind:
            raise ODSFileError(
                file=name,
                message=f"this is a second {kind} report (the first is {by_kind[kind][0]}); give "
                "one epcn and one epcncorepartnerdetails report",
            )
        by_kind[kind] = (name, data, rows)
    if len(by_kind) == 1:
        (kind,) = by_kind
        other = next(other for other in _REPORTS if other != kind)
        raise ODSFileError(
            file=by_kind[kind][0],
            message=f"the {kind} report alone is not enough: give it together with the {other} "
            "report, or give the ePCN .xlsx workbook instead",
        )

    tables: dict[str, list[Row]] = {}
    for kind, (name, _, rows) in by_kind.items():
        count, layout = _REPORTS[kind]
        labels = {field: f"{column} ({label})" for field, column, label in layout}
        table = []
        for row in rows:
            check_field_count(name, row, count)
            values = {field: row.fields[column - 1] for field, column, _ in layout}
            table.append(Row(name, None, row.number, values, labels))
        tables[kind] = table
    details_name = by_kind["epcn"][0]
    partner_name = by_kind["epcncorepartnerdetails"][0]
    return PCNFiles(
        names=[details_name, partner_name],
        sha256s=[sha256(by_kind[kind][1]) for kind in ("epcn", "epcncorepartnerdetails")],
        variant="csv-reports",
        pcns=pcn_records(tables["epcn"]),
        memberships=membership_records(tables["epcncorepartnerdetails"], partner_name),
    )
