"""Practices under pressure, and the shared services they are and are not in: each flag on
above the collective's threshold and off at it, the thresholds a convenor sets (audited),
the services each flagged practice is and is not in, exports, who may see it, and a fixed
number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from alliance.testing import MembershipFactory, audited, page_queries, table_rows
from collectives.models import Role
from shared_services.models import (
    Participation,
    ServiceKind,
    SharedService,
    SharedServicesSettings,
    Stage,
)
from sustainability import selectors
from sustainability.models import PracticeFigure
from sustainability.tests.test_selectors import national


def _url(collective, suffix="") -> str:
    return f"/c/{collective.slug}/sustainability/pressure{suffix}"


def _falling(made, index: int, fall: float) -> None:
    """Practice `index`'s list falls by `fall` a year between the two latest periods."""
    code = made.practices[index].ods_code
    years = selectors.years_between("2022-01", "2022-23")
    PracticeFigure.objects.filter(practice_code=code, period="2022-01").update(value=10_000)
    PracticeFigure.objects.filter(
        practice_code=code, measure="registered_patients", period="2022-23"
    ).update(value=10_000 * (1 - fall) ** years)
    cache.clear()


def _few_gps(made, index: int, per_1000: float) -> None:
    code = made.practices[index].ods_code
    PracticeFigure.objects.filter(practice_code=code, measure="workforce_patients").update(
        value=10_000
    )
    PracticeFigure.objects.filter(practice_code=code, measure="gp_fte").update(value=per_1000 * 10)
    cache.clear()


def _flagged(client, collective) -> dict[str, str]:
    page = client.get(_url(collective, "/")).content.decode()
    rows = table_rows(page, "pressure") if 'id="pressure"' in page else [[]]
    return {row[0].split(" ")[0] + " " + row[0].split(" ")[1]: row[1] for row in rows[1:]}


@pytest.fixture
def services(collective):
    made = national(collective, practices=3, years=1)
    host = made.pcns[0]
    hub = SharedService.objects.create(
        collective=collective, name="Document hub", kind=ServiceKind.DOCUMENTS, host=host
    )
    bank = SharedService.objects.create(
        collective=collective,
        name="Staff bank",
        kind=ServiceKind.STAFF_BANK,
        host=host,
        stage=Stage.EXPLORING,
    )
    closed = SharedService.objects.create(
        collective=collective,
        name="Old rota",
        kind=ServiceKind.OTHER,
        host=host,
        stage=Stage.CLOSED,
    )
    Participation.objects.create(service=hub, organisation=made.practices[0])
    Participation.objects.create(service=closed, organisation=made.practices[0])
    left = Participation.objects.create(service=bank, organisation=made.practices[0])
    left.left_on = left.joined_on
    left.save()
    return made, hub, bank


def test_a_practice_whose_list_falls_faster_than_the_threshold_is_flagged(
    client, member, collective, services
):
    made, *_ = services
    _falling(made, 0, 0.06)
    client.force_login(member.user)
    flagged = _flagged(client, collective)
    assert flagged == {"Practice 000": "List fell 6.0% a year (more than 5%)"}
    page = client.get(_url(collective, "/")).content.decode()
    row = table_rows(page, "pressure")[1]
    # In the hub; not in the staff bank, which it left; the closed service is not offered.
    assert (row[2], row[3]) == ("Document hub", "Staff bank (exploring)")
    assert "1 of the collective's 4 practices is flagged" in page  # Oakwood has no figures


def test_a_list_falling_no_faster_than_the_threshold_is_not_flagged(
    client, member, collective, services
):
    """(Exactly at the threshold is tested on the flags themselves, test_selectors: a fall
    worked out in floating point is never exactly a threshold of two decimal places.)"""
    made, *_ = services
    SharedServicesSettings.objects.create(collective=collective, list_fall_per_year=6)
    _falling(made, 0, 0.0599)
    client.force_login(member.user)
    assert _flagged(client, collective) == {}
    _falling(made, 0, 0.0601)
    assert _flagged(client, collective) == {"Practice 000": "List fell 6.0% a year (more than 6%)"}


def test_too_few_gps_is_flagged_below_the_minimum_and_not_at_it(
    client, member, collective, services
):
    made, *_ = services
    _few_gps(made, 1, 0.39)
    client.force_login(member.user)
    assert _flagged(client, collective) == {
        "Practice 001": "0.39 per 1,000 is below the minimum of 0.4"
    }
    _few_gps(made, 1, 0.4)
    assert _flagged(client, collective) == {}


