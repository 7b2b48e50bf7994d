"""Parse the NHS ODS practices file (epraccur) and the PCN files into plain records.

Pure parsing, no models and no database: the importer decides what the records mean. Every
problem is an ODSFileError naming the file, the row and the column, because the person who
runs an import needs to know exactly what is wrong with the file they downloaded; a file that
cannot be understood is refused outright rather than imported as nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import from_excel

__all__ = [
    "ODSFileError",
    "PCNFiles",
    "PCNMembershipRecord",
    "PCNRecord",
    "PracticeRecord",
    "PracticesFile",
    "read_pcns",
    "read_practices",
]


# --------------------------------------------------------------------------------------------
# Public interface


class ODSFileError(Exception):
    """A file Alliance cannot import. str() names the file, the row and the column."""

    def __init__(
        self, *, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file = Path(file).name or file
        self.message = message
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat Exception's default pickling (task queues pickle).
        return (_rebuild_error, (self.file, self.message, self.row, self.column))


def _rebuild_error(file: str, message: str, row: int | None, column: str | None) -> ODSFileError:
    return ODSFileError(file=file, message=message, row=row, column=column)


@dataclass(frozen=True)
class PracticeRecord:
    row: int
    ods_code: str
    name: str
    region_code: str  # column 3, national grouping
    geography_code: str  # column 4, high level health geography (ICB or older area team)
    address: tuple[str, ...]  # columns 5-9, blanks removed
    postcode: str
    open_date: dt.date | None
    close_date: dt.date | None
    status: str  # one of "active", "closed", "dormant", "proposed"
    commissioner_code: str  # column 15
    phone: str  # column 18
    setting: str  # column 26 raw value, e.g. "4", "0", "RO76", "RO80|RO87"
    is_gp_practice: bool  # setting == "4" (legacy) or "RO76" (newer)


@dataclass(frozen=True)
class PracticesFile:
    name: str  # base file name
    sha256: str  # of the file's bytes as given (the zip itself if zipped)
    encoding_scheme: str  # "legacy" (A/C/D/P + numeric settings) or "newer" (ACTIVE... + RO ids)
    text_encoding: str  # "utf-8" or "cp1252"
    records: list[PracticeRecord]


@dataclass(frozen=True)
class PCNRecord:
    row: int
    ods_code: str  # U + 5 digits
    name: str
    commissioner_code: str
    commissioner_name: str
    open_date: dt.date | None
    close_date: dt.date | None
    address: tuple[str, ...]
    postcode: str


@dataclass(frozen=True)
class PCNMembershipRecord:
    row: int
    source: str  # the file (and sheet) it came from, for messages
    practice_code: str
    practice_name: str
    pcn_code: str
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True)
class PCNFiles:
    names: list[str]
    sha256s: list[str]
    variant: str  # "xlsx-ccg", "xlsx-sub-icb", or "csv-reports"
    pcns: list[PCNRecord]
    memberships: list[PCNMembershipRecord]


# --------------------------------------------------------------------------------------------
# Bytes and text, shared by both readers

#: A decompressed epraccur file is about 3 MB; anything near this is not one (or a zip bomb).
_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

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


def _read_bytes(path: Path) -> bytes:
    """Read a whole file, turning 'cannot read' into the same error type as 'cannot parse'."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ODSFileError(
            file=path.name, message=f"the file cannot be read ({exc.strerror or exc})"
        ) from exc


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _binary_reason(data: bytes) -> str | None:
    """Why these bytes are not CSV text, or None if they look like text."""
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            return reason
    if b"\x00" in data:
        return "it contains NUL bytes"
    if _CONTROL_BYTES.search(data):
        return "it contains control characters"
    return None


def _decode_text(name: str, data: bytes) -> tuple[str, str]:
    """Decode a CSV file as UTF-8, else as Windows-1252 (what Excel on Windows saves)."""
    if not data:
        raise ODSFileError(file=name, message="the file is empty")
    reason = _binary_reason(data)
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
class _CSVRow:
    number: int  # the physical line the row starts on, 1-based
    fields: list[str]
    is_last: bool
    unterminated: bool  # the last row ends inside a quoted field


def _csv_rows(name: str, text: str) -> list[_CSVRow]:
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
        rows.append(_CSVRow(start, fields, is_last, unterminated))
    return rows


def _check_field_count(name: str, row: _CSVRow, expected: int) -> None:
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


_YYYYMMDD = re.compile(r"\d{8}")
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def _yyyymmdd(text: str) -> dt.date | None:
    """A YYYYMMDD date, None if blank; ValueError if it is not a real date in that form."""
    if not text:
        return None
    if not _YYYYMMDD.fullmatch(text):
        raise ValueError(text)
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


# --------------------------------------------------------------------------------------------
# Practices: epraccur

_EPRACCUR_FIELDS = 27
_EPRACCUR_LABELS = {
    1: "organisation code",
    2: "name",
    3: "national grouping",
    4: "high level health geography",
    5: "address line 1",
    6: "address line 2",
    7: "address line 3",
    8: "address line 4",
    9: "address line 5",
    10: "postcode",
    11: "open date",
    12: "close date",
    13: "status",
    14: "organisation sub-type",
    15: "commissioner",
    18: "telephone",
    26: "prescribing setting",
}

