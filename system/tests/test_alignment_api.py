"""The agenda alignment API: priorities and overlaps under the pages' rules, within the
caller's collective only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from golden_thread.tests.conftest import record_decision
from system import services_alignment as services
from system.models import KeyRelationship, Overlap, Priority, PriorityOwner
from system.tests.test_alignment_pages import icb_priority, ours
from system.tests.test_coverage_pages import island_people

JSON = "application/json"


def api(world, name, *args):
    return reverse(f"api:{name}", args=[world.collective.slug, *args])


def as_(client, membership):
    client.force_login(membership.user)
    return client


def test_the_leadership_group_adds_and_lists_priorities(client, world):
    people = island_people(world)
    decision = record_decision(world.convenor, [world.cd, world.federation_lead], "One service")
    client = as_(client, world.cd)
    response = client.post(
        api(world, "system_priorities"),
        {"whose": "collective", "text": "Phlebotomy at home", "decision": decision.pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["whose"], body["text"], body["decision"]) == (
        "collective",
        "Phlebotomy at home",
        {"id": decision.pk, "title": "One service"},
    )
    assert body["organisation"] is None and body["stakeholder"] is None
    response = client.post(
        api(world, "system_priorities"),
        {"whose": "stakeholder", "stakeholder": people["dana"].pk, "text": "Frailty"},
        content_type=JSON,
    )
    assert response.json()["stakeholder"] == {
        "id": people["dana"].pk,
        "name": "Dana Shaw",
        "role": "Director of Strategy",
        "organisation": world.icb.pk,
    }
    response = client.post(
        api(world, "system_priorities"),
        {"whose": "organisation", "organisation": world.icb.pk, "text": "Admissions"},
        content_type=JSON,
    )
    assert response.json()["organisation"] == {"id": world.icb.pk, "name": world.icb.name}
    listed = client.get(api(world, "system_priorities")).json()
    assert listed["count"] == 3
    found = client.get(api(world, "system_priorities") + f"?organisation={world.icb.pk}").json()
    assert sorted(p["text"] for p in found["results"]) == ["Admissions", "Frailty"]
    found = client.get(api(world, "system_priorities") + "?whose=collective&q=phleb").json()
    assert [p["text"] for p in found["results"]] == ["Phlebotomy at home"]


def test_bad_priorities_are_refused_naming_the_field(client, world):
    client = as_(client, world.cd)
    for body, field in (
        ({"whose": "collective", "text": ""}, "text"),
        ({"whose": "collective", "text": "x" * 301}, "text"),
        ({"whose": "organisation", "text": "Theirs"}, "organisation"),
        ({"whose": "stakeholder", "text": "Theirs", "stakeholder": 999_999}, "stakeholder"),
        ({"whose": "collective", "text": "Ours", "decision": 999_999}, "decision"),
        ({"whose": "everyone", "text": "Ours"}, "whose"),
    ):
        response = client.post(api(world, "system_priorities"), body, content_type=JSON)
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert not Priority.objects.exists()


def test_overlaps_are_marked_listed_and_removed(client, world):
    island_people(world)
    mine, theirs = ours(world), icb_priority(world)
    client = as_(client, world.federation_lead)
    response = client.post(
        api(world, "system_overlaps"),
        {"ours": mine.pk, "theirs": theirs.pk, "note": "Both want fewer admissions"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ours"] == {"id": mine.pk, "text": mine.text}
    assert body["theirs"]["id"] == theirs.pk and body["marked_by"] == "Fred Federation"
    again = client.post(
        api(world, "system_overlaps"), {"ours": mine.pk, "theirs": theirs.pk}, content_type=JSON
    )
    assert again.status_code == 400 and "theirs" in again.json()
    missing = client.post(
        api(world, "system_overlaps"), {"ours": 999_999, "theirs": theirs.pk}, content_type=JSON
    )
    assert missing.status_code == 400 and "ours" in missing.json()
    listed = client.get(api(world, "system_overlaps") + f"?organisation={world.icb.pk}").json()
    assert [o["note"] for o in listed["results"]] == ["Both want fewer admissions"]
    assert client.get(api(world, "system_overlap", body["id"])).json()["id"] == body["id"]
    assert client.delete(api(world, "system_overlap", body["id"])).status_code == 204
    assert not Overlap.objects.exists()
    assert client.delete(api(world, "system_priority", theirs.pk)).status_code == 204
    assert client.get(api(world, "system_priority", theirs.pk)).status_code == 404


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_members_observers_and_guests_are_refused(client, world, who):
    island_people(world)
    mine, theirs = ours(world), icb_priority(world)
    overlap = services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
    client = as_(client, getattr(world, who))
    for address in (
        api(world, "system_priorities"),
        api(world, "system_priority", mine.pk),
        api(world, "system_overlaps"),
        api(world, "system_overlap", overlap.pk),
    ):
        assert client.get(address).status_code == 403, address
    assert client.delete(api(world, "system_priority", mine.pk)).status_code == 403
    assert (
        client.post(
            api(world, "system_priorities"), {"whose": "collective", "text": "x"}, content_type=JSON
        ).status_code
        == 403
    )
    assert Priority.objects.count() == 2 and Overlap.objects.count() == 1


def test_another_collectives_priorities_and_overlaps_are_not_found(client, world, outsider):
    island_people(world)
    mine, theirs = ours(world), icb_priority(world)
    overlap = services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
    client = as_(client, outsider)
    own = outsider.collective.slug
    for name, pk in (("system_priority", mine.pk), ("system_overlap", overlap.pk)):
        assert client.get(reverse(f"api:{name}", args=[own, pk])).status_code == 404
        assert client.delete(reverse(f"api:{name}", args=[own, pk])).status_code == 404
        assert client.get(api(world, name, pk)).status_code == 404
    assert client.get(reverse("api:system_priorities", args=[own])).json()["results"] == []
    assert Priority.objects.count() == 2 and Overlap.objects.count() == 1


def test_an_owner_outside_the_leadership_group_sees_only_their_stakeholders_priorities(
    client, world
):
    people = island_people(world)
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=people["olu"], owner=rep.user
    )
    dana = services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["dana"].pk,
        text="Dana's own",
    )
    ours(world)
    client = as_(client, rep)
    response = client.post(
        api(world, "system_priorities"),
        {"whose": "stakeholder", "stakeholder": people["olu"].pk, "text": "Olu's own"},
        content_type=JSON,
    )
    assert response.status_code == 201
    texts = sorted(p["text"] for p in client.get(api(world, "system_priorities")).json()["results"])
    assert texts == ["Olu's own", "Phlebotomy for housebound patients"]
    assert client.get(api(world, "system_priority", dana.pk)).status_code == 404


def test_the_lists_run_the_same_queries_for_few_and_many(client, world):
    people = island_people(world)
    client = as_(client, world.cd)

    def more(n: int) -> None:
        for i in range(n):
            theirs = services.priority_add(
                actor_membership=world.cd,
                whose=PriorityOwner.STAKEHOLDER,
                stakeholder=people["dana"].pk,
                text=f"Dana's {n}-{i}",
            )
            services.overlap_mark(
                actor_membership=world.cd, ours=ours(world, f"{n}-{i}"), theirs=theirs
            )

    def count(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(api(world, name)).status_code == 200
        return len(captured)

    more(2)
    few = [count("system_priorities"), count("system_overlaps")]
    more(6)
    assert [count("system_priorities"), count("system_overlaps")] == few
