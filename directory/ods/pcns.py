"""The PCN files: one ePCN workbook, or the two headerless CSV reports."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import from_excel

from directory.ods.records import ODSFileError, PCNFiles, PCNMembershipRecord, PCNRecord
from directory.ods.text import (
    WORKBOOK_SUFFIXES,
    YYYYMMDD,
    CSVRow,
    binary_reason,
    check_field_count,
    csv_rows,
    decode_text,
    read_bytes,
    sha256,
    yyyymmdd,
)

# --------------------------------------------------------------------------------------------
# PCNs: one ePCN workbook, or the two headerless CSV reports

_PCN_CODE = re.compile(r"U\d{5}")


def read_pcns(paths: list[Path]) -> PCNFiles:
    """Read the PCNs and their core partner practices.

    Either one ePCN .xlsx workbook, or the epcn and epcncorepartnerdetails CSV reports in
    any order (told apart by their shape, since they have no header row). PCN names always
    come from the PCN details, never from the partner rows, whose names may be formulas.
    """
    files = [(Path(path).name, read_bytes(Path(path))) for path in paths]
    if not files:
        raise ODSFileError(
            file="(no file)",
            message="no file given: give the ePCN .xlsx workbook, or the epcn and "
            "epcncorepartnerdetails CSV reports",
        )
    workbooks = [(name, data) for name, data in files if _looks_like_workbook(name, data)]
    if workbooks:
        if len(files) > 1:
            raise ODSFileError(
                file=workbooks[0][0],
                message=f"{len(files)} files were given with this workbook; give either the "
                "ePCN .xlsx workbook on its own, or the two CSV reports",
            )
        return _read_pcn_workbook(*workbooks[0])
    return _read_pcn_reports(files)


@dataclass(frozen=True)
class _Row:
    """One data row of a sheet or CSV report, with what to call its columns in messages."""

    file: str
    sheet: str | None
    number: int
    values: Mapping[str, Any]
    columns: Mapping[str, str]

    def error(self, field: str, message: str) -> ODSFileError:
        if self.sheet:
            message = f"in sheet '{self.sheet}', {message}"
        return ODSFileError(
            file=self.file, row=self.number, column=self.columns.get(field), message=message
        )

    def text(self, field: str, *, required: bool = False, what: str = "") -> str:
        """A cell as trimmed text. Formulas are never taken as values."""
        value = _cell_text(self.values.get(field))
        if value.startswith("="):
            if required:
                raise self.error(
                    field, f"the cell holds an Excel formula ({value}) instead of the {what}"
                )
            return ""
        if required and not value:
            raise self.error(field, f"the {what} is empty")
        return value

    def pcn_code(self, field: str) -> str:
        code = self.text(field, required=True, what="PCN code").upper()
        if not _PCN_CODE.fullmatch(code):
            hint = "; the file should have no heading row" if "code" in code.lower() else ""
            raise self.error(
                field, f"{code!r} is not a PCN code (expected U and 5 digits, e.g. U12345){hint}"
            )
        return code

    def date(self, field: str) -> dt.date | None:
        value = self.values.get(field)
        try:
            return _cell_date(value)
        except ValueError:
            raise self.error(
                field, f"{_cell_text(value)!r} is not a date (expected YYYYMMDD, e.g. 20191001)"
            ) from None

    def address(self) -> tuple[str, ...]:
        lines = (self.text(field) for field in self.values if field.startswith("address"))
        return tuple(line for line in lines if line)


def _cell_text(value: Any) -> str:
    """Cell or field text: numbers typed into Excel come back without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _cell_date(value: Any) -> dt.date | None:
    """Dates as Excel and the reports give them: datetimes, 20191001 as a number or text,
    ISO text, day/month/year text, or (rarely) an Excel serial day number."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        if 10_000_000 <= value <= 99_999_999:
            return yyyymmdd(str(value))
        if 0 < value < 2_958_466:  # Excel's serial days, up to 9999-12-31
            serial = from_excel(value)
            return serial.date() if isinstance(serial, dt.datetime) else None
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    if YYYYMMDD.fullmatch(text):
        return yyyymmdd(text)
    if match := _ISO.fullmatch(text):
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY.fullmatch(text):
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(text)


def _pcn_records(rows: Sequence[_Row]) -> list[PCNRecord]:
    pcns: list[PCNRecord] = []
    seen: dict[str, int] = {}
    for row in rows:
        code = row.pcn_code("pcn_code")
        if code in seen:
            raise row.error("pcn_code", f"the PCN {code} is already on row {seen[code]}")
        seen[code] = row.number
        pcns.append(
            PCNRecord(
                row=row.number,
                ods_code=code,
                name=row.text("pcn_name", required=True, what="PCN name"),
                commissioner_code=row.text("comm_code", required=True, what="commissioner code"),
                commissioner_name=row.text("comm_name"),
                open_date=row.date("open_date"),
                close_date=row.date("close_date"),
                address=row.address(),
                postcode=row.text("postcode"),
            )
        )
    return pcns


def _membership_records(rows: Sequence[_Row], source: str) -> list[PCNMembershipRecord]:
    return [
        PCNMembershipRecord(
            row=row.number,
            source=source,
            practice_code=row.text("practice_code", required=True, what="practice code").upper(),
            practice_name=row.text("practice_name"),
            pcn_code=row.pcn_code("pcn_code"),
            start_date=row.date("start_date"),
            end_date=row.date("end_date"),
        )
        for row in rows
    ]


# --- the workbook


def _looks_like_workbook(name: str, data: bytes) -> bool:
    return Path(name).suffix.lower() in WORKBOOK_SUFFIXES or data.startswith(b"PK\x03\x04")


def _words(heading: Any) -> str:
    """A heading reduced to lower-case words, so spacing, case and punctuation don't matter."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", _cell_text(heading).lower()).split())


