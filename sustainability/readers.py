"""Readers for the national practice-level files behind the sustainability figures
(`../shared/data/practice/README.md` describes them): each file is recognised by its
header, and read into figures per practice, measure and period.

Four publications: NHS Payments to General Practice (both column sets), Patients
Registered at a GP Practice (the totals file), GP Workforce at practice level (the
"Detailed" layout, the long "High level" layout, and the shared subset's layout) and OHID
Fingertips exports (any indicator, GP area type). A file that cannot be read raises the
directory's file error, which names the file, the row and the column (the byte and CSV
handling is the ODS readers', `directory/ods/text.py`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.text import slugify

from directory.ods.records import ODSFileError as DataFileError
from directory.ods.text import CSVRow, check_field_count, csv_rows, decode_text, read_bytes

#: Values that mean "not published", never zero (the 2019-20 payments file writes N/A).
MISSING = frozenset({"", "ND", "NA", "N/A"})
#: No practice figure reaches 10¹³ (a year's payments are under a million pounds or so); a
#: larger number is a broken file, and would not fit the stored figure's 14 digits.
LARGEST = Decimal(10) ** 13


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
    period: str  # the file's period; a Fingertips export may hold several ("2019", ...)
    rows: int = 0
    figures: list[Figure] = field(default_factory=list)
    facts: list[PracticeFacts] = field(default_factory=list)
    #: Measures the file names itself (a Fingertips indicator), key to label.
    measures: dict[str, str] = field(default_factory=dict)
    #: Area codes that are not practices (England's E92000001 in a Fingertips export).
    areas: frozenset[str] = frozenset()

    @property
    def practices(self) -> int:
        return len({figure.practice for figure in self.figures} - self.areas)


MEASURES = {
    "registered_patients": "Registered patients",
    "weighted_patients": "Weighted patients",
    "payments_per_registered_patient": "Payments per registered patient (£)",
    "payments_per_weighted_patient": "Payments per weighted patient (£)",
    "locum_allowances": "Locum allowances (£)",
    "total_payments": "Total NHS payments (£)",
    "workforce_patients": "Patients (workforce census)",
    "gp_fte": "GP FTE",
    "gp_fte_excluding_trainees": "GP FTE, excluding trainees",
    "nurses_fte": "Nurse FTE",
    "dpc_fte": "Direct patient care FTE",
    "admin_fte": "Admin and non-clinical FTE",
}
#: A Fingertips indicator's measure is "fingertips-<indicator id>" (93553: IMD 2019).
FINGERTIPS = "fingertips-"
DEPRIVATION = "fingertips-93553"
ENGLAND = "E92000001"


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
        "Practice, the totals file of Patients Registered at a GP Practice, GP Workforce at "
        "practice level, or a Fingertips export for GP practices",
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
        code = _practice_code(name, row, row.fields[column["practice code"]], "Practice Code")
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
        code = _practice_code(name, row, row.fields[column["code"]], "CODE")
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
# General Practice Workforce, practice level: the wide layouts (the published "Detailed" file,
# upper or lower case, and the shared subset with its `year` column) and the long "High level"


WORKFORCE_COLUMNS = {
    "workforce_patients": "total_patients",
    "gp_fte": "total_gp_fte",
    "gp_fte_excluding_trainees": "total_gp_exl_fte",
    "nurses_fte": "total_nurses_fte",
    "dpc_fte": "total_dpc_fte",
    "admin_fte": "total_admin_fte",
}
#: The long layout's staff groups, and the measure each one's FTE is.
STAFF_GROUPS = {
    "gp": "gp_fte",
    "nurses": "nurses_fte",
    "direct patient care": "dpc_fte",
    "admin/non-clinical": "admin_fte",
}
LONG_WORKFORCE_COLUMNS = ["prac_code", "staff_group", "detailed_staff_role", "measure", "value"]
WORKFORCE = "GP Workforce, practice level"
_MONTH_NAMES = [month.lower() for month in calendar.month_name[1:]]
_NAMED_MONTH = re.compile(r"(?<![a-z])([a-z]{3,9})[-_ ]*(20\d\d)(?!\d)")
_NUMBERED_MONTH = re.compile(r"(?<!\d)(20\d\d)[-_](0[1-9]|1[0-2])(?!\d)")


def _is_workforce(header: Sequence[str]) -> bool:
    return "prac_code" in header and "total_gp_fte" in header


def _read_workforce(name: str, header: list[str], rows: list[CSVRow], period: str) -> PracticeFile:
    """Each row is a practice at a census; the subset says the year of its September census
    in its `year` column, the published files say their month in their name (or give period)."""
    wanted = [heading for heading in WORKFORCE_COLUMNS.values() if heading in header]
    column = _columns(name, header, ["prac_code", "total_gp_fte", *wanted])
    year_column = header.index("year") if "year" in header else None
    file_period = period if year_column is not None else (period or _census_month(name))
    found = PracticeFile(name, WORKFORCE, file_period)
    periods = set()
    for row in rows[1:]:
        check_field_count(name, row, len(header))
        code = _practice_code(name, row, row.fields[column["prac_code"]], "PRAC_CODE")
        row_period = file_period
        if year_column is not None:
            year = row.fields[year_column].strip()
            if not re.fullmatch(r"20\d\d", year):
                raise DataFileError(
                    file=name, row=row.number, column="year", message=f"{year!r} is not a year"
                )
            row_period = f"{year}-09"
        periods.add(row_period)
        found.rows += 1
        for measure, heading in WORKFORCE_COLUMNS.items():
            if heading in column:
                value = _number(name, row, heading.upper(), row.fields[column[heading]])
                found.figures.append(Figure(code, measure, row_period, value))
    found.period = found.period or ", ".join(sorted(periods))
    return found


def _is_long_workforce(header: Sequence[str]) -> bool:
    return "prac_code" in header and "staff_group" in header and "measure" in header


def _read_long_workforce(
    name: str, header: list[str], rows: list[CSVRow], period: str
) -> PracticeFile:
    """Rows by practice, staff group, role and measure: each group's FTE is the sum of its
    roles' (a role named "Total ..." is already a sum, so it is left out)."""
    column = _columns(name, header, LONG_WORKFORCE_COLUMNS)
    period = period or _census_month(name)
    found = PracticeFile(name, WORKFORCE, period)
    totals: dict[tuple[str, str], Decimal | None] = {}
    for row in rows[1:]:
        check_field_count(name, row, len(header))
        found.rows += 1
        code = _practice_code(name, row, row.fields[column["prac_code"]], "PRAC_CODE")
        group, role, measure = (
            _words(row.fields[column[heading]])
            for heading in ("staff_group", "detailed_staff_role", "measure")
        )
        target = STAFF_GROUPS.get(group)
        if measure != "fte" or target is None or role.startswith("total"):
            continue
        value = _number(name, row, "VALUE", row.fields[column["value"]])
        key = (code, target)
        if value is not None:
            totals[key] = (totals.get(key) or Decimal(0)) + value
        else:
            totals.setdefault(key, None)
    found.figures = [
        Figure(code, measure, period, value) for (code, measure), value in totals.items()
    ]
    return found


