"""The sustainability pages as a member sees them: the collective's practices with their
figures and the funnel, a practice's spine charts with the same figures in a table, the
exports; who may see them; and their query counts, fixed whatever the collective's size."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from alliance.testing import MembershipFactory, page_queries, table_rows
from collectives.models import Role
from sustainability import selectors
from sustainability.models import PracticeFigure

from .test_selectors import national


def _names(rows) -> list[str]:
    """The practices' names in the table (each cell: name, ODS code · PCN)."""
    return [row[0].split(" · ")[0].rsplit(" ", 1)[0] for row in rows[1:]]


def _overview(collective) -> str:
    return f"/c/{collective.slug}/sustainability/"


def _practice(collective, organisation) -> str:
    return f"/c/{collective.slug}/sustainability/practices/{organisation.pk}/"


def test_it_lists_every_practice_with_its_headline_figures_by_name(client, member, collective):
    national(collective, practices=3, years=2)
    client.force_login(member.user)
    page = client.get(_overview(collective)).content.decode()
    rows = table_rows(page, "practices")
    assert rows[0][:3] == [
        "Practice",
        "Registered patients (patients, 2022-23)",
        "Change in registered patients (% a year, 2021-22 to 2022-23)",
    ]
    assert _names(rows) == ["Oakwood Surgery", "Practice 000", "Practice 001", "Practice 002"]
    oakwood, first = rows[1], rows[2]
    assert oakwood[1] == "–"  # a practice with no national figures is still listed
    assert first[0].startswith("Practice 000 T") and "Test PCN 0" in first[0]
    assert first[1] == "4,040" and first[5] == "£150.00"
    areas = table_rows(page, "areas")
    assert [row[0] for row in areas[1:]] == ["The collective", "England"]
    assert "How the practices' lists changed" in page and "funnel-title" in page
    assert "never ranked" in page


def test_it_says_when_no_national_figures_have_been_imported(client, member, collective):
    client.force_login(member.user)
    page = client.get(_overview(collective)).content.decode()
    assert "No national figures have been imported yet." in page
    assert "python manage.py import_practice_data FILE [FILE ...]" in page
    assert "Oakwood Surgery" in page  # the practices are listed all the same


def test_a_collective_without_practices_says_so(client, convenor, collective):
    client.force_login(convenor.user)
    page = client.get(_overview(collective)).content.decode()
    assert "The collective has no member practices yet." in page


@pytest.mark.parametrize("by", ["name", "ODS code", "PCN"])
def test_the_practices_can_be_searched_by_name_code_or_pcn(client, member, collective, by):
    made = national(collective, practices=3, pcns=2)
    query = {
        "name": "practice 001",
        "ODS code": made.practices[1].ods_code.lower(),
        "PCN": "Test PCN 1",
    }[by]
    client.force_login(member.user)
    page = client.get(_overview(collective), {"q": query}).content.decode()
    assert _names(table_rows(page, "practices")) == ["Practice 001"]
    page = client.get(_overview(collective), {"q": "nowhere"}).content.decode()
    assert "No practice matches your search." in page


def test_the_practices_are_shown_25_to_a_page(client, member, collective):
    national(collective, practices=30)
    client.force_login(member.user)
    first = client.get(_overview(collective)).content.decode()
    assert len(table_rows(first, "practices")) == 26
    assert "31 practices, showing 1 to 25" in first
    second = client.get(_overview(collective), {"page": 2}).content.decode()
    assert len(table_rows(second, "practices")) == 7


