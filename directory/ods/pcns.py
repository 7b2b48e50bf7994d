"""The PCN files: one ePCN workbook, or the headerless CSV reports (pcn_reports.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from directory.ods.pcn_reports import read_pcn_reports
from directory.ods.pcn_rows import Row, cell_text, membership_records, pcn_records
from directory.ods.records import ODSFileError, PCNFiles
from directory.ods.text import WORKBOOK_SUFFIXES, binary_reason, read_bytes, sha256


def read_pcns(paths: list[Path]) -> PCNFiles:
    """Read the PCNs and their core partner practices.

    Either one ePCN .xlsx workbook, or the epcncorepartnerdetails CSV report, alone or with
    the epcn report in either order (told apart by their shape, since they have no header
    row). PCN names come from the PCN details (the workbook's sheet, the epcn report) when
    they are given, and never from the workbook's partner rows, whose names are formulas; the
    core partner report alone names its PCNs itself, as plain text.
    """
    files = [(Path(path).name, read_bytes(Path(path))) for path in paths]
    if not files:
        raise ODSFileError(
            file="(no file)",
            message="no file given: give the ePCN .xlsx workbook, or the "
            "epcncorepartnerdetails CSV report (alone or with the epcn report)",
        )
    workbooks = [(name, data) for name, data in files if _looks_like_workbook(name, data)]
    if workbooks:
        if len(files) > 1:
            raise ODSFileError(
                file=workbooks[0][0],
                message=f"{len(files)} files were given with this workbook; give either the "
                "ePCN .xlsx workbook on its own, or the CSV reports",
            )
        return _read_pcn_workbook(*workbooks[0])
    return read_pcn_reports(files)


# --- the workbook


def _looks_like_workbook(name: str, data: bytes) -> bool:
    return Path(name).suffix.lower() in WORKBOOK_SUFFIXES or data.startswith(b"PK\x03\x04")


def _words(heading: Any) -> str:
    """A heading reduced to lower-case words, so spacing, case and punctuation don't matter."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", cell_text(heading).lower()).split())


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
    pcns = pcn_records(details_rows)
    source = f"{name} (sheet '{partner_rows[0].sheet}')" if partner_rows else name
    return PCNFiles(
        names=[name],
        sha256s=[sha256(data)],
        variant="xlsx-sub-icb" if details_kind == "sub-icb" else "xlsx-ccg",
        pcns=pcns,
        memberships=membership_records(partner_rows, source),
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
) -> tuple[list[Row], str | None]:
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
                        labels[heading.field] = cell_text(values[index])
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
                    labels[field] = cell_text(values[index])
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
    table: list[Row] = []
    heading_row = number
    for number, values in enumerate(rows, start=heading_row + 1):
        if all(value is None or cell_text(value) == "" for value in values):
            continue
        cells = {
            field: values[index] if index < len(values) else None
            for field, index in sorted(columns.items(), key=lambda item: item[1])
        }
        table.append(Row(name, title, number, cells, labels))
    return table, kind