def _census_month(name: str) -> str:
    """A published workforce file's month from its name: 2023-09, or September 2023."""
    lowered = name.lower()
    numbered = _NUMBERED_MONTH.search(lowered)
    if numbered:
        return f"{numbered.group(1)}-{numbered.group(2)}"
    for word, year in _NAMED_MONTH.findall(lowered):
        months = [i for i, month in enumerate(_MONTH_NAMES, 1) if month.startswith(word)]
        if len(months) == 1 and (len(word) == 3 or word == _MONTH_NAMES[months[0] - 1]):
            return f"{year}-{months[0]:02d}"
    raise DataFileError(
        file=name,
        message="the file does not say the month of its census: name it like "
        "gp-workforce-practice-level-2023-09.csv, or give the period (2023-09)",
    )


# --------------------------------------------------------------------------------------------
# OHID Fingertips exports (the one layout of every indicator), for GP practices and England


FINGERTIPS_COLUMNS = [
    "indicator id",
    "indicator name",
    "area code",
    "area type",
    "sex",
    "age",
    "category type",
    "time period",
    "value",
]
_AREA_TYPES = {"gp", "gps", "england"}


def _is_fingertips(header: Sequence[str]) -> bool:
    return "indicator id" in header and "area code" in header and "time period" in header


def _read_fingertips(name: str, header: list[str], rows: list[CSVRow], period: str) -> PracticeFile:
    """Rows for GP practices and England; rows broken down by a category (deprivation decile,
    ethnicity) and other area types (PCN, ICB) are not practice figures and are passed over.
    An indicator for one sex or age band is its own measure."""
    column = _columns(name, header, FINGERTIPS_COLUMNS)
    found = PracticeFile(name, "OHID Fingertips", period, areas=frozenset({ENGLAND}))
    seen: dict[tuple[str, str, str], tuple[int, Decimal | None]] = {}

    def field_(row: CSVRow, heading: str) -> str:
        return row.fields[column[heading]].strip()

    for row in rows[1:]:
        check_field_count(name, row, len(header))
        found.rows += 1
        if _words(field_(row, "area type")) not in _AREA_TYPES or field_(row, "category type"):
            continue
        indicator = field_(row, "indicator id")
        if not indicator.isdigit():
            raise DataFileError(
                file=name,
                row=row.number,
                column="Indicator ID",
                message=f"{indicator!r} is not an indicator number",
            )
        measure, label = FINGERTIPS + indicator, field_(row, "indicator name")
        sex, age = field_(row, "sex"), field_(row, "age")
        if (sex.lower(), age.lower()) != ("persons", "all ages"):
            measure += "-" + slugify(f"{sex} {age}")[:80]
            label += f" ({sex}, {age})"
        found.measures[measure] = label
        code = _practice_code(name, row, field_(row, "area code"), "Area Code")
        when = field_(row, "time period")
        if not when or len(when) > 32:
            raise DataFileError(
                file=name,
                row=row.number,
                column="Time period",
                message="the period is empty" if not when else f"{when[:40]!r} is not a period",
            )
        value = _number(name, row, "Value", field_(row, "value"))
        key = (code, measure, when)
        if key in seen:  # England comes twice, with and without its parent
            if seen[key][1] != value:
                raise DataFileError(
                    file=name,
                    row=row.number,
                    column="Value",
                    message=f"{code} has two values for {when} (the other on row {seen[key][0]})",
                )
            continue
        seen[key] = (row.number, value)
        found.figures.append(Figure(code, measure, when, value))
    found.period = period or ", ".join(sorted({figure.period for figure in found.figures}))
    return found


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


