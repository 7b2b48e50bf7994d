"""The reads behind the sustainability pages: each practice's figures, its PCN's, the
collective's and England's, worked out as the module docstring says, in a fixed number of
queries; and the flags against the collective's thresholds, each on and off at its
threshold."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.testing import MemberOrganisationFactory
from collectives.models import CollectiveOrganisation
from directory.models import Organisation, OrganisationRelationship, RelationshipKind
from sustainability import comparisons, selectors
from sustainability.models import PracticeFigure, PracticeProfile
from sustainability.readers import DEPRIVATION, ENGLAND


@dataclass
class National:
    """What `national` made: the collective's practices (directory rows) and their codes."""

    practices: list[Organisation]
    pcns: list[Organisation]
    outsiders: list[str]  # codes of England's practices outside the collective


def figures_for(code: str, n: int, years: int) -> list[PracticeFigure]:
    """Real-looking figures for practice number n: `years` financial years of payments,
    January registrations and September workforce censuses, and its deprivation."""
    made = []
    base = 4000 + 900 * (n % 11)
    for y in range(years):
        start = 2023 - years + y
        fy = f"{start}-{(start + 1) % 100:02d}"
        registered = base * (1 + 0.01 * y) + 0.25
        weighted = registered * 1.1
        total = weighted * (150 + n % 7)
        made += [
            PracticeFigure(
                practice_code=code, measure=m, period=fy, value=v, source="test payments"
            )
            for m, v in (
                ("registered_patients", registered),
                ("weighted_patients", weighted),
                ("payments_per_weighted_patient", round(total / weighted, 2)),
                ("total_payments", total),
                ("locum_allowances", 1000.0 * (n % 5)),
            )
        ]
        made.append(
            PracticeFigure(
                practice_code=code,
                measure="registered_patients",
                period=f"{start}-01",
                value=float(round(registered)),
                source="test registrations",
            )
        )
        made += [
            PracticeFigure(
                practice_code=code, measure=m, period=f"{start}-09", value=v, source="test gpw"
            )
            for m, v in (
                ("workforce_patients", float(round(registered))),
                ("gp_fte", registered / 2000),
                ("nurses_fte", registered / 3000),
                ("dpc_fte", registered / 4000),
                ("admin_fte", registered / 1000),
            )
        ]
    made.append(
        PracticeFigure(
            practice_code=code, measure=DEPRIVATION, period="2019", value=10.0 + n, source="ft"
        )
    )
    return made


def national(
    collective: Any, practices: int = 3, years: int = 1, pcns: int = 1, outsiders: int = 6
) -> National:
    """`practices` member practices of the collective in `pcns` PCNs (each PCN also has one
    practice outside the collective), and `outsiders` more practices in England, each with
    `years` years of figures; England's deprivation row; built with bulk_create."""
    prefix = f"T{collective.pk:02d}"
    pcn_orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"U{prefix}{i:02d}"[:8], name=f"Test PCN {i}", kind="pcn")
        for i in range(pcns)
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}{i:03d}", name=f"Practice {i:03d}", kind="practice")
        for i in range(practices)
    )
    others = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}X{i:02d}", name=f"Neighbour {i}", kind="practice")
        for i in range(pcns)
    )
    CollectiveOrganisation.objects.bulk_create(
        CollectiveOrganisation(collective=collective, organisation=o) for o in orgs
    )
    OrganisationRelationship.objects.bulk_create(
        OrganisationRelationship(
            organisation=o, parent=pcn_orgs[i % pcns], kind=RelationshipKind.PCN_MEMBER
        )
        for i, o in enumerate([*orgs, *others])
    )
    outside = [o.ods_code for o in others] + [f"{prefix}Y{i:02d}" for i in range(outsiders)]
    made = []
    for n, code in enumerate([o.ods_code for o in orgs] + outside):
        made += figures_for(code, n, years)
    PracticeFigure.objects.bulk_create(made, batch_size=2000)
    PracticeFigure.objects.get_or_create(
        practice_code=ENGLAND,
        measure=DEPRIVATION,
        period="2019",
        defaults={"value": 21.72, "source": "ft"},
    )
    last = 2023 - 1
    PracticeProfile.objects.bulk_create(
        PracticeProfile(
            practice_code=o.ods_code,
            period=f"{last}-{(last + 1) % 100:02d}",
            source="test payments",
            name=o.name.upper(),
            contract_type="GMS" if i % 2 else "PMS",
            dispensing="No",
            practice_type="GP practice",
            rurality="Urban",
        )
        for i, o in enumerate(orgs)
    )
    cache.clear()
    return National(orgs, pcn_orgs, outside)


