"""Privacy: a stakeholder's subject access export (a readable page, a JSON download and the
API) holds everything kept about them; erasure removes their personal data and keeps the
meeting outcomes, anonymised; notes older than two years are listed for review. The
leadership group only; another collective's stakeholder is not found."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, page_queries, table_rows
from audit.models import AuditEntry
from collectives.models import CollectivePersonRole
from directory.models import Person
from relationships.models import ContactParticipant, Nudge
from system import services_alignment as alignment
from system import services_meetings as meetings
from system import services_privacy as privacy
from system import services_stakeholders as stakeholders
from system.models import (
    AgendaItem,
    Assessment,
    KeyRelationship,
    Overlap,
    PrepConversation,
    Priority,
    Stakeholder,
    StakeholderNote,
    SystemMeeting,
)
from system.nudges import cold_nudges_refresh

NAME, EMAIL = "Dana Strategy", "dana.strategy@icb.example.nhs.uk"
NOTE = "Prefers an early coffee; worried about winter pressures at St Mary's."
OLD_NOTE = "Came to the federation's away day and spoke well of the hub."
NOW = timezone.now()


@dataclass
class Dana:
    stakeholder: Stakeholder
    person: Person
    item: AgendaItem
    meeting: SystemMeeting
    conversation: PrepConversation
    ours: Priority
    theirs: Priority


def make_dana(world: Any, *, name: str = NAME, email: str = EMAIL) -> Dana:
    """A stakeholder with one of everything: notes (one three years old), an assessment, a
    key relationship, a logged first meeting with their agenda, a priority of theirs that
    meets ours, and a conversation before a system meeting."""
    cd = world.cd
    s = stakeholders.stakeholder_add(
        actor_membership=cd,
        organisation=world.icb.pk,
        name=name,
        job_title="Director of Strategy",
        email=email,
    )
    Person.objects.filter(pk=s.person_id).update(phone="01983 000 111")
    stakeholders.assessment_add(actor_membership=cd, stakeholder=s, warmth=4, sway=3)
    stakeholders.key_relationship_mark(
        actor_membership=cd, stakeholder=s, now=NOW - dt.timedelta(days=400)
    )
    stakeholders.note_add(actor_membership=cd, stakeholder=s, text=NOTE)
    stakeholders.note_add(
        actor_membership=cd, stakeholder=s, text=OLD_NOTE, now=NOW - dt.timedelta(days=3 * 365)
    )
    stakeholders.contact_log(
        actor_membership=cd,
        stakeholder=s,
        mode="in_person",
        happened_at=NOW - dt.timedelta(days=100),
        agenda_learned="Same-day access at scale, and fewer admissions from care homes.",
    )
    ours = alignment.priority_add(
        actor_membership=cd, whose="collective", text="Resilient same-day access"
    )
    theirs = alignment.priority_add(
        actor_membership=cd, whose="stakeholder", stakeholder=s.pk, text="Fewer admissions"
    )
    alignment.overlap_mark(actor_membership=cd, ours=ours, theirs=theirs, note="Both want it")
    series = meetings.series_create(
        actor_membership=cd,
        name="ICB board" if name == NAME else f"Board with {name}",
        starts_at=NOW + dt.timedelta(days=5),
    )
    meeting = SystemMeeting.objects.get(series=series)
    item = meetings.item_add(actor_membership=cd, meeting=meeting, title="Winter plan")
    conversation = meetings.conversation_add(
        actor_membership=cd, item=item, stakeholder=s.pk, by=cd.user_id, stance="with_us"
    )
    meetings.outcome_record(actor_membership=cd, item=item, outcome="Hub funded for winter.")
    s.refresh_from_db()
    return Dana(s, Person.objects.get(pk=s.person_id), item, meeting, conversation, ours, theirs)


@pytest.fixture
def dana(world):
    return make_dana(world)


def _slug(world):
    return world.collective.slug


def _page(world, name, pk):
    return reverse(f"system:{name}", args=[_slug(world), pk])


def _api(world, name, pk=None):
    return reverse(f"api:{name}", args=[_slug(world), *([pk] if pk else [])])


# Subject access ------------------------------------------------------------------------------


def test_the_subject_access_page_shows_everything_held_about_them(client, world, dana):
    client.force_login(world.cd.user)
    page = client.get(_page(world, "subject_access", dana.stakeholder.pk)).content.decode()
    for held in (
        NAME,
        EMAIL,
        "01983 000 111",
        "Director of Strategy",
        "NHS Hampshire and Isle of Wight ICB",
        "Same-day access at scale",
        "Fewer admissions",
        "Resilient same-day access",
        "Both want it",
        "ICB board",
        "Winter plan",
        "With us",
        "In-person meeting",
        "Clare Director",
    ):
        assert held in page.replace("&#39;", "'"), held
    cells = [" ".join(row) for row in table_rows(page)]
    assert [c for c in cells if NOTE in c or OLD_NOTE in c] == [  # every note, the old one too
        c for c in cells if "Clare Director" in c and ("coffee" in c or "away day" in c)
    ]
    assert sum(1 for c in cells if NOTE in c or OLD_NOTE in c) == 2


def test_the_json_download_and_the_api_hold_every_note(client, world, dana):
    client.force_login(world.federation_lead.user)
    download = client.get(_page(world, "subject_access_json", dana.stakeholder.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert data["person"]["name"] == NAME and data["person"]["email"] == EMAIL
    assert data["person"]["kept_by"] == "this collective"
    assert [n["text"] for n in data["notes"]] == [NOTE, OLD_NOTE]
    assert data["assessments"][0]["warmth"] == 4
    assert data["key_relationships"] == [
        {
            "owner": "Clare Director",
            "since": dana.stakeholder.key_relationships.get().since.isoformat(),
        }
    ]
    assert [p["text"] for p in data["priorities"]] == ["Fewer admissions"]
    assert data["overlaps"][0]["ours"] == "Resilient same-day access"
    assert data["conversations"][0] | {"meeting_starts_at": None} == {
        "item": "Winter plan",
        "meeting": "ICB board",
        "meeting_starts_at": None,
        "stance": "with_us",
        "stance_label": "With us",
        "by": "Clare Director",
        "done": False,
    }
    assert [(c["mode"], c["recorded_by"]) for c in data["contacts"]] == [
        ("in_person", "Clare Director")
    ]
    api = client.get(_api(world, "stakeholder_subject_access", dana.stakeholder.pk)).json()
    assert api == data


def test_every_subject_access_read_is_audited_without_the_name(client, world, dana):
    client.force_login(world.convenor.user)
    client.get(_page(world, "subject_access", dana.stakeholder.pk))
    client.get(_page(world, "subject_access_json", dana.stakeholder.pk))
    client.get(_api(world, "stakeholder_subject_access", dana.stakeholder.pk))
    reads = AuditEntry.objects.filter(action="stakeholder.subject_access_read").order_by("pk")
    assert [e.after["via"] for e in reads] == ["page", "json", "api"]
    assert {e.actor_id for e in reads} == {world.convenor.user_id}
    assert AuditEntry.objects.filter(action="stakeholder.notes_read").count() == 3
    for entry in reads:
        assert NAME not in json.dumps(entry.after) + entry.object_label


@pytest.mark.parametrize("role", ["member", "observer", "guest", "representative"])
def test_outside_the_leadership_group_subject_access_and_erasure_are_refused(
    client, world, dana, role
):
    membership = world.representatives[0] if role == "representative" else getattr(world, role)
    client.force_login(membership.user)
    pk = dana.stakeholder.pk
    for url in (
        _page(world, "subject_access", pk),
        _page(world, "subject_access_json", pk),
        _page(world, "erase", pk),
        reverse("system:notes_review", args=[_slug(world)]),
        _api(world, "stakeholder_subject_access", pk),
        _api(world, "stakeholder_notes_review"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert NOTE not in response.content.decode()
    assert client.post(_page(world, "erase", pk), {"confirm": "true"}).status_code == 403
    refused = client.post(
        _api(world, "stakeholder_erase", pk), {"confirm": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Stakeholder.objects.get(pk=pk).erased_at is None


def test_an_owner_outside_the_leadership_group_cannot_take_a_subject_access_export(
    client, world, dana
):
    """A key relationship's owner sees the notes on the stakeholder's page, but a subject
    access export and erasure are the leadership group's."""
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=dana.stakeholder, owner=rep.user
    )
    client.force_login(rep.user)
    assert client.get(_page(world, "subject_access", dana.stakeholder.pk)).status_code == 403


