"""Bytes and text shared by both readers: decoding, CSV rows, dates."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from directory.ods.records import ODSFileError

# --------------------------------------------------------------------------------------------
# Bytes and text, shared by both readers

#: A decompressed epraccur file is about 3 MB; anything near this is not one (or a zip bomb).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "it starts like a PNG image"),
    (b"%PDF", "it starts like a PDF document"),
    (b"GIF8", "it starts like a GIF image"),
    (b"\xff\xd8\xff", "it starts like a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "it starts like an old-style Excel .xls or other Office file"),
    (b"\x1f\x8b", "it starts like a gzip archive"),
    (b"PK\x03\x04", "it starts like a zip archive or an Excel .xlsx workbook"),
    (b"\xff\xfe", "it is UTF-16 text; save it as UTF-8 CSV"),
    (b"\xfe\xff", "it is UTF-16 text; save it as UTF-8 CSV"),
)
# Control characters never found in a CSV text file (tab, CR, LF and form feed aside).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


def read_bytes(path: Path) -> bytes:
    """Read a whole file, turning 'cannot read' into the same error type as 'cannot parse'."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ODSFileError(
            file=path.name, message=f"the file cannot be read ({exc.strerror or exc})"
        ) from exc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def binary_reason(data: bytes) -> str | None:
    """Why these bytes are not CSV text, or None if they look like text."""
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            return reason
    if b"\x00" in data:
        return "it contains NUL bytes"
    if _CONTROL_BYTES.search(data):
        return "it contains control characters"
    return None


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """Decode a CSV file as UTF-8, else as Windows-1252 (what Excel on Windows saves)."""
    if not data:
        raise ODSFileError(file=name, message="the file is empty")
    reason = binary_reason(data)
    if reason:
        raise ODSFileError(file=name, message=f"this is not a CSV text file ({reason})")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ODSFileError(
                file=name,
                message="this is not a CSV text file (it is neither UTF-8 nor Windows-1252 text)",
            ) from exc
    if not text.strip():
        raise ODSFileError(file=name, message="the file is empty (it holds only blank lines)")
    return text, encoding


@dataclass(frozen=True)
class CSVRow:
    number: int  # the physical line the row starts on, 1-based
    fields: list[str]
    is_last: bool
    unterminated: bool  # the last row ends inside a quoted field


def csv_rows(name: str, text: str) -> list[CSVRow]:
    """Split headerless CSV text into rows numbered by the line each starts on.

    Lenient quoting (strict=False) so that a truncated last row still comes back, with too
    few fields, and can be reported as truncation rather than as a parser error.
    """
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), strict=False)
    found: list[tuple[int, int, list[str]]] = []
    previous_end = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ODSFileError(
                file=name,
                row=previous_end + 1,
                message=f"this row cannot be read as CSV ({exc}); a quoted field probably "
                "never ends, so look for a missing quote",
            ) from exc
        start, previous_end = previous_end + 1, reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # a blank line
        found.append((start, reader.line_num, fields))
    rows = []
    for index, (start, end, fields) in enumerate(found):
        is_last = index == len(found) - 1
        unterminated = is_last and "".join(lines[start - 1 : end]).count('"') % 2 == 1
        rows.append(CSVRow(start, fields, is_last, unterminated))
    return rows


def check_field_count(name: str, row: CSVRow, expected: int) -> None:
    """Refuse a row with the wrong number of fields, saying why it may have happened."""
    count = len(row.fields)
    if count == expected:
        return
    message = f"the row has {count} field{'s' if count != 1 else ''}, {expected} expected"
    if count < expected and row.is_last:
        message += "; it is the last row"
        if row.unterminated:
            message += " and it ends inside a quoted field that is never closed"
        message += ", so the file may be truncated (download it again)"
    elif any("\n" in field or "\r" in field for field in row.fields):
        message += "; a quoted field runs over several lines, so a quote is probably missing"
    raise ODSFileError(file=name, row=row.number, message=message)


YYYYMMDD = re.compile(r"\d{8}")
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def yyyymmdd(text: str) -> dt.date | None:
    """A YYYYMMDD date, None if blank; ValueError if it is not a real date in that form."""
    if not text:
        return None
    if not YYYYMMDD.fullmatch(text):
        raise ValueError(text)
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