def test_the_figures_export_as_csv_and_xlsx(client, member, collective):
    national(collective, practices=2)
    client.force_login(member.user)
    response = client.get(f"{_overview(collective)}practices.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Practice", "ODS code", "PCN", "Contract type"]
    assert [row[0] for row in rows[1:]] == [
        "Oakwood Surgery",
        "Practice 000",
        "Practice 001",
        "The collective",
        "England",
    ]
    heading = rows[0].index("Payments per weighted patient (£, 2022-23)")
    assert float(rows[2][heading]) == 150.0
    response = client.get(f"{_overview(collective)}practices.xlsx", {"q": "Practice 001"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "Practice",
        "Practice 001",
        "The collective",
        "England",
    ]


def test_a_practice_has_a_spine_chart_per_figure_with_the_same_figures_beside_it(
    client, member, collective
):
    made = national(collective, practices=3, years=2)
    client.force_login(member.user)
    page = client.get(_practice(collective, made.practices[0])).content.decode()
    rows = table_rows(page, "spines")
    assert rows[0][:5] == [
        "Figure",
        "This practice",
        "PCN (Test PCN 0)",
        "The collective",
        "England",
    ]
    labels = [i.label for i in selectors.INDICATORS]
    by_figure = {label: row for row in rows[1:] for label in labels if row[0].startswith(label)}
    assert len(by_figure) == len(labels)
    payments = by_figure["Payments per weighted patient"]

    def weighted(n):  # practice n's weighted list in 2022-23 (test_selectors.figures_for)
        return ((4000 + 900 * (n % 11)) * 1.01 + 0.25) * 1.1

    def paid(ns):  # total payments over total weighted patients
        return sum(weighted(n) * (150 + n % 7) for n in ns) / sum(weighted(n) for n in ns)

    assert payments[1:5] == [
        "£150.00",
        f"£{paid([0, 1, 2, 3]):.2f}",  # the PCN: its neighbour outside the collective too
        f"£{paid([0, 1, 2]):.2f}",
        f"£{paid(range(10)):.2f}",  # England: every practice
    ]
    deprivation = by_figure["Deprivation score (IMD 2019)"]
    assert deprivation[4] == "21.7"  # England's own figure, from Fingertips
    england = {row[0]: row for row in table_rows(page, "england")[1:]}
    assert england["Payments per weighted patient"][1:] == [
        "£150.00",
        "£151.00",  # the quartiles of 150 + n % 7 for n = 0 ... 9
        "£153.75",
        "£156.00",
        "10",
        "Below the middle half",
    ]
    assert page.count('role="img"') >= 9  # a spine chart for each figure England has
    assert f"this practice £150.00; England £{paid(range(10)):.2f}" in page
    history = table_rows(page, "history")
    assert [row[0] for row in history[1:]] == [
        "2019",
        "2021-01",
        "2021-09",
        "2021-22",
        "2022-01",
        "2022-09",
        "2022-23",
    ]
    assert "Contract type" in page and "PMS" in page


def test_a_spine_needs_four_of_englands_practices(client, member, collective):
    made = national(collective, practices=1, pcns=1, outsiders=1)
    client.force_login(member.user)
    page = client.get(_practice(collective, made.practices[0])).content.decode()
    assert "Only 3 practices in England have this figure: a spine chart needs at least 4." in page


def test_a_practice_of_another_collective_or_an_organisation_that_is_not_a_practice_is_404(
    client, member, collective, outsider
):
    other = national(outsider.collective, practices=1)
    client.force_login(member.user)
    assert client.get(_practice(collective, other.practices[0])).status_code == 404
    assert client.get(_practice(collective, other.pcns[0])).status_code == 404


def test_guests_are_refused(client, collective):
    made = national(collective, practices=1)
    guest = MembershipFactory(collective=collective, role=Role.GUEST)
    client.force_login(guest.user)
    for url in (
        _overview(collective),
        f"{_overview(collective)}practices.csv",
        f"{_overview(collective)}practices.xlsx",
        _practice(collective, made.practices[0]),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE, Role.MEMBER])
def test_every_other_member_reads_them(client, collective, practice, role):
    made = national(collective, practices=1)
    someone = MembershipFactory(
        collective=collective,
        role=role,
        organisation=practice.organisation if role == Role.REPRESENTATIVE else None,
    )
    client.force_login(someone.user)
    assert client.get(_overview(collective)).status_code == 200
    assert client.get(_practice(collective, made.practices[0])).status_code == 200


def test_the_pages_run_as_many_queries_for_30_practices_over_5_years_as_for_3_over_1(client, db):
    counts = []
    for practices, years in ((3, 1), (30, 5)):
        someone = MembershipFactory(role=Role.MEMBER)
        made = national(someone.collective, practices=practices, years=years, pcns=3)
        client.force_login(someone.user)
        counts.append(
            [
                page_queries(client, url)
                for url in (
                    _overview(someone.collective),
                    f"{_overview(someone.collective)}practices.csv",
                    _practice(someone.collective, made.practices[0]),
                )
            ]
        )
    assert counts[0] == counts[1], counts


def test_a_missing_figure_shows_as_missing(client, member, collective):
    made = national(collective, practices=1)
    PracticeFigure.objects.filter(practice_code=made.practices[0].ods_code).update(value=None)
    client.force_login(member.user)
    page = client.get(_practice(collective, made.practices[0])).content.decode()
    row = next(r for r in table_rows(page, "spines") if r[0].startswith("GP FTE"))
    assert row[1] == "–"
