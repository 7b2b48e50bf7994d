"""The stakeholders API: the same rules as the pages (an API client cannot do what the person
could not), every object scoped to the caller's collective, notes read only through their
own endpoint and each read audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from directory.models import Organisation
from system import services_stakeholders as services
from system.models import KeyRelationship, Stakeholder, StakeholderNote
from system.tests.conftest import World, make_world


def _client(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def _api(world: World, suffix: str = "") -> str:
    return f"/api/v1/collectives/{world.collective.slug}/stakeholders/{suffix}"


def add(world: World, name: str, organisation=None, **more) -> Stakeholder:
    return services.stakeholder_add(
        actor_membership=world.cd, organisation=(organisation or world.icb).pk, name=name, **more
    )


@pytest.fixture
def dana(world: World) -> Stakeholder:
    stakeholder = add(world, "Dana Strategy", job_title="Director of Strategy")
    for warmth in (3, 4):
        services.assessment_add(
            actor_membership=world.cd, stakeholder=stakeholder, warmth=warmth, sway=3
        )
    services.note_add(actor_membership=world.cd, stakeholder=stakeholder, text="x")
    return stakeholder


def test_the_leadership_group_lists_and_adds_and_others_are_refused(world, dana):
    listed = _client(world.federation_lead).get(_api(world) + "?q=strategy").json()
    row = listed["results"][0]
    assert (row["name"], row["role"], row["organisation"]["name"]) == (
        "Dana Strategy",
        "Director of Strategy",
        "NHS Hampshire and Isle of Wight ICB",
    )
    assert (row["current"]["warmth"], row["current"]["movement"], row["previous"]["warmth"]) == (
        4,
        "warmth 3 → 4",
        3,
    )
    assert "notes" not in row
    body = {"organisation": world.community_trust.pk, "name": "Cath Community"}
    made = _client(world.cd).post(_api(world), body, format="json")
    assert made.status_code == 201 and made.json()["name"] == "Cath Community"
    for someone in (world.representatives[0], world.member, world.observer, world.guest):
        client = _client(someone)
        assert client.get(_api(world)).status_code == 403
        assert client.get(_api(world, f"{dana.pk}/")).status_code == 403
        assert client.get(_api(world, f"{dana.pk}/notes/")).status_code == 403
        assert client.post(_api(world), body, format="json").status_code == 403
    assert Stakeholder.objects.count() == 2


def test_errors_name_the_field(world):
    refused = _client(world.cd).post(
        _api(world), {"organisation": world.practices[0].pk, "name": "X"}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()) == ["organisation"]
    nameless = _client(world.cd).post(_api(world), {"organisation": world.icb.pk}, format="json")
    assert nameless.status_code == 400 and list(nameless.json()) == ["name"]
    unknown = _client(world.cd).get(_api(world) + "?stauts=1")
    assert unknown.status_code == 400


def test_another_collective_finds_nothing(world, dana, outsider):
    Organisation.objects.filter(ods_code="QRL").update(ods_code="QRLA")
    theirs = make_world(outsider)
    their_stakeholder = services.stakeholder_add(
        actor_membership=theirs.cd, organisation=theirs.icb.pk, name="Theirs"
    )
    note = StakeholderNote.objects.get(stakeholder=dana)
    assert _client(outsider).get(_api(world)).status_code == 404
    client = _client(world.convenor)
    for suffix in ("", "assessments/", "notes/", "key/", "contacts/"):
        url = _api(world, f"{their_stakeholder.pk}/{suffix}")
        assert client.get(url).status_code in (404, 405), suffix
        assert client.post(url, {}, format="json").status_code in (404, 405), suffix
    assert client.delete(_api(world, f"{their_stakeholder.pk}/notes/{note.pk}/")).status_code == 404
    assert StakeholderNote.objects.filter(pk=note.pk).exists()


def test_detail_and_change_and_assessments(world, dana):
    client = _client(world.cd)
    detail = client.get(_api(world, f"{dana.pk}/")).json()
    assert [a["movement"] for a in detail["assessments"]] == ["warmth 3 → 4", "first assessment"]
    changed = client.patch(
        _api(world, f"{dana.pk}/"), {"agenda_learned": "Winter pressures."}, format="json"
    )
    assert changed.json()["agenda_learned"] == "Winter pressures."
    assert changed.json()["role"] == "Director of Strategy"
    made = client.post(
        _api(world, f"{dana.pk}/assessments/"), {"warmth": 5, "sway": 4}, format="json"
    )
    assert made.status_code == 201 and made.json()["movement"] == "warmth 4 → 5, sway 3 → 4"
    assert client.post(
        _api(world, f"{dana.pk}/assessments/"), {"warmth": 9, "sway": 4}, format="json"
    ).json() == {"warmth": ["Ensure this value is less than or equal to 5."]}
    history = client.get(_api(world, f"{dana.pk}/assessments/")).json()
    assert [a["warmth"] for a in history] == [5, 4, 3]
    assert (
        _client(world.observer)
        .patch(_api(world, f"{dana.pk}/"), {"role": "x"}, format="json")
        .status_code
        == 403
    )


def test_key_relationships_are_marked_listed_and_ended(world, dana):
    client = _client(world.cd)
    marked = client.post(_api(world, f"{dana.pk}/key/"))
    assert marked.status_code == 201 and marked.json()["name"] == "Dana Strategy"
    assert client.post(_api(world, f"{dana.pk}/key/")).status_code == 400
    mine = client.get(_api(world, "key-relationships/")).json()
    assert [k["stakeholder"] for k in mine] == [dana.pk]
    assert _client(world.representatives[0]).post(_api(world, f"{dana.pk}/key/")).status_code == 403
    refused = _client(world.federation_lead).delete(
        _api(world, f"{dana.pk}/key/?owner={world.cd.user_id}")
    )
    assert refused.status_code == 403
    ended = _client(world.convenor).delete(_api(world, f"{dana.pk}/key/?owner={world.cd.user_id}"))
    assert ended.status_code == 204 and not KeyRelationship.objects.exists()


def test_notes_are_read_audited_added_kept_and_deleted(world, dana):
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    assert [n["text"] for n in _client(world.cd).get(_api(world, f"{dana.pk}/notes/")).json()] == [
        "x"
    ]
    assert not AuditEntry.objects.filter(action="stakeholder.notes_read").exists()
    client = _client(world.convenor)
    assert client.get(_api(world, f"{dana.pk}/notes/")).status_code == 200
    assert AuditEntry.objects.filter(action="stakeholder.notes_read").count() == 1
    made = client.post(_api(world, f"{dana.pk}/notes/"), {"text": "Second"}, format="json")
    assert made.status_code == 201 and made.json()["due_for_review"] is False
    note = StakeholderNote.objects.get(text="Second")
    kept = client.post(_api(world, f"{dana.pk}/notes/{note.pk}/keep/"))
    assert kept.json()["reviewed_at"] is not None
    assert client.delete(_api(world, f"{dana.pk}/notes/{note.pk}/")).status_code == 204
    assert client.post(_api(world, f"{dana.pk}/notes/"), {"text": ""}, format="json").json() == {
        "text": ["This field may not be blank."]
    }


def test_a_contact_is_logged_and_the_first_with_a_key_relationship_needs_the_agenda(world, dana):
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    client = _client(world.cd)
    when = (timezone.now() - dt.timedelta(days=1)).isoformat()
    refused = client.post(
        _api(world, f"{dana.pk}/contacts/"), {"mode": "in_person", "happened_at": when}, "json"
    )
    assert refused.status_code == 400 and list(refused.json()) == ["agenda_learned"]
    made = client.post(
        _api(world, f"{dana.pk}/contacts/"),
        {"mode": "in_person", "happened_at": when, "agenda_learned": "Flow."},
        format="json",
    )
    assert made.status_code == 201
    assert (made.json()["first"], made.json()["agenda_learned"]) == (True, "Flow.")
    assert client.get(_api(world, f"{dana.pk}/")).json()["last_contact"] is not None


def test_the_api_costs_the_same_queries_however_many(world):
    def count(n: int) -> list[int]:
        for k in range(n):
            stakeholder = add(world, f"P{n}-{k}", world.community_trust)
            services.assessment_add(
                actor_membership=world.cd, stakeholder=stakeholder, warmth=3, sway=3
            )
            services.note_add(actor_membership=world.cd, stakeholder=stakeholder, text="n")
            if k < 2:
                services.key_relationship_mark(
                    actor_membership=world.federation_lead if n == 2 else world.cd,
                    stakeholder=stakeholder,
                )
        client = _client(world.convenor)
        first = Stakeholder.objects.filter(person__name=f"P{n}-0").get()
        found = []
        for suffix in ("", f"{first.pk}/", f"{first.pk}/notes/", f"{first.pk}/assessments/"):
            client.get(_api(world, suffix))
            with CaptureQueriesContext(connection) as seen:
                assert client.get(_api(world, suffix)).status_code == 200
            found.append(len(seen))
        return found

    assert count(2) == count(6)
