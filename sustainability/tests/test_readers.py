"""The practice data readers (sustainability/readers.py): each file recognised by its
header, its figures read per practice, measure and period, and a broken file refused with
its name, row and column. The counts and values are those the shared data's README gives
(hand-checked there)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sustainability.readers import DataFileError, read_practice_file

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "practice").resolve()

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the real practice files are not at {SHARED} (they live beside the repository "
    "as ../shared/data/practice)",
)


def _value(found, practice, measure):
    (figure,) = [f for f in found.figures if (f.practice, f.measure) == (practice, measure)]
    return figure.value


def test_a_payments_file_gives_each_practices_figures_for_its_financial_year():
    found = read_practice_file(FIXTURES / "payments-2019-20.csv")
    assert (found.publication, found.period, found.rows) == (
        "NHS Payments to General Practice",
        "2019-20",
        4,
    )
    assert _value(found, "A81001", "registered_patients") == Decimal("4110")
    assert _value(found, "A81001", "payments_per_weighted_patient") == Decimal("155.47")
    facts = {fact.practice: fact for fact in found.facts}
    assert facts["A81001"].name == "DR G OLIVER & PARTNER"


def test_a_payments_file_named_without_its_year_needs_the_period(tmp_path):
    copy = tmp_path / "payments.csv"
    copy.write_bytes((FIXTURES / "payments-2019-20.csv").read_bytes())
    with pytest.raises(DataFileError, match="does not say its financial year"):
        read_practice_file(copy)
    assert read_practice_file(copy, period="2019-20").period == "2019-20"


def test_a_registrations_totals_file_gives_the_month_of_its_extract():
    found = read_practice_file(FIXTURES / "registrations-2021-01.csv")
    assert (found.period, found.rows) == ("2021-01", 3)
    assert _value(found, "A84002", "registered_patients") == Decimal("5903")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty.csv: the file is empty"),
        ("binary.csv", "binary.csv: this is not a CSV text file (it contains NUL bytes)"),
        (
            "payments-2022-23-truncated.csv",
            "payments-2022-23-truncated.csv, row 4: the row has",
        ),
        (
            "payments-2022-23-no-practice-code.csv",
            "payments-2022-23-no-practice-code.csv, row 1: the header lacks `practice code`",
        ),
        (
            "registrations-by-age.csv",
            "registrations-by-age.csv, row 2, column SEX: this file is broken down by sex or "
            "age (MALE, 0), so it is not the totals file",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_row_and_column(name, message):
    with pytest.raises(DataFileError) as refused:
        read_practice_file(FIXTURES / name)
    assert str(refused.value).startswith(message)


@needs_shared
def test_the_real_files_give_the_counts_and_values_of_the_shared_readme():
    early = read_practice_file(SHARED / "nhs-payments-to-general-practice-2019-20.csv")
    late = read_practice_file(SHARED / "nhs-payments-to-general-practice-2022-23.csv")
    for found, rows, patients, a81001 in (
        (early, 7_001, Decimal("60316398"), (Decimal("4110"), Decimal("155.47"))),
        (late, 6_669, Decimal("62134645"), (Decimal("4029.25"), Decimal("157.31"))),
    ):
        assert found.rows == rows
        total = sum(
            f.value for f in found.figures if f.measure == "registered_patients" and f.value
        )
        assert round(total) == patients  # a mean of quarters, so fractional: 9023.5
        assert (
            _value(found, "A81001", "registered_patients"),
            _value(found, "A81001", "payments_per_weighted_patient"),
        ) == a81001
    names = {fact.practice: fact.name for found in (early, late) for fact in found.facts}
    assert names["A81001"] == "THE DENSHAM SURGERY"  # names change, codes do not

    registered = read_practice_file(SHARED / "gp-reg-pat-prac-all-2021-01.csv")
    assert (registered.period, registered.rows) == ("2021-01", 6_658)
    assert sum(f.value for f in registered.figures if f.value) == Decimal("60606345")
    assert _value(registered, "A81001", "registered_patients") == Decimal("4100")