def test_periods_are_put_in_order_and_measured_in_years():
    assert selectors.period_date("2019-20").isoformat() == "2019-10-01"
    assert selectors.period_date("2019/20").isoformat() == "2019-10-01"
    assert selectors.period_date("2021-01").isoformat() == "2021-01-15"
    assert selectors.period_date("2019").isoformat() == "2019-07-01"
    assert selectors.period_date("no year") is None
    ordered = sorted(
        ["2022-23", "2021-01", "2019-20", "2023-09", "2019"], key=selectors.period_order
    )
    assert ordered == ["2019", "2019-20", "2021-01", "2022-23", "2023-09"]
    assert selectors.years_between("2021-01", "2022-23") == pytest.approx(1.71, abs=0.01)


def test_a_practice_is_compared_with_its_pcn_the_collective_and_england(collective):
    made = national(collective, practices=3, years=2, pcns=1)
    found = selectors.collective_sustainability(collective.pk, with_pcns=True)
    assert [p.name for p in found.practices] == ["Practice 000", "Practice 001", "Practice 002"]
    first = found.practices[0]
    assert first.pcn_name == "Test PCN 0"
    assert first.profile.contract_type == "PMS"
    # The latest period of each figure.
    assert found.when("registered_patients").period == "2022-23"
    assert found.when("list_change").label == "2021-22 to 2022-23"
    assert found.when("gp_fte_per_10000").period == "2022-09"
    # A published average is shown as published; a ratio is worked out.
    assert first.values["payments_per_weighted_patient"] == 150.0
    assert first.values["locum_per_patient"] == 0.0
    registered = 4000 * 1.01 + 0.25
    assert first.values["registered_patients"] == pytest.approx(registered)
    assert first.values["gp_fte_per_10000"] == pytest.approx(
        registered / 2000 / round(registered) * 10_000
    )
    # The collective: totals over totals; a mean for list sizes and deprivation.
    lists = [p.values["registered_patients"] for p in found.practices]
    assert found.collective["registered_patients"] == pytest.approx(sum(lists) / 3)
    assert found.collective["deprivation"] == pytest.approx(11.0)
    locums = sum(1000.0 * n for n in range(3))
    assert found.collective["locum_per_patient"] == pytest.approx(locums / sum(lists))
    # The PCN: all of its practices in the national data, the neighbour outside included.
    neighbour = made.outsiders[0]
    pcn_codes = found.pcn_codes[made.pcns[0].pk]
    assert neighbour in pcn_codes and len(pcn_codes) == 4
    assert selectors.pcn_value(found, "deprivation", made.pcns[0].pk) == pytest.approx(11.5)
    # England: Fingertips' own row where there is one, else totals over every practice.
    assert found.england("deprivation") == 21.72
    spread = found.spreads["payments_per_weighted_patient"]
    assert spread.count == 10 and spread.lowest == 150.0 and spread.highest == 156.0


def test_englands_spread_leaves_out_practices_with_small_lists(collective):
    national(collective, practices=4, years=1, outsiders=0)
    PracticeFigure.objects.filter(
        practice_code=f"T{collective.pk:02d}000", measure="registered_patients", period="2022-23"
    ).update(value=300)
    found = selectors.collective_sustainability(collective.pk)
    assert found.spreads["payments_per_weighted_patient"].count == 4  # 5 practices, one small
    assert found.practices[0].values["payments_per_weighted_patient"] == 150.0  # still shown


def test_a_missing_figure_is_missing_never_zero(collective):
    made = national(collective, practices=2, years=1)
    PracticeFigure.objects.filter(
        practice_code=made.practices[0].ods_code, measure="gp_fte"
    ).update(value=None)
    found = selectors.collective_sustainability(collective.pk)
    assert found.practices[0].values["gp_fte_per_10000"] is None
    assert found.practices[0].shown("gp_fte_per_10000") == ""
    assert found.practices[1].values["gp_fte_per_10000"] is not None


def test_with_no_figures_nothing_is_imported_and_practices_are_listed(collective, practice):
    found = selectors.collective_sustainability(collective.pk)
    assert not found.imported
    assert [p.name for p in found.practices] == ["Oakwood Surgery"]
    assert found.practices[0].values == {}


def _queries(work) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured)


def test_the_number_of_queries_is_fixed_whatever_the_practices_and_years(django_db_blocker, db):
    counts = []
    for practices, years in ((3, 1), (30, 5)):
        collective = MemberOrganisationFactory().collective
        made = national(collective, practices=practices, years=years, pcns=3)
        first = made.practices[0].pk
        counts.append(
            (
                _queries(lambda c=collective: selectors.collective_sustainability(c.pk)),
                _queries(lambda c=collective, f=first: selectors.practice_page(c.pk, f)),
            )
        )
    assert counts[0] == counts[1], counts


def test_englands_figures_are_kept_until_the_next_import(collective):
    national(collective, practices=3)
    cold = _queries(lambda: selectors.collective_sustainability(collective.pk))
    with CaptureQueriesContext(connection) as captured:
        selectors.collective_sustainability(collective.pk)
    assert len(captured) == cold - 2


