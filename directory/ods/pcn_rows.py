"""A row of a PCN file (a sheet row or a CSV report row), and the records made from rows.

Shared by the workbook reader (pcns.py) and the CSV report reader (pcn_reports.py): both
turn their rows into Rows, whose errors name the file, the sheet, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from directory.ods.records import ODSFileError, PCNMembershipRecord, PCNRecord
from directory.ods.text import YYYYMMDD, yyyymmdd

PCN_CODE = re.compile(r"U\d{5}")


@dataclass(frozen=True)
class Row:
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
        value = cell_text(self.values.get(field))
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
        if not PCN_CODE.fullmatch(code):
            hint = "; the file should have no heading row" if "code" in code.lower() else ""
            raise self.error(
                field, f"{code!r} is not a PCN code (expected U and 5 digits, e.g. U12345){hint}"
            )
        return code

    def date(self, field: str) -> dt.date | None:
        value = self.values.get(field)
        try:
            return cell_date(value)
        except ValueError:
            raise self.error(
                field, f"{cell_text(value)!r} is not a date (expected YYYYMMDD, e.g. 20191001)"
            ) from None

    def address(self) -> tuple[str, ...]:
        lines = (self.text(field) for field in self.values if field.startswith("address"))
        return tuple(line for line in lines if line)


def cell_text(value: Any) -> str:
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


def cell_date(value: Any) -> dt.date | None:
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


def pcn_records(rows: Sequence[Row], *, has_details: bool = True) -> list[PCNRecord]:
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
                has_details=has_details,
            )
        )
    return pcns


def partner_pcn_records(rows: Sequence[Row]) -> list[PCNRecord]:
    """The PCNs a core partner report names, in the order it first names them, for when it
    comes without the PCN details: code, name and commissioner, but no dates or address.

    Every row of a PCN must give it the same name and commissioner: the report is a join,
    so a difference means the file was changed by hand, and which one is right is unknown.
    """
    first: dict[str, Row] = {}
    for row in rows:
        code = row.pcn_code("pcn_code")
        seen = first.setdefault(code, row)
        for field, what in (("pcn_name", "PCN name"), ("comm_code", "PCN commissioner code")):
            if row.text(field) != seen.text(field):
                raise row.error(
                    field,
                    f"the {what} of {code} is {row.text(field)!r} here but "
                    f"{seen.text(field)!r} on row {seen.number}",
                )
    return pcn_records(list(first.values()), has_details=False)


def membership_records(rows: Sequence[Row], source: str) -> list[PCNMembershipRecord]:
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
