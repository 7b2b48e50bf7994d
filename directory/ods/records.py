"""The records the readers return, and the one error they raise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    # False when only the core partner report named it: its open and close dates, address
    # and postcode are then unknown (not blank), and the importer leaves them as they are.
    has_details: bool = True


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
    variant: str  # "xlsx-ccg", "xlsx-sub-icb", "csv-reports", or "csv-core-partners" (alone)
    pcns: list[PCNRecord]
    memberships: list[PCNMembershipRecord]