def test_another_collectives_stakeholder_is_not_found(client, world, dana, outsider):
    client.force_login(outsider.user)
    pk = dana.stakeholder.pk
    for url in (
        reverse("system:subject_access", args=[outsider.collective.slug, pk]),
        reverse("system:subject_access_json", args=[outsider.collective.slug, pk]),
        reverse("system:erase", args=[outsider.collective.slug, pk]),
        reverse("api:stakeholder_subject_access", args=[outsider.collective.slug, pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("api:stakeholder_erase", args=[outsider.collective.slug, pk]),
            {"confirm": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    for url in (_page(world, "subject_access", pk), _api(world, "stakeholder_subject_access", pk)):
        assert client.get(url).status_code == 404  # not a member of A at all


def test_the_subject_access_pages_cost_the_same_queries_however_much_is_held(client, world):
    small = make_dana(world)
    large = make_dana(world, name="Lee Large", email="lee@icb.example.nhs.uk")
    for n in range(6):
        stakeholders.note_add(
            actor_membership=world.cd, stakeholder=large.stakeholder, text=f"N{n}"
        )
        stakeholders.assessment_add(
            actor_membership=world.cd,
            stakeholder=large.stakeholder,
            warmth=3,
            sway=3,
            assessed_on=dt.date(2024, 1, n + 1),
        )
        stakeholders.contact_log(
            actor_membership=world.cd,
            stakeholder=large.stakeholder,
            mode="phone",
            happened_at=NOW - dt.timedelta(days=n + 1),
        )
        item = meetings.item_add(actor_membership=world.cd, meeting=large.meeting, title=f"I{n}")
        meetings.conversation_add(
            actor_membership=world.cd,
            item=item,
            stakeholder=large.stakeholder.pk,
            by=world.federation_lead.user_id,
        )
    client.force_login(world.cd.user)
    for name in ("subject_access", "subject_access_json", "erase"):
        assert page_queries(client, _page(world, name, small.stakeholder.pk)) == page_queries(
            client, _page(world, name, large.stakeholder.pk)
        ), name
    assert page_queries(
        client, _api(world, "stakeholder_subject_access", small.stakeholder.pk)
    ) == page_queries(client, _api(world, "stakeholder_subject_access", large.stakeholder.pk))


# Erasure -------------------------------------------------------------------------------------


def test_the_erasure_page_names_what_goes_and_what_stays(client, world, dana):
    client.force_login(world.cd.user)
    page = client.get(_page(world, "erase", dana.stakeholder.pk)).content.decode()
    page = page.replace("&#39;", "'")
    assert f"Erase {NAME}'s personal data?" in page
    for says in (
        "2 notes about them",
        "1 assessment of their warmth and sway",
        "the key relationship kept by Clare Director",
        "1 priority of theirs and 1 overlap marked with ours",
        "their name in 1 logged contact (the contacts stay, without them)",
        "their record in the directory: name, job title, e-mail address and phone",
        "1 conversation before system meetings keep what they thought",
        "This cannot be undone",
    ):
        assert says in page, says
    assert Stakeholder.objects.get(pk=dana.stakeholder.pk).erased_at is None  # only asked


def test_erasure_needs_its_button(client, world, dana):
    client.force_login(world.cd.user)
    client.post(_page(world, "erase", dana.stakeholder.pk), {})
    assert Stakeholder.objects.get(pk=dana.stakeholder.pk).erased_at is None
    refused = client.post(
        _api(world, "stakeholder_erase", dana.stakeholder.pk),
        {"confirm": False},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["confirm"]
    assert Stakeholder.objects.get(pk=dana.stakeholder.pk).erased_at is None


def test_erasure_removes_their_personal_data_and_keeps_the_meeting_anonymised(
    client, world, dana, django_capture_on_commit_callbacks
):
    s = dana.stakeholder
    with django_capture_on_commit_callbacks(execute=True):
        cold_nudges_refresh(collective=world.collective, now=NOW)  # 100 days without contact
    assert Nudge.objects.filter(user=world.cd.user).exists()
    CollectivePersonRole.objects.create(
        collective=world.collective, person=dana.person, role="system_leader"
    )
    client.force_login(world.cd.user)
    done = client.post(_page(world, "erase", s.pk), {"confirm": "true"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("system:stakeholders", args=[_slug(world)])
    assert "Their personal data is erased." in done.content.decode()

    s.refresh_from_db()
    assert s.erased_at is not None
    assert (s.person_id, s.role, s.agenda_learned) == (None, "", "")
    assert str(s) == "An erased stakeholder"
    assert not Person.objects.filter(pk=dana.person.pk).exists()  # the collective's own record
    assert not CollectivePersonRole.objects.filter(person_id=dana.person.pk).exists()
    assert not StakeholderNote.objects.filter(stakeholder=s).exists()
    assert not Assessment.objects.filter(stakeholder=s).exists()
    assert not KeyRelationship.objects.filter(stakeholder=s).exists()
    assert not Priority.objects.filter(pk=dana.theirs.pk).exists()
    assert Priority.objects.filter(pk=dana.ours.pk).exists()  # ours stays
    assert not Overlap.objects.exists()
    assert not ContactParticipant.objects.filter(person_id=dana.person.pk).exists()
    assert not Nudge.objects.filter(user=world.cd.user).exists()
    conversation = PrepConversation.objects.get(pk=dana.conversation.pk)
    assert (conversation.stakeholder_id, conversation.stance) == (None, "with_us")
    assert AgendaItem.objects.get(pk=dana.item.pk).outcome == "Hub funded for winter."

    (entry,) = AuditEntry.objects.filter(action="stakeholder.erased")
    assert entry.after == {
        "stakeholder": s.pk,
        "person": dana.person.pk,
        "person_deleted": True,
        "notes": 2,
        "assessments": 1,
        "key_relationships": 1,
        "nudges": 1,
        "priorities": 1,
        "overlaps": 1,
        "contact_participants": 1,
        "conversations_anonymised": 1,
    }
    assert NAME not in entry.object_label and EMAIL not in json.dumps(entry.after)

    # Gone: its pages and API are not found, and it cannot be erased twice.
    assert client.get(_page(world, "subject_access", s.pk)).status_code == 404
    assert client.get(_api(world, "stakeholder_subject_access", s.pk)).status_code == 404
    again = client.post(
        _api(world, "stakeholder_erase", s.pk), {"confirm": True}, content_type="application/json"
    )
    assert again.status_code == 404


def test_a_shared_directory_person_is_kept_but_unlinked(world):
    MemberOrganisationFactory(collective=world.collective, organisation=world.icb)
    shared = Person.objects.create(name="Sam Shared", organisation=world.icb, email="s@x.nhs.uk")
    s = stakeholders.stakeholder_add(
        actor_membership=world.cd, organisation=world.icb.pk, person=shared.pk
    )
    erased = privacy.stakeholder_erase(actor_membership=world.convenor, stakeholder=s)
    assert erased.person_id is None and erased.erased_at is not None
    assert Person.objects.filter(pk=shared.pk, name="Sam Shared").exists()
    (entry,) = AuditEntry.objects.filter(action="stakeholder.erased")
    assert entry.after["person_deleted"] is False


def test_the_api_erases_with_confirm_true(client, world, dana):
    client.force_login(world.convenor.user)
    done = client.post(
        _api(world, "stakeholder_erase", dana.stakeholder.pk),
        {"confirm": True},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["id"] == dana.stakeholder.pk and done.json()["erased_at"]
    assert Stakeholder.objects.get(pk=dana.stakeholder.pk).erased_at is not None


# Notes due for review ------------------------------------------------------------------------


def test_notes_due_for_review_are_counted_listed_and_searched(client, world):
    old = NOW - dt.timedelta(days=3 * 365)
    for n in range(27):
        s = stakeholders.stakeholder_add(
            actor_membership=world.cd, organisation=world.icb.pk, name=f"Person {n:02d}"
        )
        stakeholders.note_add(actor_membership=world.cd, stakeholder=s, text="Old", now=old)
        stakeholders.note_add(actor_membership=world.cd, stakeholder=s, text="New")
    kept = StakeholderNote.objects.filter(stakeholder__person__name="Person 00").get(text="Old")
    stakeholders.note_keep(actor_membership=world.cd, note=kept)  # reviewed: not due again
    client.force_login(world.convenor.user)
    url = reverse("system:notes_review", args=[_slug(world)])
    page = client.get(url).content.decode()
    assert "26 notes are due for review." in page
    assert "26 stakeholders, showing 1 to 25" in page
    rows = table_rows(page)
    assert rows[1][:4] == [
        "Stakeholder Person 01",
        "Organisation NHS Hampshire and Isle of Wight ICB",
        "Role –",
        "Notes due 1",
    ]
    assert "Person 00" not in page
    s01 = Stakeholder.objects.get(person__name="Person 01")
    assert reverse("system:stakeholder", args=[_slug(world), s01.pk]) in page
    assert "Person 26" in client.get(url + "?page=2").content.decode()
    found = client.get(url + "?q=Person 07").content.decode()
    assert "Person 07" in found and "Person 08" not in found
    nothing = client.get(url + "?q=nobody").content.decode()
    assert "No stakeholder with notes due matches your search." in nothing
    api = client.get(_api(world, "stakeholder_notes_review")).json()
    assert api["count"] == 26 and api["results"][0]["name"] == "Person 01"
    assert api["results"][0]["notes_due"] == 1


def test_with_no_notes_due_the_page_says_so(client, world, dana):
    StakeholderNote.objects.update(written_at=NOW)
    client.force_login(world.cd.user)
    page = client.get(reverse("system:notes_review", args=[_slug(world)])).content.decode()
    assert "No note is due for review." in page
    assert "Every note is less than two years old or was kept at its last review." in page


def test_the_notes_review_costs_the_same_queries_whatever_its_size(client, world):
    old = NOW - dt.timedelta(days=3 * 365)
    url = reverse("system:notes_review", args=[_slug(world)])
    api = _api(world, "stakeholder_notes_review")
    client.force_login(world.cd.user)
    counts = []
    for size in (2, 6):
        while Stakeholder.objects.count() < size:
            s = stakeholders.stakeholder_add(
                actor_membership=world.cd,
                organisation=world.icb.pk,
                name=f"P{Stakeholder.objects.count()}",
            )
            stakeholders.note_add(actor_membership=world.cd, stakeholder=s, text="Old", now=old)
        counts.append((page_queries(client, url), page_queries(client, api)))
    assert counts[0] == counts[1]