_CODE = re.compile(r"[A-Z0-9]{3,12}")


def _practice_code(name: str, row: CSVRow, value: str, heading: str) -> str:
    code = value.strip().upper()
    if not code:
        raise DataFileError(
            file=name, row=row.number, column=heading, message="the practice code is empty"
        )
    if not _CODE.fullmatch(code):
        raise DataFileError(
            file=name,
            row=row.number,
            column=heading,
            message=f"{value.strip()[:40]!r} is not an ODS code (letters and digits, like A81001)",
        )
    return code


def _number(name: str, row: CSVRow, heading: str, value: str) -> Decimal | None:
    value = value.strip()
    if value.upper() in MISSING:
        return None
    try:
        number = Decimal(value.replace(",", "").lstrip("£"))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise DataFileError(
            file=name, row=row.number, column=heading, message=f"{value!r} is not a number"
        )
    if abs(number) >= LARGEST:
        raise DataFileError(
            file=name,
            row=row.number,
            column=heading,
            message=f"{value} is too large to be a practice's figure",
        )
    return number


READERS: list[tuple[Callable[[Sequence[str]], bool], Callable[..., PracticeFile]]] = [
    (_is_payments, _read_payments),
    (_is_registrations, _read_registrations),
    (_is_workforce, _read_workforce),
    (_is_long_workforce, _read_long_workforce),
    (_is_fingertips, _read_fingertips),
]
