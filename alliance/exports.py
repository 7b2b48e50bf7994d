"""The one way to write a spreadsheet export (CSV or XLSX), every cell safe to open.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets: an organisation named `=HYPERLINK("https://...")`
would become a live link (or worse) for whoever opens the export. Text cells that begin so
are written with a leading apostrophe, as OWASP recommends ("CSV injection"); numbers stay
numbers. In XLSX every text cell is also stored as text, never as a formula.

Views that return an export are marked with `export_view`, so that
`alliance/tests/test_exports.py` can find every one of them and try it with hostile names.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[Any]
F = TypeVar("F", bound=Callable[..., Any])


def safe_cell(value: Any) -> Any:
    """The value as it may go into a spreadsheet: text that a spreadsheet would run as a
    formula gets a leading apostrophe; None becomes empty; numbers and dates stay."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def export_view(view: F) -> F:
    """Mark a view as one that returns a spreadsheet export (see the module docstring)."""
    view.returns_export = True  # type: ignore[attr-defined]
    return view


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, rows: Iterable[Row]) -> HttpResponse:
    """A CSV download (UTF-8 with a byte order mark, so Excel reads names with accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return _attachment(response, filename)


def sheet_title(title: str) -> str:
    """A worksheet's title as Excel allows it: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"


def xlsx_response(filename: str, sheets: Mapping[str, Iterable[Row]]) -> HttpResponse:
    """An XLSX download with one worksheet per entry (title -> rows)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=sheet_title(title))
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
