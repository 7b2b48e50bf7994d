"""The rules of agenda alignment, through its services: who adds and deletes which priorities
and marks overlaps, what is refused and why, and what the audit log keeps (never what we
learned of a stakeholder)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from golden_thread.tests.conftest import record_decision
from system import services_alignment as services
from system.models import KeyRelationship, Overlap, Priority, PriorityOwner
from system.tests.conftest import World
from system.tests.test_coverage_pages import island_people

NOW = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)


def ours(world: World, text: str = "Phlebotomy for housebound patients", **extra) -> Priority:
    return services.priority_add(
        actor_membership=world.cd, whose=PriorityOwner.COLLECTIVE, text=text, now=NOW, **extra
    )


def organisations(world: World, text: str = "Fewer admissions from care homes") -> Priority:
    return services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.ORGANISATION,
        organisation=world.icb.pk,
        text=text,
    )


def test_the_leadership_group_adds_our_priority_linked_to_a_decision(world):
    decision = record_decision(
        world.convenor, [world.cd, world.federation_lead], "One phlebotomy service"
    )
    found = ours(world, "  Phlebotomy   for housebound patients ", decision=decision.pk)
    assert (found.text, found.decision, found.added_by, found.added_at) == (
        "Phlebotomy for housebound patients",
        decision,
        world.cd.user,
        NOW,
    )
    entry = AuditEntry.objects.get(action="system_priority.added")
    assert entry.after["text"] == "Phlebotomy for housebound patients"


def test_a_decision_that_is_not_the_collectives_is_refused(world):
    with pytest.raises(ValidationError) as error:
        ours(world, decision=999_999)
    assert "decision" in error.value.message_dict


def test_a_priority_needs_words_and_a_short_one(world):
    with pytest.raises(ValidationError) as error:
        ours(world, "   ")
    assert error.value.message_dict["text"] == ["Write the priority in a few words."]
    with pytest.raises(ValidationError) as error:
        ours(world, "x" * 301)
    assert error.value.message_dict["text"] == ["Keep the priority to 300 characters: it has 301."]


def test_an_organisations_priority_names_a_system_organisation(world):
    found = organisations(world)
    assert found.organisation == world.icb
    with pytest.raises(ValidationError) as error:
        services.priority_add(
            actor_membership=world.cd,
            whose=PriorityOwner.ORGANISATION,
            organisation=world.practices[0].pk,
            text="More appointments",
        )
    assert error.value.message_dict["organisation"] == [
        "Practice A Surgery is part of general practice, not a system organisation."
    ]


def test_members_observers_and_guests_add_nothing(world):
    for who in (world.member, world.observer, world.guest, world.representatives[0]):
        with pytest.raises(PermissionDenied):
            services.priority_add(actor_membership=who, whose=PriorityOwner.COLLECTIVE, text="Ours")
    assert not Priority.objects.exists()


def test_an_owner_outside_the_leadership_group_keeps_their_stakeholders_priorities_only(world):
    people = island_people(world)
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=people["olu"], owner=rep.user
    )
    found = services.priority_add(
        actor_membership=rep,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["olu"].pk,
        text="Discharge to assess",
    )
    assert found.stakeholder == people["olu"]
    with pytest.raises(ValidationError):  # not theirs: as if it did not exist
        services.priority_add(
            actor_membership=rep,
            whose=PriorityOwner.STAKEHOLDER,
            stakeholder=people["dana"].pk,
            text="Elsewhere",
        )
    with pytest.raises(PermissionDenied):
        services.priority_add(
            actor_membership=rep,
            whose=PriorityOwner.ORGANISATION,
            organisation=world.community_trust.pk,
            text="The trust's",
        )
    with pytest.raises(PermissionDenied):
        services.priority_add(actor_membership=rep, whose=PriorityOwner.COLLECTIVE, text="Ours")
    # They mark where ours meets their stakeholder's priority, and remove it.
    overlap = services.overlap_mark(
        actor_membership=rep, ours=ours(world), theirs=found, note="Both want it"
    )
    services.overlap_delete(actor_membership=rep, overlap=overlap)
    services.priority_delete(actor_membership=rep, priority=found)
    assert not Priority.objects.filter(whose=PriorityOwner.STAKEHOLDER).exists()


def test_an_overlap_is_ours_meeting_theirs_once(world):
    mine, theirs = ours(world), organisations(world)
    found = services.overlap_mark(
        actor_membership=world.federation_lead, ours=mine, theirs=theirs, note=" Both want it "
    )
    assert (found.note, found.marked_by) == ("Both want it", world.federation_lead.user)
    with pytest.raises(ValidationError) as error:
        services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
    assert error.value.message_dict["theirs"] == [
        "“Phlebotomy for housebound patients” is already marked as meeting that priority."
    ]
    with pytest.raises(ValidationError) as error:
        services.overlap_mark(actor_membership=world.cd, ours=theirs, theirs=mine)
    assert error.value.message_dict["ours"] == ["Choose one of our own priorities."]
    with pytest.raises(ValidationError) as error:
        services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=ours(world, "Other"))
    assert "theirs" in error.value.message_dict


def test_an_overlap_with_another_collectives_priority_is_refused(world, outsider):
    other = Priority.objects.create(
        collective=outsider.collective,
        whose=PriorityOwner.ORGANISATION,
        organisation=world.icb,
        text="B's",
    )
    with pytest.raises(ValidationError):
        services.overlap_mark(actor_membership=world.cd, ours=ours(world), theirs=other)


def test_deleting_a_priority_deletes_its_overlaps(world):
    mine, theirs = ours(world), organisations(world)
    services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
    services.priority_delete(actor_membership=world.cd, priority=theirs)
    assert not Overlap.objects.exists()
    assert AuditEntry.objects.get(action="system_priority.deleted").before["overlaps"] == 1


def test_the_audit_log_never_keeps_what_we_learned_of_a_stakeholder(world):
    people = island_people(world)
    found = services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["dana"].pk,
        text="Dana Shaw wants a new frailty pathway",
    )
    overlap = services.overlap_mark(actor_membership=world.cd, ours=ours(world), theirs=found)
    services.overlap_delete(actor_membership=world.cd, overlap=overlap)
    services.priority_delete(actor_membership=world.cd, priority=found)
    for entry in AuditEntry.objects.filter(action__startswith="system_"):
        written = f"{entry.object_label} {entry.before} {entry.after}"
        assert "Dana" not in written and "frailty" not in written, entry.action


def test_observers_cannot_mark_or_delete(world):
    mine, theirs = ours(world), organisations(world)
    observer_owner = MembershipFactory(collective=world.collective, role="observer")
    for who in (world.member, world.observer, observer_owner):
        with pytest.raises(PermissionDenied):
            services.overlap_mark(actor_membership=who, ours=mine, theirs=theirs)
        with pytest.raises(PermissionDenied):
            services.priority_delete(actor_membership=who, priority=mine)
