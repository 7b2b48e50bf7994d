"""The sustainability API: the same figures and rules as the pages (every member but guests
reads; convenors import), within the caller's collective only, in a fixed number of
queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_mint
from alliance.testing import MembershipFactory
from collectives.models import Role
from sustainability.models import ImportStatus, PracticeDataImport, PracticeFigure

from .test_readers import FIXTURES
from .test_selectors import national

pytestmark = pytest.mark.django_db


def _url(collective: Any, name: str, *extra: Any) -> str:
    return reverse(f"api:{name}", args=[collective.slug, *extra])


def _token(client: Any, membership: Any) -> Any:
    key = api_token_mint(user=membership.user, name="test").key
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def test_it_lists_the_practices_with_their_figures_by_name(client, member, collective):
    national(collective, practices=2, years=2)
    data = _token(client, member).get(_url(collective, "practice_figures")).json()
    assert data["count"] == 3
    names = [row["name"] for row in data["results"]]
    assert names == ["Oakwood Surgery", "Practice 000", "Practice 001"]
    first = data["results"][1]
    assert first["pcn_name"] == "Test PCN 0" and first["contract_type"] == "PMS"
    figures = {f["indicator"]: f for f in first["figures"]}
    assert figures["payments_per_weighted_patient"] == {
        "indicator": "payments_per_weighted_patient",
        "label": "Payments per weighted patient",
        "unit": "£",
        "period": "2022-23",
        "value": 150.0,
    }
    assert figures["list_change"]["period"] == "2021-22 to 2022-23"
    oakwood = data["results"][0]
    assert {f["value"] for f in oakwood["figures"]} == {None}  # no figures: null, never 0


def test_the_list_can_be_searched(client, member, collective):
    national(collective, practices=3, pcns=2)
    data = _token(client, member).get(_url(collective, "practice_figures"), {"q": "test pcn 1"})
    assert [row["name"] for row in data.json()["results"]] == ["Practice 001"]


def test_a_practice_against_its_pcn_the_collective_and_england(client, member, collective):
    made = national(collective, practices=3, years=2)
    url = _url(collective, "practice_figure", made.practices[0].pk)
    data = _token(client, member).get(url).json()
    assert data["name"] == "Practice 000"
    comparisons = {c["indicator"]: c for c in data["comparisons"]}
    payments = comparisons["payments_per_weighted_patient"]
    assert payments["practice"] == 150.0 and payments["england_count"] == 10
    assert (payments["england_lowest"], payments["england_highest"]) == (150.0, 156.0)
    assert payments["england_25th_percentile"] == 151.0
    assert payments["against_england"] == "lower"
    assert comparisons["deprivation"]["england"] == 21.72
    assert [h["period"] for h in data["history"]][-1] == "2022-23"


def test_the_pages_and_the_api_give_the_same_figures(client, member, collective):
    made = national(collective, practices=2)
    _token(client, member)
    data = client.get(_url(collective, "practice_figure", made.practices[1].pk)).json()
    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(member.user)
    page = client.get(
        f"/c/{collective.slug}/sustainability/practices/{made.practices[1].pk}/"
    ).content.decode()
    for comparison in data["comparisons"]:
        if comparison["practice"] is not None and comparison["unit"] == "£":
            assert f"£{comparison['practice']:,.2f}" in page


def test_another_collectives_practice_is_not_found(client, member, collective, outsider):
    theirs = national(outsider.collective, practices=1)
    _token(client, member)
    assert (
        client.get(_url(collective, "practice_figure", theirs.practices[0].pk)).status_code == 404
    )
    assert client.get(_url(outsider.collective, "practice_figures")).status_code == 404


def test_guests_are_refused_and_anonymous_callers_must_sign_in(client, collective):
    made = national(collective, practices=1)
    assert client.get(_url(collective, "practice_figures")).status_code == 401
    guest = MembershipFactory(collective=collective, role=Role.GUEST)
    _token(client, guest)
    assert client.get(_url(collective, "practice_figures")).status_code == 403
    assert client.get(_url(collective, "practice_figure", made.practices[0].pk)).status_code == 403


def test_the_list_runs_as_many_queries_for_30_practices_over_5_years_as_for_3(client, db):
    counts = []
    for practices, years in ((3, 1), (30, 5)):
        someone = MembershipFactory(role=Role.MEMBER)
        made = national(someone.collective, practices=practices, years=years, pcns=3)
        _token(client, someone)
        found = []
        for url in (
            _url(someone.collective, "practice_figures"),
            _url(someone.collective, "practice_figure", made.practices[0].pk),
        ):
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        counts.append(found)
    assert counts[0] == counts[1], counts


# Imports -------------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    return tmp_path


def _upload(client, collective, name, capture, **extra):
    with open(FIXTURES / name, "rb") as upload, capture(execute=True):
        return client.post(_url(collective, "practice_imports"), {"file": upload, **extra})


def test_a_convenor_imports_a_file_through_the_api(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    _token(client, convenor)
    response = _upload(
        client, collective, "payments-2019-20.csv", django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    queued = response.json()
    assert queued["status"] == "queued" and queued["started_by"] == convenor.user.email
    run = client.get(_url(collective, "practice_import", queued["id"])).json()
    assert run["status"] == "succeeded", run
    assert (run["added"], run["changed"], run["unchanged"]) == (24, 0, 0)
    assert run["files"][0]["name"] == "payments-2019-20.csv"
    listed = client.get(_url(collective, "practice_imports")).json()
    assert [r["id"] for r in listed["results"]] == [queued["id"]]
    assert PracticeFigure.objects.filter(practice_code="A81001").count() == 6
    assert list(uploads.iterdir()) == []


def test_a_broken_file_fails_naming_the_row_and_column_and_changes_nothing(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    _token(client, convenor)
    queued = _upload(
        client, collective, "registrations-by-age.csv", django_capture_on_commit_callbacks
    ).json()
    run = client.get(_url(collective, "practice_import", queued["id"])).json()
    assert run["status"] == "failed"
    assert "registrations-by-age.csv, row 2, column SEX" in run["error"]
    assert PracticeFigure.objects.count() == 0


def test_a_bad_period_is_refused_naming_it(client, convenor, collective, uploads):
    _token(client, convenor)
    with open(FIXTURES / "workforce-detailed-2023-09.csv", "rb") as upload:
        response = client.post(
            _url(collective, "practice_imports"), {"file": upload, "period": "September"}
        )
    assert response.status_code == 400 and "period" in response.json()
    assert PracticeDataImport.objects.count() == 0


@pytest.mark.parametrize("role", [Role.MEMBER, Role.REPRESENTATIVE, Role.GUEST])
def test_only_convenors_import_or_see_the_imports(client, collective, practice, role, uploads):
    someone = MembershipFactory(
        collective=collective,
        role=role,
        organisation=practice.organisation if role == Role.REPRESENTATIVE else None,
    )
    run = PracticeDataImport.objects.create(collective=collective, status=ImportStatus.SUCCEEDED)
    _token(client, someone)
    assert client.get(_url(collective, "practice_imports")).status_code == 403
    assert client.get(_url(collective, "practice_import", run.pk)).status_code == 403
    with open(FIXTURES / "payments-2019-20.csv", "rb") as upload:
        response = client.post(_url(collective, "practice_imports"), {"file": upload})
    assert response.status_code == 403
    assert PracticeDataImport.objects.count() == 1


def test_another_collectives_import_is_not_found(client, convenor, collective, outsider):
    theirs = PracticeDataImport.objects.create(collective=outsider.collective)
    _token(client, convenor)
    assert client.get(_url(collective, "practice_import", theirs.pk)).status_code == 404