# Flags ---------------------------------------------------------------------------------------


def _pressure(found, **thresholds):
    given_ = {"list_fall_per_year": 5.0, "locum_centile": 90, "min_gp_fte_per_1000": 0.4}
    given_.update(thresholds)
    return {p.practice.name: p for p in selectors.pressures(found, selectors.Thresholds(**given_))}


def test_a_list_falling_faster_than_the_threshold_is_flagged_and_not_at_it(collective):
    made = national(collective, practices=2, years=1)
    code = made.practices[0].ods_code
    years = selectors.years_between("2022-01", "2022-23")
    PracticeFigure.objects.filter(practice_code=code, period="2022-01").update(value=10_000)
    at_six = 10_000 * (1 - 0.06) ** years
    PracticeFigure.objects.filter(
        practice_code=code, measure="registered_patients", period="2022-23"
    ).update(value=at_six)
    found = selectors.collective_sustainability(collective.pk, with_values=True)
    flag = _pressure(found)["Practice 000"].list_falling
    assert flag.flagged and flag.reason == "List fell 6.0% a year (more than 5%)"
    # A threshold of exactly the fall measured: not more than it, so not flagged.
    at = _pressure(found, list_fall_per_year=flag.measured * 100)["Practice 000"].list_falling
    assert at.threshold == flag.measured and not at.flagged
    assert _pressure(found, list_fall_per_year=5.99)["Practice 000"].flagged


def _locums(collective, member_per_patient: float):
    """Eleven practices in England with lists of 1,000: the collective's one spends
    `member_per_patient` a patient on locums, the other ten 0, 1, ... 9."""
    made = national(collective, practices=1, years=1, pcns=1, outsiders=9)
    codes = [made.practices[0].ods_code, *made.outsiders]
    PracticeFigure.objects.filter(
        practice_code__in=codes, measure="registered_patients", period="2022-23"
    ).update(value=1000)
    for i, code in enumerate(made.outsiders):
        PracticeFigure.objects.filter(practice_code=code, measure="locum_allowances").update(
            value=1000 * i
        )
    PracticeFigure.objects.filter(practice_code=codes[0], measure="locum_allowances").update(
        value=1000 * member_per_patient
    )
    cache.clear()
    return selectors.collective_sustainability(collective.pk, with_values=True)


def test_locum_allowances_above_the_centile_are_flagged(collective):
    found = _locums(collective, 9.5)
    flag = _pressure(found, locum_centile=90)["Practice 000"].locum
    assert flag.flagged and flag.reason == "9.5 is above the 90th centile (9)"


def test_locum_allowances_at_the_centile_are_not_flagged(collective):
    found = _locums(collective, 9)
    flag = _pressure(found, locum_centile=90)["Practice 000"].locum
    assert not flag.flagged and flag.reason == "9 is not above the 90th centile (9)"


@settings(max_examples=50, deadline=None)
@given(
    population=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
    value=st.floats(0, 100, allow_nan=False),
    centile=st.integers(1, 99),
)
def test_the_centile_flag_is_above_centile_over_englands_practices(population, value, centile):
    """pressures() finds the centile once and hands above_centile that one value: the flag
    is the one above_centile gives over the whole population."""
    cut = [comparisons.percentile(population, centile)]
    assert comparisons.above_centile(value, cut, centile) == comparisons.above_centile(
        value, population, centile
    )


def test_too_few_gps_per_patient_is_flagged_and_not_at_the_minimum(collective):
    made = national(collective, practices=2, years=1)
    code = made.practices[0].ods_code
    PracticeFigure.objects.filter(practice_code=code, measure="workforce_patients").update(
        value=10_000
    )
    PracticeFigure.objects.filter(practice_code=code, measure="gp_fte").update(value=3.9)
    found = selectors.collective_sustainability(collective.pk, with_values=True)
    flag = _pressure(found)["Practice 000"].gp_fte
    assert flag.flagged and flag.reason == "0.39 per 1,000 is below the minimum of 0.4"
    assert not _pressure(found, min_gp_fte_per_1000=0.39)["Practice 000"].gp_fte.flagged


def test_the_funnel_draws_each_practices_list_change_around_the_collectives(collective):
    national(collective, practices=4, years=1)
    found = selectors.collective_sustainability(collective.pk)
    funnel = selectors.list_funnel(found)
    assert funnel.funnel is not None and funnel.left_out == []
    assert [p.label for p in funnel.funnel.points] == [p.name for p in found.practices]
    total_now = sum(round(p.list_current) for p in found.practices)
    total_before = sum(p.list_previous for p in found.practices)
    assert math.isclose(funnel.funnel.centre, total_now / total_before * 100)
    assert set(funnel.points) == {p.organisation_id for p in found.practices}
