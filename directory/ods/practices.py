"""The GP practices file (epraccur), in the legacy and the newer encoding."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from directory.ods.records import ODSFileError, PracticeRecord, PracticesFile
from directory.ods.text import (
    MAX_UNZIPPED_BYTES,
    WORKBOOK_SUFFIXES,
    check_field_count,
    csv_rows,
    decode_text,
    read_bytes,
    sha256,
    yyyymmdd,
)

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
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise ODSFileError(
            file=name,
            message="this is an Excel workbook; the practices file is the epraccur .csv "
            "(or a .zip holding it)",
        )
    raw = read_bytes(path)
    data = _unzip_practices(name, raw) if _is_zip(path, raw) else raw
    text, text_encoding = decode_text(name, data)
    rows = csv_rows(name, text)
    for row in rows:
        check_field_count(name, row, _EPRACCUR_FIELDS)
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
        sha256=sha256(raw),
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
        if member.file_size > MAX_UNZIPPED_BYTES:
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
            dates[column] = yyyymmdd(fields[column - 1])
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
