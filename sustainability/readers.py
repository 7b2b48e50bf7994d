"""Readers for the national practice-level files behind the sustainability figures
(`../shared/data/practice/README.md` describes them): each file is recognised by its
header, and read into figures per practice, measure and period.

This is the first part of issue 15's importer: NHS Payments to General Practice (both
column sets) and Patients Registered at a GP Practice (the totals file). The workforce and
Fingertips files come next. A file that cannot be read raises the directory's file error,
which names the file, the row and the column (the byte and CSV handling is the ODS
readers', `directory/ods/text.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from directory.ods.records import ODSFileError as DataFileError
from directory.ods.text import CSVRow, check_field_count, csv_rows, decode_text, read_bytes

#: Values that mean "not published", never zero (the 2019-20 payments file writes N/A).
MISSING = frozenset({"", "ND", "NA", "N/A"})


@dataclass(frozen=True)
class Figure:
    practice: str  # ODS code, upper case
    measure: str  # one of MEASURES
    period: str  # "2019-20" (a financial year) or "2021-01" (a month)
    value: Decimal | None  # None: not published


@dataclass(frozen=True)
class PracticeFacts:
    """What a file says about a practice besides figures, as of its period."""

    practice: str
    name: str
    contract_type: str = ""
    dispensing: str = ""
    practice_type: str = ""
    rurality: str = ""


@dataclass
class PracticeFile:
    name: str
    publication: str  # what the file is, in words
    period: str
    rows: int = 0
    figures: list[Figure] = field(default_factory=list)
    facts: list[PracticeFacts] = field(default_factory=list)


MEASURES = {
    "registered_patients": "Registered patients",
    "weighted_patients": "Weighted patients",
    "payments_per_registered_patient": "Payments per registered patient (£)",
    "payments_per_weighted_patient": "Payments per weighted patient (£)",
    "locum_allowances": "Locum allowances (£)",
    "total_payments": "Total NHS payments (£)",
}


def read_practice_file(path: Path, *, period: str = "") -> PracticeFile:
    """Read one file, recognised by its header. ``period`` names a payments file's financial
    year ("2019-20") when its file name does not."""
    name = path.name
    text, _ = decode_text(name, read_bytes(path))
    rows = csv_rows(name, text)
    if not rows:
        raise DataFileError(file=name, message="the file is empty")
    header = [_words(heading) for heading in rows[0].fields]
    for recognises, read in READERS:
        if recognises(header):
            return read(name, header, rows, period)
    raise DataFileError(
        file=name,
        row=1,
        message="this is not a file Alliance recognises: expected NHS Payments to General "
        "Practice, or the totals file of Patients Registered at a GP Practice",
    )


def _words(heading: str) -> str:
    return " ".join(heading.replace("\ufeff", "").split()).lower()


# --------------------------------------------------------------------------------------------
# NHS Payments to General Practice


PAYMENT_COLUMNS = {
    "registered_patients": "number of registered patients (last known figure)",
    "weighted_patients": "number of weighted patients (last known figure)",
    "payments_per_registered_patient": "average payments per registered patient",
    "payments_per_weighted_patient": "average payments per weighted patient",
    "locum_allowances": "total locum allowances",
    "total_payments": "total nhs payments to general practice",
}
#: PracticeFacts' attributes, from the columns that have them (each optional).
FACT_COLUMNS = {
    "name": "practice name",
    "contract_type": "contract type",
    "dispensing": "dispensing practice",
    "practice_type": "practice type",
    "rurality": "practice rurality",
}
_FINANCIAL_YEAR = re.compile(r"(20\d\d)[-_](\d\d)(?!\d)")


def _is_payments(header: Sequence[str]) -> bool:
    return PAYMENT_COLUMNS["weighted_patients"] in header


def _read_payments(name: str, header: list[str], rows: list[CSVRow], period: str) -> PracticeFile:
    period = period or _financial_year(name)
    column = _columns(name, header, ["practice code", *PAYMENT_COLUMNS.values()])
    facts = {
        key: header.index(heading) for key, heading in FACT_COLUMNS.items() if heading in header
    }
    found = PracticeFile(name, "NHS Payments to General Practice", period)
    for row in rows[1:]:
        check_field_count(name, row, len(header))
        code = row.fields[column["practice code"]].strip().upper()
        if not code:
            raise DataFileError(
                file=name,
                row=row.number,
                column="Practice Code",
                message="the practice code is empty",
            )
        found.rows += 1
        for measure, heading in PAYMENT_COLUMNS.items():
            value = _number(name, row, heading, row.fields[column[heading]])
            found.figures.append(Figure(code, measure, period, value))
        found.facts.append(
            PracticeFacts(code, **{key: row.fields[i].strip() for key, i in facts.items()})
        )
    return found


def _financial_year(name: str) -> str:
    match = _FINANCIAL_YEAR.search(name)
    if match is None:
        raise DataFileError(
            file=name,
            message="the file does not say its financial year: name it like "
            "nhs-payments-to-general-practice-2022-23.csv, or give the period (2022-23)",
        )
    first, second = int(match.group(1)), int(match.group(2))
    if (first + 1) % 100 != second:
        raise DataFileError(file=name, message=f"{match.group(0)} is not a financial year")
    return f"{first}-{second:02d}"


# --------------------------------------------------------------------------------------------
# Patients Registered at a GP Practice (the totals file)


REGISTRATION_COLUMNS = ["extract_date", "code", "sex", "age", "number_of_patients"]


def _is_registrations(header: Sequence[str]) -> bool:
    return "number_of_patients" in header and "extract_date" in header


def _read_registrations(
    name: str, header: list[str], rows: list[CSVRow], period: str
) -> PracticeFile:
    column = _columns(name, header, REGISTRATION_COLUMNS)
    found: PracticeFile | None = None
    for row in rows[1:]:
        check_field_count(name, row, len(header))
        sex, age = (row.fields[column[h]].strip().upper() for h in ("sex", "age"))
        if (sex, age) != ("ALL", "ALL"):
            raise DataFileError(
                file=name,
                row=row.number,
                column="SEX" if sex != "ALL" else "AGE",
                message=f"this file is broken down by sex or age ({sex}, {age}), so it is not "
                "the totals file: download the file of totals (gp-reg-pat-prac-all)",
            )
        month = _extract_month(name, row, row.fields[column["extract_date"]])
        if found is None:
            found = PracticeFile(name, "Patients Registered at a GP Practice", month)
        elif month != found.period:
            raise DataFileError(
                file=name,
                row=row.number,
                column="EXTRACT_DATE",
                message=f"the file mixes months ({found.period} and {month})",
            )
        code = row.fields[column["code"]].strip().upper()
        value = _number(name, row, "NUMBER_OF_PATIENTS", row.fields[column["number_of_patients"]])
        found.rows += 1
        found.figures.append(Figure(code, "registered_patients", month, value))
    if found is None:
        raise DataFileError(file=name, message="the file has a header but no practices")
    return found


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EXTRACT_DATE = re.compile(r"\d{1,2}([a-z]{3})(\d{4})")


def _extract_month(name: str, row: CSVRow, value: str) -> str:
    """`01JAN2021` or `01May2022` (the series writes the month name in either case)."""
    match = _EXTRACT_DATE.fullmatch(value.strip().lower())
    if match is None or match.group(1) not in _MONTHS:
        raise DataFileError(
            file=name,
            row=row.number,
            column="EXTRACT_DATE",
            message=f"{value!r} is not a date like 01JAN2021",
        )
    return f"{match.group(2)}-{_MONTHS.index(match.group(1)) + 1:02d}"


# --------------------------------------------------------------------------------------------
# Shared


def _columns(name: str, header: list[str], wanted: Sequence[str]) -> dict[str, int]:
    missing = [heading for heading in wanted if heading not in header]
    if missing:
        raise DataFileError(
            file=name,
            row=1,
            message="the header lacks "
            + ", ".join(f"`{heading}`" for heading in missing)
            + " (columns are matched by name, whatever their case and spacing)",
        )
    return {heading: header.index(heading) for heading in wanted}


def _number(name: str, row: CSVRow, heading: str, value: str) -> Decimal | None:
    value = value.strip()
    if value.upper() in MISSING:
        return None
    try:
        return Decimal(value.replace(",", "").lstrip("£"))
    except InvalidOperation as error:
        raise DataFileError(
            file=name, row=row.number, column=heading, message=f"{value!r} is not a number"
        ) from error


READERS: list[tuple[Callable[[Sequence[str]], bool], Callable[..., PracticeFile]]] = [
    (_is_payments, _read_payments),
    (_is_registrations, _read_registrations),
]
