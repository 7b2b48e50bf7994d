"""The practice data readers (sustainability/readers.py): each file recognised by its
header, its figures read per practice, measure and period, and a broken file refused with
its name, row and column. The counts and values are those the shared data's README gives
(hand-checked there)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sustainability.readers import DEPRIVATION, DataFileError, read_practice_file

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


def test_the_workforce_subset_gives_each_census_with_no_data_kept_missing():
    found = read_practice_file(FIXTURES / "workforce-subset.csv")
    assert (found.publication, found.period, found.rows, found.practices) == (
        "GP Workforce, practice level",
        "2019-09, 2023-09",
        4,
        3,
    )
    by_key = {(f.practice, f.measure, f.period): f.value for f in found.figures}
    assert by_key[("B87001", "gp_fte", "2019-09")] == Decimal("6.013333333")
    assert by_key[("B87001", "gp_fte", "2023-09")] == Decimal("11.732")
    assert by_key[("B87001", "workforce_patients", "2023-09")] == Decimal("9441")
    assert by_key[("B87041", "gp_fte", "2019-09")] is None  # ND: no data, not zero
    assert by_key[("B87041", "nurses_fte", "2019-09")] == Decimal("0")
    assert by_key[("B87604", "gp_fte", "2023-09")] is None  # NA: not applicable


def test_the_published_detailed_workforce_layout_is_read_by_column_name_in_either_case(tmp_path):
    upper = read_practice_file(FIXTURES / "workforce-detailed-2023-09.csv")
    lowered = tmp_path / "gp-workforce-practice-level-september-2023.csv"
    text = (FIXTURES / "workforce-detailed-2023-09.csv").read_text()
    header, rest = text.split("\n", 1)
    lowered.write_text(header.lower() + "\n" + rest)
    for found in (upper, read_practice_file(lowered)):
        assert found.period == "2023-09"
        assert _value(found, "B87001", "gp_fte") == Decimal("11.732")
        assert _value(found, "B87001", "admin_fte") == Decimal("8.073315806")
        assert _value(found, "B87604", "gp_fte") is None


def test_the_long_high_level_workforce_layout_adds_each_groups_roles_but_not_their_totals():
    found = read_practice_file(FIXTURES / "workforce-high-level-2023-09.csv")
    assert found.period == "2023-09"
    assert _value(found, "B87001", "gp_fte") == Decimal("11.732")  # 7.2 + 4.532, not 23.464
    assert _value(found, "B87001", "admin_fte") == Decimal("8.073315806")
    assert _value(found, "B87604", "gp_fte") is None  # only ND for its GPs
    assert _value(found, "B87604", "nurses_fte") == Decimal("1.506666667")


def test_a_published_workforce_file_named_without_its_month_needs_the_period(tmp_path):
    copy = tmp_path / "1 GP Practice Level - Detailed.csv"
    copy.write_bytes((FIXTURES / "workforce-detailed-2023-09.csv").read_bytes())
    with pytest.raises(DataFileError, match="does not say the month of its census"):
        read_practice_file(copy)
    assert read_practice_file(copy, period="2023-09").period == "2023-09"


def test_a_fingertips_export_gives_its_indicator_for_practices_and_england_once():
    found = read_practice_file(FIXTURES / "fingertips-93553.csv")
    assert (found.publication, found.period, found.rows, found.practices) == (
        "OHID Fingertips",
        "2019",
        5,
        3,
    )
    assert found.measures == {"fingertips-93553": "Deprivation score (IMD 2019)"}
    assert round(_value(found, "E92000001", "fingertips-93553"), 2) == Decimal("21.72")
    assert round(_value(found, "A81001", "fingertips-93553"), 2) == Decimal("32.36")
    assert _value(found, "A81005", "fingertips-93553") is None  # not published, not zero


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace(",2019,21.7220870988933,", ",2019,21.8,", 1), "E92000001 has two"),
        (lambda t: t.replace("32.3609392614188", "Infinity"), "'Infinity' is not a number"),
        (lambda t: t.replace("32.3609392614188", "1e40"), "too large to be a practice's figure"),
        (lambda t: t.replace("A81001", "A81 001; DROP"), "is not an ODS code"),
    ],
)
def test_a_fingertips_value_that_cannot_be_a_figure_is_refused_naming_its_row(
    tmp_path, edit, message
):
    broken = tmp_path / "fingertips.csv"
    broken.write_text(edit((FIXTURES / "fingertips-93553.csv").read_text()))
    with pytest.raises(DataFileError, match=message) as refused:
        read_practice_file(broken)
    assert ", row " in str(refused.value)


@needs_shared
def test_the_real_workforce_and_fingertips_files_give_the_readmes_counts():
    workforce = read_practice_file(SHARED / "gpw-practice-level-subset-wakefield-2019-2023.csv")
    periods = {f.practice: set() for f in workforce.figures}
    for f in workforce.figures:
        periods[f.practice].add(f.period)
    assert workforce.rows == 71
    assert sum("2019-09" in p for p in periods.values()) == 37
    assert sum("2023-09" in p for p in periods.values()) == 34
    assert periods["B87040"] == {"2019-09"}  # closed in March 2022

    fingertips = read_practice_file(SHARED / "fingertips-93553-imd2019-gp.csv")
    assert (fingertips.rows, fingertips.practices) == (6_547, 6_545)
    assert round(_value(fingertips, "E92000001", DEPRIVATION), 2) == Decimal("21.72")
    assert round(_value(fingertips, "A81001", DEPRIVATION), 2) == Decimal("32.36")
