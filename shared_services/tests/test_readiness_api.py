"""The readiness API answers what the page shows, under the same rules."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.testing import MembershipFactory
from collectives.models import Role
from shared_services.models import ReadinessShare
from shared_services.tests.test_readiness_support import (
    BUILD_CASE,
    BUILD_TRUST,
    NOT_READY,
    READY,
    answer,
    closed_round,
    make_world,
    place,
)

pytestmark = pytest.mark.django_db


def _as(client, membership):
    client.force_login(membership.user)
    return client


def test_a_representative_gets_their_practices_placement_with_the_evidence(client):
    world = make_world(3)
    survey = closed_round(world, title="Autumn")
    ash = world.practices[1]
    answer(survey, world.practices[0], alone=2, joint=5, trust={world.host.pk: 3, ash.pk: 1})
    data = _as(client, world.rep(0)).get(world.api()).json()
    own = data["own"]
    assert own["placement"] == "build_trust" and own["placement_label"] == "Build trust"
    assert own["figures_shown"] is True
    assert own["answers"] == {
        "round": {"id": survey.pk, "title": "Autumn"},
        "sustainable_alone": 2.0,
        "joint_difference": 5.0,
        "belief": 4.5,
    }
    assert own["ratings"]["trust"] == 2.0
    assert [
        (o["organisation"]["name"], o["trust"], o["low"]) for o in own["ratings"]["organisations"]
    ] == [
        ("Island Federation", 3.0, False),
        (ash.name, 1.0, True),
    ]
    assert any(ash.name in s["text"] for s in own["suggestions"])
    assert own["shared"] is False and own["may_share"] is True
    assert data["overview"] is None


def test_a_member_gets_the_placement_without_the_figures(client):
    world = make_world(3)
    survey = closed_round(world)
    answer(survey, world.practices[0], alone=2, joint=5, trust={world.practices[1].pk: 1})
    own = _as(client, world.member(0)).get(world.api()).json()["own"]
    assert own["placement"] == "build_trust"
    assert own["figures_shown"] is False and own["answers"] is None and own["ratings"] is None
    assert not any(world.practices[1].name in s["text"] for s in own["suggestions"])
    assert own["may_share"] is False


def test_the_lead_gets_counts_only_with_k_practices_to_count(client):
    world = make_world(2, k=3)
    survey = closed_round(world)
    place(world, survey, world.practices[0], READY)
    place(world, survey, world.practices[1], BUILD_CASE)
    data = _as(client, world.lead).get(world.api()).json()
    assert data["own"] is None
    assert data["overview"]["counts_shown"] is False and data["overview"]["counts"] == []
    assert data["overview"]["message"].startswith("Not enough practices to show readiness.")
    world = make_world(3, k=3)
    survey = closed_round(world)
    for practice, answers in zip(world.practices, (READY, BUILD_CASE, BUILD_CASE), strict=True):
        place(world, survey, practice, answers)
    overview = _as(client, world.lead).get(world.api()).json()["overview"]
    assert overview["counts_shown"] is True
    assert {c["placement"]: c["practices"] for c in overview["counts"]} == {
        "ready": 1,
        "build_trust": 0,
        "build_case": 2,
        "not_ready": 0,
    }
    assert overview["shared"] == []


def test_sharing_by_put_shows_the_practice_to_the_lead_and_delete_hides_it(client):
    world = make_world(4)
    survey = closed_round(world)
    for practice, answers in zip(
        world.practices, (READY, BUILD_TRUST, NOT_READY, READY), strict=True
    ):
        place(world, survey, practice, answers)
    response = _as(client, world.rep(1)).put(world.api("share"))
    assert response.status_code == 200 and response.json()["own"]["shared"] is True
    overview = _as(client, world.lead).get(world.api()).json()["overview"]
    assert [(s["organisation"]["name"], s["placement"]) for s in overview["shared"]] == [
        (world.practices[1].name, "build_trust")
    ]
    assert sum(c["practices"] for c in overview["counts"]) == 3
    assert _as(client, world.rep(1)).put(world.api("share")).status_code == 200  # again: same
    assert ReadinessShare.objects.count() == 1
    response = _as(client, world.rep(1)).delete(world.api("share"))
    assert response.status_code == 200 and response.json()["own"]["shared"] is False
    overview = _as(client, world.lead).get(world.api()).json()["overview"]
    assert overview["shared"] == [] and sum(c["practices"] for c in overview["counts"]) == 4


def test_only_a_practices_representative_or_deputy_may_share_it(client, outsider):
    world = make_world(3)
    observer = MembershipFactory(collective=world.collective, role=Role.OBSERVER)
    guest = MembershipFactory(collective=world.collective, role=Role.GUEST)
    for person in (world.member(0), world.lead, world.convenor, observer, guest):
        for method in ("put", "delete"):
            response = getattr(_as(client, person), method)(world.api("share"))
            assert response.status_code == 403, (person.role, method)
    assert _as(client, guest).get(world.api()).status_code == 403
    assert _as(client, outsider).get(world.api()).status_code == 404
    assert _as(client, outsider).put(world.api("share")).status_code == 404
    assert not ReadinessShare.objects.exists()
    client.logout()
    assert client.get(world.api()).status_code == 401


def test_the_api_runs_the_same_queries_however_many_practices(client):
    def queries(practices):
        world = make_world(practices)
        for n in range(2):
            survey = closed_round(world, title=f"Round {n}", days_ago=20 + 30 * n)
            for practice in world.practices:
                place(world, survey, practice, READY)
        found = []
        for person in (world.lead, world.rep(0)):
            _as(client, person).get(world.api())
            with CaptureQueriesContext(connection) as captured:
                assert client.get(world.api()).status_code == 200
            found.append(len(captured))
        return found

    assert queries(3) == queries(15)