def _commissioner_kind(words: str) -> str | None:
    """Which era's commissioner a heading names: the CCG, or the Sub ICB location."""
    compact = words.replace(" ", "")
    if "subicb" in compact:
        return "sub-icb"
    if "ccg" in words.split() or "clinicalcommissioninggroup" in compact:
        return "ccg"
    return None


def _has(words: str, *wanted: str, without: Sequence[str] = ()) -> bool:
    split = words.split()
    return all(w in split for w in wanted) and not any(w in split for w in without)


@dataclass(frozen=True)
class _Heading:
    field: str
    label: str  # how messages name it
    matches: Callable[[str], bool]


_DETAILS_HEADINGS = (
    _Heading(
        "pcn_code",
        "'PCN Code'",
        lambda w: _has(w, "pcn", "code", without=["parent"]) and not _commissioner_kind(w),
    ),
    _Heading(
        "pcn_name",
        "'PCN Name'",
        lambda w: _has(w, "pcn", "name", without=["parent"]) and not _commissioner_kind(w),
    ),
    _Heading(
        "comm_code",
        "'Current Sub ICB Location Code' (or 'Current Clinical Commissioning Group Code')",
        lambda w: bool(_commissioner_kind(w)) and _has(w, "code", without=["pcn", "practice"]),
    ),
    _Heading(
        "comm_name",
        "'Sub ICB Location Name' (or 'Clinical Commissioning Group Name')",
        lambda w: bool(_commissioner_kind(w)) and _has(w, "name", without=["pcn", "practice"]),
    ),
    _Heading("open_date", "'Open Date'", lambda w: _has(w, "open", "date")),
    _Heading("close_date", "'Close Date'", lambda w: _has(w, "close", "date")),
    _Heading("postcode", "'Postcode'", lambda w: _has(w, "postcode") or _has(w, "post", "code")),
)
_PARTNER_HEADINGS = (
    _Heading(
        "practice_code",
        "'Partner Organisation Code'",
        lambda w: (
            (_has(w, "partner") or _has(w, "practice"))
            and _has(w, "code", without=["pcn", "parent"])
            and not _commissioner_kind(w)
        ),
    ),
    _Heading(
        "practice_name",
        "'Partner Name'",
        lambda w: (
            (_has(w, "partner") or _has(w, "practice"))
            and _has(w, "name", without=["pcn", "parent"])
            and not _commissioner_kind(w)
        ),
    ),
    _Heading(
        "pcn_code",
        "'PCN Code'",
        lambda w: _has(w, "pcn", "code", without=["parent"]) and not _commissioner_kind(w),
    ),
    _Heading("start_date", "'Practice to PCN Relationship Start Date'", lambda w: _has(w, "start")),
    _Heading(
        "end_date", "'Practice to PCN Relationship End Date'", lambda w: _has(w, "end", "date")
    ),
)
_DETAILS_SHEET = "PCN Details"
_PARTNER_SHEET = "PCN Core Partner Details"
_HEADING_SEARCH_ROWS = 10


