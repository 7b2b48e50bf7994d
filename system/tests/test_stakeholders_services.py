"""Stakeholders' writes and the public reads other parts build on: adding someone in a
system organisation, assessments and their movement, key relationships (at most five each),
notes (audited reads that never name the person, review after two years) and contact with
them through the contact log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from alliance.testing import OrganisationFactory
from audit.models import AuditEntry
from collectives.models import CollectiveOrganisation
from directory.models import Organisation, OrganisationKind, Person
from relationships.models import Contact, ContactParticipant
from system import selectors_stakeholders as selectors
from system import services_stakeholders as services
from system.models import KeyRelationship, Stakeholder, StakeholderNote
from system.tests.conftest import World

NOW = dt.datetime(2026, 3, 17, 10, 0, tzinfo=dt.UTC)


def add(world: World, name: str, organisation: Organisation | None = None, **more) -> Stakeholder:
    return services.stakeholder_add(
        actor_membership=world.cd,
        organisation=(organisation or world.icb).pk,
        name=name,
        **more,
    )


def _mentions(*words: str) -> list[AuditEntry]:
    """Audit entries holding any of the words anywhere."""
    found = []
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_label} {entry.before} {entry.after} {entry.object_type}"
        if any(w.lower() in text.lower() for w in words):
            found.append(entry)
    return found


def test_it_adds_someone_new_as_the_collectives_own_person_in_a_system_organisation(world):
    stakeholder = add(
        world,
        "Dana Strategy",
        job_title="Director of Strategy",
        email="Dana.Strategy@nhs.example",
    )
    person = stakeholder.person
    assert person.owner_id == world.collective.pk
    assert person.organisation == world.icb
    assert person.email == "dana.strategy@nhs.example"
    assert stakeholder.role == "Director of Strategy"  # their job title unless given
    assert list(AuditEntry.objects.values_list("action", "object_label")) == [
        ("stakeholder.added", f"Stakeholder {stakeholder.pk}"),
        ("person.created", f"Person {person.pk}"),
    ]
    assert _mentions("Dana", "Strategy", "nhs.example") == []


def test_it_picks_someone_the_collective_knows_once_and_refuses_others_people(world, outsider):
    known = Person.objects.create(
        name="Colin Council", organisation=world.council, owner=world.collective
    )
    theirs = Person.objects.create(
        name="Other's Person", organisation=world.council, owner=outsider.collective
    )
    stakeholder = services.stakeholder_add(
        actor_membership=world.cd, organisation=world.council.pk, person=known.pk, role="DASS"
    )
    assert stakeholder.person == known and stakeholder.role == "DASS"
    with pytest.raises(ValidationError) as again:
        services.stakeholder_add(
            actor_membership=world.cd, organisation=world.council.pk, person=known.pk
        )
    assert again.value.message_dict == {"person": ["Colin Council is already a stakeholder."]}
    with pytest.raises(ValidationError) as other:
        services.stakeholder_add(
            actor_membership=world.cd, organisation=world.council.pk, person=theirs.pk
        )
    assert "Choose someone the collective knows at Isle of Wight Council" in str(other.value)


def test_it_refuses_another_collectives_own_organisation_and_practices(world, outsider):
    theirs = Organisation.objects.create(
        name="Their directorate", kind=OrganisationKind.LOCAL_AUTHORITY, owner=outsider.collective
    )
    practice = world.practices[0]
    for organisation in (theirs, practice):
        with pytest.raises(ValidationError) as refused:
            add(world, "Someone", organisation)
        assert list(refused.value.message_dict) == ["organisation"]
    assert not Stakeholder.objects.exists() and not Person.objects.filter(name="Someone")


def test_only_the_leadership_group_adds_stakeholders(world):
    for someone in (world.representatives[0], world.member, world.observer, world.guest):
        with pytest.raises(PermissionDenied):
            services.stakeholder_add(
                actor_membership=someone, organisation=world.icb.pk, name="Dana Strategy"
            )
    assert add(world, "Dana Strategy").pk
    assert services.stakeholder_add(
        actor_membership=world.federation_lead, organisation=world.icb.pk, name="Chris Chief"
    ).pk


def test_someone_new_needs_a_name_and_a_valid_email(world):
    with pytest.raises(ValidationError) as nameless:
        add(world, "  ")
    assert list(nameless.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as bad:
        add(world, "Dana", email="not-an-address")
    assert list(bad.value.message_dict) == ["email"]
    assert not Person.objects.filter(name="Dana").exists()


def test_a_convenor_adds_an_organisation_by_hand_and_a_clinical_director_cannot(world):
    directorate = services.system_organisation_add(
        actor_membership=world.convenor,
        name="Isle of Wight Council adult social care directorate",
        kind=OrganisationKind.LOCAL_AUTHORITY,
    )
    assert directorate.owner_id == world.collective.pk and directorate.ods_code is None
    with pytest.raises(PermissionDenied):
        services.system_organisation_add(
            actor_membership=world.cd, name="Public health team", kind="public_health"
        )
    with pytest.raises(ValidationError):
        services.system_organisation_add(
            actor_membership=world.convenor, name="A practice", kind="practice"
        )
    assert add(world, "Alex Adult", directorate).organisation == directorate


def test_the_history_of_assessments_shows_each_movement(world):
    stakeholder = add(world, "Dana Strategy")
    for on, warmth, sway in ((dt.date(2026, 1, 5), 3, 2), (dt.date(2026, 2, 5), 4, 2)):
        services.assessment_add(
            actor_membership=world.cd,
            stakeholder=stakeholder,
            warmth=warmth,
            sway=sway,
            assessed_on=on,
            now=NOW,
        )
    services.assessment_add(
        actor_membership=world.convenor,
        stakeholder=stakeholder,
        warmth=4,
        sway=4,
        assessed_on=dt.date(2026, 3, 1),
        now=NOW,
    )
    history = selectors.assessment_history(stakeholder)
    assert [r.movement for r in history] == ["sway 2 → 4", "warmth 3 → 4", "first assessment"]
    current, previous = selectors.current_assessments(world.collective.pk)[stakeholder.pk]
    assert (current.warmth, current.sway, previous.warmth, previous.sway) == (4, 4, 4, 2)
    assert selectors.movement(current, current) == "no change"


def test_an_assessment_is_on_the_scale_and_not_in_the_future(world):
    stakeholder = add(world, "Dana Strategy")
    with pytest.raises(ValidationError) as refused:
        services.assessment_add(
            actor_membership=world.cd,
            stakeholder=stakeholder,
            warmth=6,
            sway=0,
            assessed_on=dt.date(2026, 3, 18),
            now=NOW,
        )
    assert set(refused.value.message_dict) == {"warmth", "sway", "assessed_on"}
    with pytest.raises(PermissionDenied):
        services.assessment_add(
            actor_membership=world.observer, stakeholder=stakeholder, warmth=3, sway=3
        )


def test_current_assessments_read_in_one_query_however_many(world, django_assert_num_queries):
    people = [add(world, f"Person {n}") for n in range(6)]
    for n, stakeholder in enumerate(people):
        for k in range(n + 1):
            services.assessment_add(
                actor_membership=world.cd,
                stakeholder=stakeholder,
                warmth=1 + k % 5,
                sway=1 + (k + 1) % 5,
                assessed_on=dt.date(2025, 1, 1) + dt.timedelta(days=k),
                now=NOW,
            )
    with django_assert_num_queries(1):
        found = selectors.current_assessments(world.collective.pk)
    assert found[people[0].pk][1] is None
    current, previous = found[people[5].pk]
    assert (current.assessed_on, previous.assessed_on) == (dt.date(2025, 1, 6), dt.date(2025, 1, 5))


def test_a_gp_leader_keeps_at_most_five_key_relationships_and_hears_which(world):
    people = [add(world, f"Leader{n} Smith", job_title="Director") for n in range(6)]
    for stakeholder in people[:5]:
        services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
    with pytest.raises(ValidationError) as refused:
        services.key_relationship_mark(actor_membership=world.cd, stakeholder=people[5])
    message = refused.value.messages[0]
    assert message.startswith("You already have 5 key relationships, the most one GP leader")
    for n in range(5):
        assert f"Leader{n} Smith, NHS Hampshire and Isle of Wight ICB" in message
    # Another leader may still own it; the first unmarks one and can then add the sixth.
    services.key_relationship_mark(actor_membership=world.federation_lead, stakeholder=people[5])
    services.key_relationship_unmark(actor_membership=world.cd, stakeholder=people[0])
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=people[5])
    assert KeyRelationship.objects.filter(owner=world.cd.user).count() == 5
    assert _mentions("Leader", "Smith") == []


def test_only_gp_leaders_own_key_relationships(world):
    stakeholder = add(world, "Dana Strategy")
    for someone in (world.representatives[0], world.member, world.observer, world.guest):
        with pytest.raises(PermissionDenied):
            services.key_relationship_mark(actor_membership=someone, stakeholder=stakeholder)
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
    with pytest.raises(ValidationError):
        services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
    with pytest.raises(PermissionDenied):  # someone else's, and not a convenor
        services.key_relationship_unmark(
            actor_membership=world.federation_lead,
            stakeholder=stakeholder,
            owner=world.cd.user_id,
        )
    services.key_relationship_unmark(
        actor_membership=world.convenor, stakeholder=stakeholder, owner=world.cd.user_id
    )
    assert not KeyRelationship.objects.exists()


def test_reading_notes_is_audited_for_all_but_owners_and_never_names_the_person(world):
    stakeholder = add(world, "Dana Strategy", email="dana@nhs.example")
    services.note_add(
        actor_membership=world.cd, stakeholder=stakeholder, text="Keen on same-day access."
    )
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
    services.notes_read(membership=world.cd, stakeholder=stakeholder)  # the owner
    services.notes_read(membership=world.convenor, stakeholder=stakeholder)
    services.notes_read(membership=world.federation_lead, stakeholder=stakeholder)
    reads = AuditEntry.objects.filter(action="stakeholder.notes_read").order_by("pk")
    assert [(e.actor_id, e.object_id, e.after) for e in reads] == [
        (world.convenor.user_id, str(stakeholder.pk), {"stakeholder": stakeholder.pk}),
        (world.federation_lead.user_id, str(stakeholder.pk), {"stakeholder": stakeholder.pk}),
    ]
    assert _mentions("Dana", "nhs.example", "same-day") == []


def test_notes_older_than_two_years_are_offered_for_review_until_kept(world):
    stakeholder = add(world, "Dana Strategy")
    old = services.note_add(
        actor_membership=world.cd,
        stakeholder=stakeholder,
        text="Old",
        now=NOW - dt.timedelta(days=800),
    )
    services.note_add(actor_membership=world.cd, stakeholder=stakeholder, text="New", now=NOW)
    assert [(r.note.text, r.due_for_review) for r in selectors.notes_of(stakeholder, NOW)] == [
        ("New", False),
        ("Old", True),
    ]
    services.note_keep(actor_membership=world.cd, note=old, now=NOW)
    assert not any(r.due_for_review for r in selectors.notes_of(stakeholder, NOW))
    later = NOW + dt.timedelta(days=740)  # two years after the review, both are due
    assert [r.note.text for r in selectors.notes_of(stakeholder, later) if r.due_for_review] == [
        "New",
        "Old",
    ]
    services.note_delete(actor_membership=world.convenor, note=old)
    assert list(StakeholderNote.objects.values_list("text", flat=True)) == ["New"]
    with pytest.raises(PermissionDenied):
        services.note_add(actor_membership=world.member, stakeholder=stakeholder, text="x")


def test_the_first_contact_with_a_key_relationship_asks_what_we_learned(world):
    stakeholder = add(world, "Dana Strategy")
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
    when = timezone.now() - dt.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        services.contact_log(
            actor_membership=world.cd, stakeholder=stakeholder, mode="in_person", happened_at=when
        )
    assert list(refused.value.message_dict) == ["agenda_learned"]
    assert not Contact.objects.exists()
    contact = services.contact_log(
        actor_membership=world.cd,
        stakeholder=stakeholder,
        mode="in_person",
        happened_at=when,
        agenda_learned="Shifting care out of hospital; winter beds.",
    )
    stakeholder.refresh_from_db()
    assert stakeholder.agenda_learned == "Shifting care out of hospital; winter beds."
    assert set(contact.organisations.values_list("pk", flat=True)) == {
        world.cd.organisation_id,
        world.icb.pk,
    }
    assert set(
        ContactParticipant.objects.filter(contact=contact).values_list("user_id", "person_id")
    ) == {(world.cd.user_id, None), (None, stakeholder.person_id)}
    # The second contact asks nothing.
    services.contact_log(
        actor_membership=world.cd,
        stakeholder=stakeholder,
        mode="phone",
        happened_at=when + dt.timedelta(days=1),
    )
    assert selectors.last_contacts(world.collective.pk) == {
        stakeholder.pk: when + dt.timedelta(days=1)
    }
    assert _mentions("Dana", "winter beds") == []


def test_a_convenor_without_an_organisation_says_whom_they_were_there_for(world):
    stakeholder = add(world, "Dana Strategy")
    when = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.contact_log(
            actor_membership=world.convenor, stakeholder=stakeholder, mode="video", happened_at=when
        )
    assert list(refused.value.message_dict) == ["organisation"]
    pcn = CollectiveOrganisation.objects.get(
        collective=world.collective, organisation__name="Medina PCN"
    ).organisation
    services.contact_log(
        actor_membership=world.convenor,
        stakeholder=stakeholder,
        mode="video",
        happened_at=when,
        organisation=pcn.pk,
    )
    with pytest.raises(ValidationError):  # not a member organisation
        services.contact_log(
            actor_membership=world.convenor,
            stakeholder=stakeholder,
            mode="video",
            happened_at=when,
            organisation=OrganisationFactory().pk,
        )
    assert Contact.objects.count() == 1


def test_last_contacts_read_in_one_query_and_only_the_collectives_log(
    world, outsider, django_assert_num_queries
):
    people = [add(world, f"Person {n}") for n in range(4)]
    when = timezone.now() - dt.timedelta(days=10)
    for n, stakeholder in enumerate(people[:3]):
        for k in range(n + 1):
            services.contact_log(
                actor_membership=world.cd,
                stakeholder=stakeholder,
                mode="phone",
                happened_at=when + dt.timedelta(days=k),
            )
    # A contact of another collective with the same person counts for nothing here.
    other = Contact.objects.create(
        collective=outsider.collective, happened_at=timezone.now(), mode="phone"
    )
    ContactParticipant.objects.create(contact=other, person=people[3].person)
    with django_assert_num_queries(1):
        found = selectors.last_contacts(world.collective.pk)
    assert found == {
        people[0].pk: when,
        people[1].pk: when + dt.timedelta(days=1),
        people[2].pk: when + dt.timedelta(days=2),
    }


def test_the_contact_log_refuses_people_of_another_collective(world, outsider):
    from relationships.services import contact_add

    theirs = Person.objects.create(name="Theirs", organisation=world.icb, owner=outsider.collective)
    with pytest.raises(ValidationError):
        contact_add(
            actor_membership=world.cd,
            organisations=[world.cd.organisation_id],
            mode="phone",
            happened_at=timezone.now(),
            people=[theirs],
        )
    assert not Contact.objects.filter(~Q(collective=outsider.collective)).exists()
