"""The register's API: the same rules as the pages (an API client cannot do what the person
could not), every object scoped to the caller's collective."""

from __future__ import annotations

from rest_framework.test import APIClient

from alliance.testing import MembershipFactory
from collectives.models import Role
from shared_services import services


def _client(membership):
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def _api(hub, suffix=""):
    return f"/api/v1/collectives/{hub.convenor.collective.slug}/shared-services/{suffix}"


def test_a_convenor_adds_a_service_and_a_representative_cannot(hub):
    body = {"name": "Staff bank", "kind": "staff_bank", "host": hub.service.host_id}
    refused = _client(hub.representatives[0]).post(_api(hub), body, format="json")
    assert refused.status_code == 403
    made = _client(hub.convenor).post(
        _api(hub), {**body, "practices": [p.pk for p in hub.practices]}, format="json"
    )
    assert made.status_code == 201
    assert [row["organisation"]["name"] for row in made.json()["ledger"]] == [
        "Surgery 1",
        "Surgery 2",
        "Surgery 3",
    ]


def test_the_list_is_searchable_and_paged_and_closed_to_guests(hub):
    listed = _client(hub.convenor).get(_api(hub) + "?q=document").json()
    assert [s["name"] for s in listed["results"]] == ["Document hub"]
    assert listed["results"][0]["practices"] == 3
    guest = MembershipFactory(collective=hub.convenor.collective, role=Role.GUEST)
    assert _client(guest).get(_api(hub)).status_code == 403


def test_a_representative_answers_for_their_practice_and_the_ledger_shows_it(hub):
    way = services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="1")
    rep = hub.representatives[1]
    answered = _client(rep).put(
        _api(hub, f"ways/{way.pk}/answer/"), {"answer": "not_yet"}, format="json"
    )
    assert answered.status_code == 400
    assert answered.json() == {"would_help": ["This cannot be empty."]}
    answered = _client(rep).put(
        _api(hub, f"ways/{way.pk}/answer/"), {"answer": "agreed"}, format="json"
    )
    assert answered.status_code == 200
    detail = _client(hub.convenor).get(_api(hub, f"{hub.service.pk}/")).json()
    assert [a["in_words"] for row in detail["ledger"] for a in row["answers"]] == [
        "No answer yet",
        "Agreed",
        "No answer yet",
    ]
    assert detail["can_go_live"] is False
    stage = _client(hub.convenor).post(
        _api(hub, f"{hub.service.pk}/stage/"), {"stage": "running", "reason": "Go"}, format="json"
    )
    assert stage.status_code == 400
    assert "Surgery 1: A" in stage.json()["stage"][0]


def test_another_collectives_service_is_not_found(hub, outsider):
    assert _client(outsider).get(_api(hub, f"{hub.service.pk}/")).status_code == 404


def test_a_measures_values_come_back_with_the_run_charts_figures(hub):
    measure = services.measure_add(
        actor_membership=hub.convenor, service=hub.service, name="Backlog", unit="documents"
    )
    values = [{"month": f"2025-{m:02d}", "value": 40 + (m % 3)} for m in range(1, 12)]
    values.append({"month": "2025-12", "value": 95})
    sent = _client(hub.convenor).put(
        _api(hub, f"measures/{measure.pk}/values/"), {"values": values}, format="json"
    )
    assert sent.status_code == 200
    body = sent.json()
    assert body["points"][-1]["signals"] == ["above_upper_limit"]
    assert body["variation"] == "special cause – improvement"
    refused = _client(hub.representatives[0]).put(
        _api(hub, f"measures/{measure.pk}/values/"), {"values": values}, format="json"
    )
    assert refused.status_code == 403