def test_locum_allowances_above_the_collectives_centile_are_flagged_and_not_at_it(
    client, member, collective
):
    made = national(collective, practices=1, years=1, pcns=1, outsiders=9)
    codes = [made.practices[0].ods_code, *made.outsiders]
    PracticeFigure.objects.filter(practice_code__in=codes, measure="registered_patients").update(
        value=1000
    )
    for i, code in enumerate(made.outsiders):
        PracticeFigure.objects.filter(practice_code=code, measure="locum_allowances").update(
            value=1000 * i
        )
    ours = PracticeFigure.objects.filter(practice_code=codes[0], measure="locum_allowances")
    ours.update(value=9500)
    client.force_login(member.user)
    assert _flagged(client, collective) == {"Practice 000": "9.5 is above the 90th centile (9)"}
    ours.update(value=9000)  # exactly England's 90th centile: not above it
    cache.clear()
    assert _flagged(client, collective) == {}
    SharedServicesSettings.objects.create(collective=collective, locum_centile=80)
    assert _flagged(client, collective) == {"Practice 000": "9 is above the 80th centile (8)"}


def test_a_convenor_sets_the_thresholds_and_the_change_is_audited(
    client, convenor, collective, services
):
    made, *_ = services
    _falling(made, 0, 0.06)
    client.force_login(convenor.user)
    form = client.get(_url(collective, "/thresholds/")).content.decode()
    assert 'value="5"' in form and 'value="90"' in form and 'value="0.4"' in form
    response = client.post(
        _url(collective, "/thresholds/"),
        {"list_fall_per_year": "7", "locum_centile": "95", "min_gp_fte_per_1000": "0.3"},
    )
    assert response.status_code == 302 and response["Location"] == _url(collective, "/")
    settings = SharedServicesSettings.objects.get(collective=collective)
    assert (settings.list_fall_per_year, settings.locum_centile) == (7, 95)
    assert audited("shared_services.settings_changed") == [(convenor.user.pk, collective.pk)]
    assert _flagged(client, collective) == {}  # 6% a year is not more than 7%
    page = client.get(_url(collective, "/")).content.decode()
    assert "by more than 7% a year" in page


def test_bad_thresholds_are_refused_naming_them(client, convenor, collective):
    client.force_login(convenor.user)
    page = client.post(
        _url(collective, "/thresholds/"),
        {"list_fall_per_year": "-1", "locum_centile": "100", "min_gp_fte_per_1000": "x"},
    ).content.decode()
    assert "There is a problem" in page
    assert "Ensure this value is greater than or equal to 0.01." in page
    assert "Ensure this value is less than or equal to 99." in page
    assert "Enter a number." in page
    assert not SharedServicesSettings.objects.filter(collective=collective).exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OBSERVER, Role.GUEST])
def test_only_convenors_change_the_thresholds(client, collective, role):
    someone = MembershipFactory(collective=collective, role=role)
    client.force_login(someone.user)
    response = client.post(
        _url(collective, "/thresholds/"),
        {"list_fall_per_year": "7", "locum_centile": "95", "min_gp_fte_per_1000": "0.3"},
    )
    assert response.status_code == 403
    assert not SharedServicesSettings.objects.filter(collective=collective).exists()


def test_guests_do_not_see_the_page_or_its_exports(client, collective):
    guest = MembershipFactory(collective=collective, role=Role.GUEST)
    client.force_login(guest.user)
    for suffix in ("/", ".csv", ".xlsx"):
        assert client.get(_url(collective, suffix)).status_code == 403


def test_the_flagged_practices_export_with_their_services(client, member, collective, services):
    made, *_ = services
    _falling(made, 0, 0.06)
    _few_gps(made, 2, 0.2)
    client.force_login(member.user)
    response = client.get(_url(collective, ".csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Practice" and len(rows) == 3
    assert rows[1][:4] == [
        "Practice 000",
        made.practices[0].ods_code,
        "Test PCN 0",
        "List fell 6.0% a year (more than 5%)",
    ]
    assert rows[1][6:] == ["Document hub", "Staff bank"]
    assert rows[2][5] == "0.2 per 1,000 is below the minimum of 0.4"
    assert client.get(_url(collective, ".xlsx"), {"q": "Practice 002"}).status_code == 200


def test_the_flagged_practices_can_be_searched(client, member, collective, services):
    made, *_ = services
    _falling(made, 0, 0.06)
    _few_gps(made, 2, 0.2)
    client.force_login(member.user)
    page = client.get(_url(collective, "/"), {"q": "Practice 002"}).content.decode()
    assert [r[0].split(" T")[0] for r in table_rows(page, "pressure")[1:]] == ["Practice 002"]


def test_with_no_national_figures_the_page_says_so(client, member, collective):
    client.force_login(member.user)
    page = client.get(_url(collective, "/")).content.decode()
    assert "No national figures have been imported yet." in page


def test_the_page_runs_as_many_queries_for_30_practices_over_5_years_as_for_3(client, db):
    counts = []
    for practices, years in ((3, 1), (30, 5)):
        someone = MembershipFactory(role=Role.MEMBER)
        made = national(someone.collective, practices=practices, years=years, pcns=3)
        for n in range(practices):
            SharedService.objects.create(
                collective=someone.collective,
                name=f"Service {n}",
                kind=ServiceKind.OTHER,
                host=made.pcns[0],
            )
        client.force_login(someone.user)
        counts.append(page_queries(client, _url(someone.collective, "/")))
    assert counts[0] == counts[1], counts