_LEGACY_STATUSES = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
_NEWER_STATUSES = {
    "ACTIVE": "active",
    "INACTIVE": "closed",
    "CLOSED": "closed",
    "DORMANT": "dormant",
    "PROPOSED": "proposed",
}
_LEGACY_SETTING = re.compile(r"\d{1,3}")
_NEWER_SETTING = re.compile(r"RO\d+(?:\s*\|\s*RO\d+)*")
_GP_PRACTICE_SETTINGS = {"legacy": "4", "newer": "RO76"}

_SCHEMES = {
    "legacy": "legacy-encoded (A, C, D or P, with numeric prescribing settings)",
    "newer": "newer-encoded (ACTIVE, CLOSED, ..., with ODS role ids as prescribing settings)",
}
_EXPECTED_STATUSES = {
    "legacy": "A, C, D or P",
    "newer": "ACTIVE, INACTIVE, CLOSED, DORMANT or PROPOSED",
}
_EXPECTED_SETTINGS = {
    "legacy": "a number such as 4 for a GP practice",
    "newer": "an ODS role id such as RO76 for a GP practice, or ids joined by |",
}


def _column(number: int) -> str:
    return f"{number} ({_EPRACCUR_LABELS[number]})"


def _status_scheme(status: str) -> str | None:
    if status in _LEGACY_STATUSES:
        return "legacy"
    if status in _NEWER_STATUSES:
        return "newer"
    return None


def _setting_scheme(setting: str) -> str | None:
    if _LEGACY_SETTING.fullmatch(setting):
        return "legacy"
    if _NEWER_SETTING.fullmatch(setting):
        return "newer"
    return None


def read_practices(path: Path) -> PracticesFile:
    """Read an epraccur file: the CSV itself, or a zip holding just that CSV.

    Both encodings of status and prescribing setting are accepted (the legacy A/C/D/P with
    numbers, and the newer Data Search and Export words with ODS role ids); which one a file
    uses is decided from all its rows, so one odd row is reported as that row's mistake.
    """
    path = Path(path)
    name = path.name
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise ODSFileError(
            file=name,
            message="this is an Excel workbook; the practices file is the epraccur .csv "
            "(or a .zip holding it)",
        )
    raw = _read_bytes(path)
    data = _unzip_practices(name, raw) if _is_zip(path, raw) else raw
    text, text_encoding = _decode_text(name, data)
    rows = _csv_rows(name, text)
    for row in rows:
        _check_field_count(name, row, _EPRACCUR_FIELDS)
    fields_of = [[field.strip() for field in row.fields] for row in rows]
    scheme = _detect_scheme(name, fields_of)
    records: list[PracticeRecord] = []
    seen: dict[str, int] = {}
    for row, fields in zip(rows, fields_of, strict=True):
        record = _practice_record(name, row.number, fields, scheme, is_first=row is rows[0])
        if record.ods_code in seen:
            raise ODSFileError(
                file=name,
                row=row.number,
                column=_column(1),
                message=f"the organisation code {record.ods_code} is already on row "
                f"{seen[record.ods_code]}",
            )
        seen[record.ods_code] = row.number
        records.append(record)
    return PracticesFile(
        name=name,
        sha256=_sha256(raw),
        encoding_scheme=scheme,
        text_encoding=text_encoding,
        records=records,
    )


