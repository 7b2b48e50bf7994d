"""The headerless PCN CSV reports of the Data Search and Export service: epcn and
epcncorepartnerdetails. The core partner report may come alone; epcn may not."""

from __future__ import annotations

from collections.abc import Sequence

from directory.ods.pcn_rows import (
    PCN_CODE,
    Row,
    membership_records,
    partner_pcn_records,
    pcn_records,
)
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
            ("pcn_name", 6, "PCN name"),
            ("comm_code", 7, "PCN commissioner code"),
            ("comm_name", 8, "PCN commissioner name"),
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
    """Read the epcncorepartnerdetails report, alone or with the epcn report in either order.

    Alone, it names the PCNs itself (code, name, commissioner); the epcn report, when given,
    is where the PCNs come from, with their open and close dates and addresses.
    """
    if len(files) > 2:
        raise ODSFileError(
            file=files[0][0],
            message=f"{len(files)} files were given; give the ePCN .xlsx workbook, or the "
            "epcncorepartnerdetails CSV report alone or with the epcn report",
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
    if "epcncorepartnerdetails" not in by_kind:
        raise ODSFileError(
            file=by_kind["epcn"][0],
            message="the epcn report alone is not enough, as it does not say which practices "
            "are in each PCN: give it together with the epcncorepartnerdetails report (which "
            "may also be given alone), or give the ePCN .xlsx workbook instead",
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
    kinds = [kind for kind in ("epcn", "epcncorepartnerdetails") if kind in by_kind]
    partner_name = by_kind["epcncorepartnerdetails"][0]
    partners = tables["epcncorepartnerdetails"]
    return PCNFiles(
        names=[by_kind[kind][0] for kind in kinds],
        sha256s=[sha256(by_kind[kind][1]) for kind in kinds],
        variant="csv-reports" if "epcn" in by_kind else "csv-core-partners",
        pcns=pcn_records(tables["epcn"]) if "epcn" in by_kind else partner_pcn_records(partners),
        memberships=membership_records(partners, partner_name),
    )