def _read_pcn_workbook(name: str, data: bytes) -> PCNFiles:
    """Read both sheets of an ePCN workbook, finding columns by their headings."""
    if not data.startswith(b"PK\x03\x04"):
        reason = binary_reason(data) if data else "the file is empty"
        if reason is None:
            reason = "it is a text file, and ePCN workbooks are .xlsx files"
        raise ODSFileError(file=name, message=f"not an Excel workbook ({reason})")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise ODSFileError(
            file=name, message=f"not an Excel workbook that can be opened ({exc})"
        ) from exc
    try:
        details_rows, details_kind = _sheet_table(name, workbook, _DETAILS_SHEET, _DETAILS_HEADINGS)
        partner_rows, _ = _sheet_table(name, workbook, _PARTNER_SHEET, _PARTNER_HEADINGS)
    finally:
        workbook.close()
    pcns = _pcn_records(details_rows)
    source = f"{name} (sheet '{partner_rows[0].sheet}')" if partner_rows else name
    return PCNFiles(
        names=[name],
        sha256s=[sha256(data)],
        variant="xlsx-sub-icb" if details_kind == "sub-icb" else "xlsx-ccg",
        pcns=pcns,
        memberships=_membership_records(partner_rows, source),
    )


def _find_sheet(name: str, workbook: Any, wanted: str) -> Any:
    key = _words(wanted).replace(" ", "")
    for sheet in workbook.worksheets:
        if _words(sheet.title).replace(" ", "") == key:
            return sheet
    found = ", ".join(repr(sheet.title) for sheet in workbook.worksheets)
    raise ODSFileError(
        file=name, message=f"the workbook has no sheet named '{wanted}' (its sheets: {found})"
    )


def _sheet_values(name: str, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows of values, with openpyxl's failures on a damaged file made ours."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # damaged XML inside the workbook
        raise ODSFileError(
            file=name, message=f"sheet '{sheet.title}' cannot be read ({exc})"
        ) from exc


def _sheet_table(
    name: str, workbook: Any, wanted: str, headings: Sequence[_Heading]
) -> tuple[list[_Row], str | None]:
    """The data rows of a sheet as _Rows, and which era's commissioner headings it uses."""
    sheet = _find_sheet(name, workbook, wanted)
    title = sheet.title
    rows = _sheet_values(name, sheet)
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    kind: str | None = None
    number = 0
    for number, values in enumerate(rows, start=1):
        words = [_words(value) for value in values]
        if any(headings[0].matches(w) for w in words):
            for heading in headings:
                for index, w in enumerate(words):
                    if heading.matches(w) and index not in columns.values():
                        columns[heading.field] = index
                        labels[heading.field] = _cell_text(values[index])
                        break
                else:
                    raise ODSFileError(
                        file=name,
                        message=f"sheet '{title}' has no {heading.label} heading (looked in "
                        f"row {number}, the heading row)",
                    )
            for index, w in enumerate(words):
                is_address = "address" in w.split() or w in {"town", "county"}
                if is_address and index not in columns.values():
                    field = f"address{index:03d}"
                    columns[field] = index
                    labels[field] = _cell_text(values[index])
            if "comm_code" in columns:
                kind = _commissioner_kind(words[columns["comm_code"]])
            break
        if number >= _HEADING_SEARCH_ROWS:
            break
    if not columns:
        raise ODSFileError(
            file=name,
            message=f"sheet '{title}' has no {headings[0].label} heading in its first "
            f"{_HEADING_SEARCH_ROWS} rows",
        )
    table: list[_Row] = []
    heading_row = number
    for number, values in enumerate(rows, start=heading_row + 1):
        if all(value is None or _cell_text(value) == "" for value in values):
            continue
        cells = {
            field: values[index] if index < len(values) else None
            for field, index in sorted(columns.items(), key=lambda item: item[1])
        }
        table.append(_Row(name, title, number, cells, labels))
    return table, kind


# --- the CSV reports

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
        if len(fields) == 12 and _PCN_CODE.fullmatch(fields[0]):
            return "epcn"
        if len(fields) == 11 and _PCN_CODE.fullmatch(fields[4]):
            return "epcncorepartnerdetails"
    return None


def _read_pcn_reports(files: list[tuple[str, bytes]]) -> PCNFiles:
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

    tables: dict[str, list[_Row]] = {}
    for kind, (name, _, rows) in by_kind.items():
        count, layout = _REPORTS[kind]
        labels = {field: f"{column} ({label})" for field, column, label in layout}
        table = []
        for row in rows:
            check_field_count(name, row, count)
            values = {field: row.fields[column - 1] for field, column, _ in layout}
            table.append(_Row(name, None, row.number, values, labels))
        tables[kind] = table
    details_name = by_kind["epcn"][0]
    partner_name = by_kind["epcncorepartnerdetails"][0]
    return PCNFiles(
        names=[details_name, partner_name],
        sha256s=[sha256(by_kind[kind][1]) for kind in ("epcn", "epcncorepartnerdetails")],
        variant="csv-reports",
        pcns=_pcn_records(tables["epcn"]),
        memberships=_membership_records(tables["epcncorepartnerdetails"], partner_name),
    )