def _is_zip(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".zip" or data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _unzip_practices(name: str, data: bytes) -> bytes:
    """The bytes of the one CSV inside a downloaded zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ODSFileError(
            file=name, message="this is not a zip archive that can be opened"
        ) from exc
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        ]
        csvs = [info for info in members if info.filename.lower().endswith(".csv")]
        if not csvs and any(info.filename == "[Content_Types].xml" for info in members):
            raise ODSFileError(
                file=name, message="this is an Excel workbook, not the epraccur CSV file"
            )
        if len(csvs) != 1:
            listed = ", ".join(info.filename for info in members) or "nothing"
            raise ODSFileError(
                file=name,
                message=f"the zip archive should hold exactly one .csv file, but it holds "
                f"{len(csvs)} (it contains: {listed})",
            )
        member = csvs[0]
        if member.file_size > _MAX_UNZIPPED_BYTES:
            raise ODSFileError(
                file=name,
                message=f"{member.filename} inside the zip is {member.file_size} bytes, far "
                "too big for an epraccur file",
            )
        try:
            return archive.read(member)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise ODSFileError(
                file=name, message=f"{member.filename} inside the zip cannot be read ({exc})"
            ) from exc


def _detect_scheme(name: str, rows: Sequence[Sequence[str]]) -> str:
    """Decide the encoding by a vote of the rows whose status and setting agree on one."""
    votes: Counter[str] = Counter()
    for fields in rows:
        status, setting = fields[12].upper(), fields[25].upper()
        scheme = _status_scheme(status)
        if scheme and _setting_scheme(setting) == scheme:
            votes[scheme] += 1
    if votes:
        return "legacy" if votes["legacy"] >= votes["newer"] else "newer"

    def sample(index: int) -> str:
        common = Counter(fields[index] for fields in rows).most_common(5)
        return ", ".join(repr(value) for value, _ in common)

    raise ODSFileError(
        file=name,
        message="the file matches neither the legacy nor the newer epraccur encoding: "
        f"column {_column(13)} holds {sample(12)} and column {_column(26)} holds {sample(25)}; "
        "expected statuses A, C, D or P with numeric settings (4 = GP practice), or ACTIVE, "
        "INACTIVE, CLOSED, DORMANT or PROPOSED with ODS role ids (RO76 = GP practice)",
    )


_HEADING_WORDS = {"organisation code", "code", "name", "status", "postcode", "open date"}


def _practice_record(
    name: str, number: int, fields: list[str], scheme: str, *, is_first: bool
) -> PracticeRecord:
    def fail(column: int, message: str) -> ODSFileError:
        if is_first and any(field.lower() in _HEADING_WORDS for field in fields):
            message += "; row 1 looks like a heading row, and epraccur files have none"
        return ODSFileError(file=name, row=number, column=_column(column), message=message)

    code = fields[0].upper()
    if not code:
        raise fail(1, "the organisation code is empty")

    raw_status = fields[12]
    status = raw_status.upper()
    status_scheme = _status_scheme(status)
    if status_scheme != scheme:
        if status_scheme:
            message = (
                f"{raw_status!r} is a {status_scheme}-encoding status, but this file is "
                f"{_SCHEMES[scheme]}; the file mixes the two encodings"
            )
        else:
            message = (
                f"{raw_status!r} is not a status this importer knows (expected "
                f"{_EXPECTED_STATUSES[scheme]}, like the other rows of this "
                f"{scheme}-encoded file)"
            )
        raise fail(13, message)

    setting = fields[25]
    setting_scheme = _setting_scheme(setting.upper())
    if setting_scheme != scheme:
        if setting_scheme:
            message = (
                f"{setting!r} is a {setting_scheme}-encoding prescribing setting, but this "
                f"file is {_SCHEMES[scheme]}; the file mixes the two encodings"
            )
        else:
            message = (
                f"{setting!r} is not a prescribing setting this importer knows (expected "
                f"{_EXPECTED_SETTINGS[scheme]}, like the other rows of this "
                f"{scheme}-encoded file)"
            )
        raise fail(26, message)

    dates: dict[int, dt.date | None] = {}
    for column in (11, 12):
        try:
            dates[column] = _yyyymmdd(fields[column - 1])
        except ValueError:
            raise fail(
                column, f"{fields[column - 1]!r} is not a date in the form YYYYMMDD"
            ) from None

    statuses = _LEGACY_STATUSES if scheme == "legacy" else _NEWER_STATUSES
    return PracticeRecord(
        row=number,
        ods_code=code,
        name=fields[1],
        region_code=fields[2],
        geography_code=fields[3],
        address=tuple(line for line in fields[4:9] if line),
        postcode=fields[9],
        open_date=dates[11],
        close_date=dates[12],
        status=statuses[status],
        commissioner_code=fields[14],
        phone=fields[17],
        setting=setting,
        is_gp_practice=setting.upper() == _GP_PRACTICE_SETTINGS[scheme],
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
    files = [(Path(path).name, _read_bytes(Path(path))) for path in paths]
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
            return _yyyymmdd(str(value))
        if 0 < value < 2_958_466:  # Excel's serial days, up to 9999-12-31
            serial = from_excel(value)
            return serial.date() if isinstance(serial, dt.datetime) else None
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    if _YYYYMMDD.fullmatch(text):
        return _yyyymmdd(text)
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
    return Path(name).suffix.lower() in _WORKBOOK_SUFFIXES or data.startswith(b"PK\x03\x04")


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
        reason = _binary_reason(data) if data else "the file is empty"
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
        sha256s=[_sha256(data)],
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


def _report_kind(rows: Sequence[_CSVRow]) -> str | None:
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
    by_kind: dict[str, tuple[str, bytes, list[_CSVRow]]] = {}
    for name, data in files:
        text, _ = _decode_text(name, data)
        rows = _csv_rows(name, text)
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
            _check_field_count(name, row, count)
            values = {field: row.fields[column - 1] for field, column, _ in layout}
            table.append(_Row(name, None, row.number, values, labels))
        tables[kind] = table
    details_name = by_kind["epcn"][0]
    partner_name = by_kind["epcncorepartnerdetails"][0]
    return PCNFiles(
        names=[details_name, partner_name],
        sha256s=[_sha256(by_kind[kind][1]) for kind in ("epcn", "epcncorepartnerdetails")],
        variant="csv-reports",
        pcns=_pcn_records(tables["epcn"]),
        memberships=_membership_records(tables["epcncorepartnerdetails"], partner_name),
    )
