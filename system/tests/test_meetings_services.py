"""System meetings' writes: series and their scheduling, attendees, the agenda, the
conversations beforehand, the outcome and its publication, each for the leadership group
only and each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.testing import audited
from audit.models import AuditEntry
from decisions.models import Decision, Proposal
from golden_thread.models import Briefing, Thread
from system import access
from system import selectors_meetings as selectors
from system import services_meetings as services
from system.models import AgendaItem, MeetingSeries, PrepConversation, SystemMeeting
from system.tests.meetings_setup import LONDON, mandate, prepared, stakeholder

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)  # a Monday
FIRST_THURSDAY = dt.datetime(2026, 3, 5, 10, 0, tzinfo=LONDON)


def _series(world, **kwargs):
    return services.series_create(
        actor_membership=world.convenor,
        name=kwargs.pop("name", "Place partnership"),
        organisation=kwargs.pop("organisation", world.council.pk),
        recurrence=kwargs.pop("recurrence", "FREQ=MONTHLY;BYDAY=1TH"),
        **kwargs,
    )


def test_a_series_schedules_a_year_of_meetings_and_scheduling_again_adds_none(world):
    series = _series(world, starts_at=FIRST_THURSDAY, place="County Hall")
    meetings = list(SystemMeeting.objects.filter(series=series))
    assert len(meetings) == 13  # the first Thursday of March 2027 is the 4th: within a year
    assert meetings[0].starts_at == FIRST_THURSDAY and meetings[0].place == "County Hall"
    assert meetings[-1].starts_at.astimezone(LONDON).date() == dt.date(2027, 3, 4)
    again = services.series_schedule(
        actor_membership=world.cd, series=series, starts_at=FIRST_THURSDAY
    )
    assert again == []
    assert SystemMeeting.objects.filter(series=series).count() == 13
    assert audited("system_series.created") == [(world.convenor.user_id, world.collective.pk)]
    assert audited("system_meeting.scheduled") == [(world.convenor.user_id, world.collective.pk)]


def test_scheduling_from_a_later_date_adds_only_the_meetings_not_there_yet(world):
    series = _series(world, starts_at=FIRST_THURSDAY)
    added = services.series_schedule(
        actor_membership=world.cd,
        series=series,
        starts_at=dt.datetime(2026, 9, 3, 10, 0, tzinfo=LONDON),
    )
    assert [m.starts_at.astimezone(LONDON).date() for m in added] == [
        dt.date(2027, 4, 1),
        dt.date(2027, 5, 6),
        dt.date(2027, 6, 3),
        dt.date(2027, 7, 1),
        dt.date(2027, 8, 5),
        dt.date(2027, 9, 2),
    ]


def test_a_one_off_adds_its_one_meeting(world):
    series = _series(world, name="Urgent care summit", recurrence="", starts_at=FIRST_THURSDAY)
    assert list(
        SystemMeeting.objects.filter(series=series).values_list("starts_at", flat=True)
    ) == [FIRST_THURSDAY]


def test_a_bad_recurrence_and_a_second_series_of_the_same_name_are_refused_by_field(world):
    with pytest.raises(ValidationError) as error:
        _series(world, recurrence="FREQ=MINUTELY")
    assert "daily, weekly, monthly or yearly" in error.value.message_dict["recurrence"][0]
    _series(world)
    with pytest.raises(ValidationError) as error:
        _series(world, name="place PARTNERSHIP")
    assert error.value.message_dict == {
        "name": ["The collective already has a series called place PARTNERSHIP."]
    }
    with pytest.raises(ValidationError) as error:
        _series(world, name="Other", organisation=999_999)
    assert list(error.value.message_dict) == ["organisation"]


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_only_the_leadership_group_writes(world, who):
    with pytest.raises(PermissionDenied):
        services.series_create(actor_membership=getattr(world, who), name="ICB board")
    assert not MeetingSeries.objects.exists()


def test_a_representative_outside_the_leadership_group_cannot_prepare_a_meeting(world):
    ready = prepared(world, FIRST_THURSDAY)
    rep = world.representatives[0]
    for act in (
        lambda: services.item_add(actor_membership=rep, meeting=ready.meeting, title="X"),
        lambda: services.conversation_update(
            actor_membership=rep, conversation=ready.conversations[0], done=True
        ),
        lambda: services.outcome_record(actor_membership=rep, item=ready.items[0], outcome="Y"),
    ):
        with pytest.raises(PermissionDenied):
            act()


def test_attendees_are_gp_leaders_only(world):
    ready = prepared(world, FIRST_THURSDAY)
    services.meeting_update(
        actor_membership=world.cd,
        meeting=ready.meeting,
        attendees=[world.cd.user_id, world.federation_lead.user_id, world.convenor.user_id],
    )
    assert set(ready.meeting.attendees.values_list("pk", flat=True)) == {
        world.cd.user_id,
        world.federation_lead.user_id,
        world.convenor.user_id,
    }
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            actor_membership=world.cd,
            meeting=ready.meeting,
            attendees=[world.member.user_id],
        )
    assert "Choose GP leaders of the collective" in error.value.message_dict["attendees"][0]


def test_items_are_added_in_order_reordered_and_deleted(world):
    ready = prepared(world, FIRST_THURSDAY)
    first, second = ready.items
    third = services.item_add(actor_membership=world.cd, meeting=ready.meeting, title="Estates")
    assert third.position_in_agenda == 3
    services.item_move(actor_membership=world.cd, item=third, up=True)
    assert selectors.neighbours(first) == [first.pk, third.pk, second.pk]
    with pytest.raises(ValidationError) as error:
        services.items_reorder(
            actor_membership=world.cd, meeting=ready.meeting, order=[first.pk, first.pk, second.pk]
        )
    assert "List every item of the meeting's agenda once" in error.value.message_dict["order"][0]
    services.item_delete(actor_membership=world.cd, item=first)
    assert not PrepConversation.objects.filter(item_id=first.pk).exists()
    assert [i.title for i in AgendaItem.objects.filter(meeting=ready.meeting)] == [
        "Estates",
        "Winter plan",
    ]
    assert [a for a, _ in audited("agenda_item.deleted")] == [world.cd.user_id]


def test_an_item_links_only_the_collectives_own_decision_and_mandate(world, outsider):
    ready = prepared(world, FIRST_THURSDAY)
    proposal = Proposal.objects.create(collective=outsider.collective, title="Theirs")
    theirs = Decision.objects.create(
        proposal=proposal, collective=outsider.collective, title="Theirs", final_text="-"
    )
    with pytest.raises(ValidationError) as error:
        services.item_update(actor_membership=world.cd, item=ready.items[1], decision=theirs.pk)
    assert list(error.value.message_dict) == ["decision"]
    ours = mandate(world)
    services.item_update(actor_membership=world.cd, item=ready.items[1], mandate=ours.pk)
    assert AgendaItem.objects.get(pk=ready.items[1].pk).mandate == ours
    with pytest.raises(ValidationError) as error:
        services.item_update(actor_membership=world.cd, item=ready.items[1], mandate=999_999)
    assert list(error.value.message_dict) == ["mandate"]


def test_a_conversation_is_with_a_stakeholder_of_the_collective_by_a_gp_leader(world):
    ready = prepared(world, FIRST_THURSDAY)
    with pytest.raises(ValidationError) as error:
        services.conversation_add(
            actor_membership=world.cd,
            item=ready.items[1],
            stakeholder=ready.director.pk,
            by=world.member.user_id,
        )
    assert list(error.value.message_dict) == ["by"]
    with pytest.raises(ValidationError) as error:
        services.conversation_add(
            actor_membership=world.cd, item=ready.items[1], stakeholder=0, by=world.cd.user_id
        )
    assert list(error.value.message_dict) == ["stakeholder"]
    done = services.conversation_update(
        actor_membership=world.cd, conversation=ready.conversations[0], done=True
    )
    assert done.done


def test_the_audit_log_names_no_stakeholder(world):
    ready = prepared(world, FIRST_THURSDAY)
    services.conversation_delete(actor_membership=world.cd, conversation=ready.conversations[1])
    entries = AuditEntry.objects.filter(action__startswith="prep_conversation.")
    assert entries.count() == 3
    for entry in entries:
        text = f"{entry.object_label} {entry.before} {entry.after}"
        assert "Dana" not in text and "Nia" not in text and "Strategy" not in text


def test_an_outcome_is_recorded_then_published_to_every_practice(world):
    ready = prepared(world, FIRST_THURSDAY)
    item = ready.items[0]
    with pytest.raises(ValidationError) as error:
        services.outcome_publish(actor_membership=world.cd, item=item, meaning="Nothing yet.")
    assert list(error.value.message_dict) == ["outcome"]
    services.outcome_record(
        actor_membership=world.cd,
        item=item,
        outcome="The trust will run afternoon clinics.",
        now=NOW,
    )
    briefing = services.outcome_publish(
        actor_membership=world.cd,
        item=item,
        meaning="You can book patients into afternoon clinics from April.",
        now=NOW + dt.timedelta(days=4),
    )
    item.refresh_from_db()
    assert item.briefing == briefing and item.outcome_recorded_at == NOW
    assert briefing.decision is None and briefing.title == (
        "Place partnership: Phlebotomy in the community"
    )
    assert briefing.summary == "The trust will run afternoon clinics."
    assert briefing.source_path == f"/c/{world.collective.slug}/system/meetings/{ready.meeting.pk}/"
    assert Thread.objects.filter(briefing=briefing).count() == len(world.practices)
    with pytest.raises(ValidationError):
        services.outcome_record(actor_membership=world.cd, item=item, outcome="Changed")
    with pytest.raises(ValidationError):
        services.outcome_publish(actor_membership=world.cd, item=item, meaning="Again")
    assert [a for a, _ in audited("agenda_item.outcome_published")] == [world.cd.user_id]


def test_an_outcome_that_reads_hard_needs_confirming(world):
    ready = prepared(world, FIRST_THURSDAY)
    item = ready.items[1]
    hard = (
        "Notwithstanding considerable organisational interdependencies, the commissioning "
        "architecture necessitates comprehensive reconfiguration of intermediate provision."
    )
    services.outcome_record(actor_membership=world.cd, item=item, outcome=hard)
    with pytest.raises(ValidationError) as error:
        services.outcome_publish(actor_membership=world.cd, item=item, meaning=hard)
    assert error.value.code == "needs_confirmation"
    assert not Briefing.objects.exists()
    assert AgendaItem.objects.get(pk=item.pk).briefing is None
    services.outcome_publish(actor_membership=world.cd, item=item, meaning=hard, confirm_hard=True)
    assert AgendaItem.objects.get(pk=item.pk).briefing is not None


def test_deleting_a_series_deletes_its_meetings_and_keeps_published_briefings(world):
    ready = prepared(world, FIRST_THURSDAY)
    services.outcome_record(actor_membership=world.cd, item=ready.items[0], outcome="Agreed.")
    services.outcome_publish(
        actor_membership=world.cd, item=ready.items[0], meaning="Nothing changes for you."
    )
    services.series_delete(actor_membership=world.cd, series=ready.series)
    assert not SystemMeeting.objects.exists() and not AgendaItem.objects.exists()
    assert Briefing.objects.count() == 1
    assert audited("system_series.deleted") == [(world.cd.user_id, world.collective.pk)]


def test_the_gp_leaders_attending_a_series_are_counted_over_the_last_12_months(world):
    series = _series(world, starts_at=dt.datetime(2025, 1, 2, 10, 0, tzinfo=LONDON))
    meetings = list(SystemMeeting.objects.filter(series=series))
    leaders = [world.convenor, world.cd, world.federation_lead]
    services.meeting_update(
        actor_membership=world.cd, meeting=meetings[0], attendees=[world.convenor.user_id]
    )  # more than 12 months before NOW: not counted
    for meeting, leader in zip(meetings[3:6], leaders, strict=True):
        services.meeting_update(
            actor_membership=world.cd, meeting=meeting, attendees=[leader.user_id, world.cd.user_id]
        )
    spread = selectors.spread_by_series(world.collective.pk, now=NOW)[series.pk]
    assert spread.leaders == 3 and spread.thin
    assert spread.warning == (
        "3 different GP leaders attend Place partnership: the voice is spread thin. "
        "Agree one or two."
    )


def test_the_spread_is_read_in_two_queries_whatever_the_years_of_meetings(world):
    for n in range(3):
        series = _series(
            world,
            name=f"Weekly {n}",
            recurrence="FREQ=WEEKLY;BYDAY=TU",
            starts_at=dt.datetime(2023, 3, 7, 9, 0, tzinfo=LONDON),
        )
        for start in (dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON), NOW):
            services.series_schedule(actor_membership=world.cd, series=series, starts_at=start)
    through = SystemMeeting.attendees.through
    through.objects.bulk_create(
        through(systemmeeting_id=m, user_id=world.cd.user_id)
        for m in SystemMeeting.objects.values_list("pk", flat=True)
    )
    assert SystemMeeting.objects.count() > 400
    with CaptureQueriesContext(connection) as seen:
        spread = selectors.spread_by_series(world.collective.pk, now=NOW)
    assert len(seen) == 2
    assert {s.leaders for s in spread.values()} == {1}


def test_the_home_item_lists_meetings_within_a_week_with_conversations_not_done(world):
    from system.attention_meetings import meetings_needing_you

    prepared(world, FIRST_THURSDAY)
    for someone in (world.member, world.observer, world.representatives[0]):
        assert meetings_needing_you(someone, now=NOW) == []
    (item,) = meetings_needing_you(world.cd, now=NOW)
    assert item.title == "Have your conversations before Place partnership on Thursday 5 March"
    assert item.description == (
        "1 conversation planned before the meeting is not done; 1 is yours: "
        "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)."
    )
    (other,) = meetings_needing_you(world.convenor, now=NOW)
    assert other.title == "Prepare for Place partnership on Thursday 5 March"
    assert meetings_needing_you(world.cd, now=NOW - dt.timedelta(days=8)) == []
    assert meetings_needing_you(world.cd, now=FIRST_THURSDAY + dt.timedelta(minutes=1)) == []


def test_an_erased_stakeholder_shows_as_a_stakeholder_whose_details_are_erased(world):
    ready = prepared(world, FIRST_THURSDAY)
    assert selectors.stakeholder_label(ready.director) == (
        "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)"
    )
    ready.director.person = None
    ready.director.save()
    PrepConversation.objects.filter(stakeholder=ready.nurse).update(stakeholder=None)
    view = selectors.meeting_view(world.cd, ready.meeting)
    assert [
        selectors.stakeholder_label(c.stakeholder) for c in view.conversations_of(view.items[0])
    ] == [
        "a stakeholder (details erased)",
        "a stakeholder (details erased)",
    ]


def test_members_and_observers_read_the_meeting_without_its_conversations(world):
    ready = prepared(world, FIRST_THURSDAY)
    for someone in (world.member, world.observer, world.representatives[0]):
        view = selectors.meeting_view(someone, ready.meeting)
        assert not view.prep and view.conversations == {}
        assert [i.title for i in view.items] == ["Phlebotomy in the community", "Winter plan"]
    assert selectors.meeting_view(world.federation_lead, ready.meeting).not_done == 1
    with pytest.raises(PermissionDenied):
        access.get_meeting(world.guest, ready.meeting.pk)


def test_stakeholder_helper_makes_a_person_of_the_directory(world):
    made = stakeholder(world, "Sam Council", world.council, "Director of Adult Social Care")
    assert made.person.organisation == world.council
