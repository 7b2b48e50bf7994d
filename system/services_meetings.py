"""Writes for system meetings: a series and its recurrence, scheduling its meetings a year
ahead, a meeting's attendees, the agenda (items, our position, their order), the
conversations to have beforehand, the outcome, and publishing it to practices through the
golden thread.

The leadership group writes (access.require_leadership); every write is audited in its
transaction, a state change locks its row first. The audit entries of conversations are
written against the agenda item and name the stakeholder by id only: the log is
append-only, and a stakeholder's name must go when they are erased.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import snapshot
from collectives.models import Membership
from decisions.access import get_decision_named
from golden_thread.models import Briefing
from golden_thread.services import notice_publish
from system import access
from system import selectors_meetings as selectors
from system.models import (
    AgendaItem,
    MeetingSeries,
    PrepConversation,
    Stance,
    SystemMeeting,
)
from system.rules_meetings import RecurrenceError, checked_rule, occurrences
from system.services_common import audited
from system.text import clean_text

SERIES_FIELDS = ["name", "organisation", "recurrence"]
MEETING_FIELDS = ["series", "starts_at", "place"]
ITEM_FIELDS = ["meeting", "position_in_agenda", "title", "our_position", "decision", "mandate"]
CONVERSATION_FIELDS = ["item", "stakeholder", "by", "stance", "done"]


def _rule(recurrence: str) -> str:
    try:
        return checked_rule(recurrence)
    except RecurrenceError as error:
        raise ValidationError({"recurrence": str(error)}) from error


def _holder(membership: Membership, pk: int | None) -> Any:
    if pk is None:
        return None
    found = selectors.holder_open_to(membership.collective_id, pk)
    if found is None:
        raise ValidationError(
            {"organisation": "Choose the organisation that holds the meeting from the directory."}
        )
    return found


def _aware(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _leaders(membership: Membership, user_ids: Iterable[int], field: str) -> list[Any]:
    leaders = {u.pk: u for u in selectors.leaders_of(membership.collective_id)}
    wanted = list(dict.fromkeys(user_ids))
    strangers = [pk for pk in wanted if pk not in leaders]
    if strangers:
        raise ValidationError(
            {
                field: "Choose GP leaders of the collective (the leadership group): "
                f"{', '.join(str(pk) for pk in strangers)} "
                f"{'is' if len(strangers) == 1 else 'are'} not."
            }
        )
    return [leaders[pk] for pk in wanted]


# Series -----------------------------------------------------------------------------------


def series_create(
    *,
    actor_membership: Membership,
    name: str,
    organisation: int | None = None,
    recurrence: str = "",
    starts_at: dt.datetime | None = None,
    place: str = "",
    now: dt.datetime | None = None,
) -> MeetingSeries:
    """A new series (recurring, or a one-off with an empty recurrence). With `starts_at`, its
    meetings are scheduled at once: a year of them, or the one-off meeting."""
    access.require_leadership(actor_membership)
    name = clean_text(name, "name", required=True, most=200)
    holder = _holder(actor_membership, organisation)
    rule = _rule(recurrence)
    with transaction.atomic():
        if MeetingSeries.objects.filter(
            collective_id=actor_membership.collective_id, name__iexact=name
        ).exists():
            raise ValidationError({"name": f"The collective already has a series called {name}."})
        series = MeetingSeries.objects.create(
            collective_id=actor_membership.collective_id,
            name=name,
            organisation=holder,
            recurrence=rule,
            created_at=now or timezone.now(),
        )
        audited(
            actor_membership, "system_series.created", series, after=snapshot(series, SERIES_FIELDS)
        )
        if starts_at is not None:
            series_schedule(
                actor_membership=actor_membership, series=series, starts_at=starts_at, place=place
            )
    return series


def series_update(
    *, actor_membership: Membership, series: MeetingSeries, **changes: Any
) -> MeetingSeries:
    """Change a series' name, holder or recurrence. Meetings already scheduled stay; the new
    recurrence applies to the next scheduling."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
        before = snapshot(series, SERIES_FIELDS)
        if "name" in changes:
            name = clean_text(changes["name"], "name", required=True, most=200)
            clash = MeetingSeries.objects.filter(
                collective_id=series.collective_id, name__iexact=name
            ).exclude(pk=series.pk)
            if clash.exists():
                raise ValidationError(
                    {"name": f"The collective already has a series called {name}."}
                )
            series.name = name
        if "organisation" in changes:
            series.organisation = _holder(actor_membership, changes["organisation"])
        if "recurrence" in changes:
            series.recurrence = _rule(changes["recurrence"])
        series.save()
        audited(
            actor_membership,
            "system_series.changed",
            series,
            before=before,
            after=snapshot(series, SERIES_FIELDS),
        )
    return series


def series_schedule(
    *,
    actor_membership: Membership,
    series: MeetingSeries,
    starts_at: dt.datetime,
    place: str = "",
) -> list[SystemMeeting]:
    """Schedule the series' meetings for the 12 months from `starts_at` (a one-off series:
    the one meeting at `starts_at`). Idempotent: a meeting already at one of those times is
    kept, not doubled. Returns the meetings added."""
    access.require_leadership(actor_membership)
    starts_at = _aware(starts_at)
    place = clean_text(place, "place", most=200)
    with transaction.atomic():
        series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
        try:
            moments = occurrences(series.recurrence, starts_at, tz=timezone.get_current_timezone())
        except RecurrenceError as error:
            raise ValidationError({"recurrence": str(error)}) from error
        if not moments:
            raise ValidationError(
                {"starts_at": "The series' recurrence has no meeting in the year from that date."}
            )
        existing = set(
            SystemMeeting.objects.filter(series=series, starts_at__in=moments).values_list(
                "starts_at", flat=True
            )
        )
        added = SystemMeeting.objects.bulk_create(
            [
                SystemMeeting(
                    series=series,
                    collective_id=series.collective_id,
                    starts_at=moment,
                    place=place,
                )
                for moment in moments
                if moment not in existing
            ]
        )
        if added:
            audited(
                actor_membership,
                "system_meeting.scheduled",
                series,
                after={
                    "meetings": [m.starts_at.isoformat() for m in added],
                    "place": place,
                },
            )
    return added


def series_delete(*, actor_membership: Membership, series: MeetingSeries) -> None:
    """Delete a series with all its meetings, their agendas, conversations and outcomes.
    Briefings already published stay with the practices."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
        before = {
            **snapshot(series, SERIES_FIELDS),
            "meetings": SystemMeeting.objects.filter(series=series).count(),
        }
        audited(actor_membership, "system_series.deleted", series, before=before)
        series.delete()


# Meetings ---------------------------------------------------------------------------------


def meeting_update(
    *, actor_membership: Membership, meeting: SystemMeeting, **changes: Any
) -> SystemMeeting:
    """Move a meeting, change its place, or set who attends for general practice (the GP
    leaders: the leadership group's members)."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        meeting = SystemMeeting.objects.select_for_update().get(pk=meeting.pk)
        before = {
            **snapshot(meeting, MEETING_FIELDS),
            "attendees": sorted(meeting.attendees.values_list("pk", flat=True)),
        }
        if changes.get("starts_at") is not None:
            meeting.starts_at = _aware(changes["starts_at"])
        if "place" in changes:
            meeting.place = clean_text(changes["place"], "place", most=200)
        meeting.save()
        attendees = before["attendees"]
        if changes.get("attendees") is not None:
            chosen = _leaders(actor_membership, changes["attendees"], "attendees")
            meeting.attendees.set(chosen)
            attendees = sorted(u.pk for u in chosen)
        audited(
            actor_membership,
            "system_meeting.changed",
            meeting,
            before=before,
            after={**snapshot(meeting, MEETING_FIELDS), "attendees": attendees},
        )
    return meeting


def meeting_delete(*, actor_membership: Membership, meeting: SystemMeeting) -> None:
    """Delete one meeting with its agenda, conversations and outcomes."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        meeting = SystemMeeting.objects.select_for_update().get(pk=meeting.pk)
        audited(
            actor_membership,
            "system_meeting.deleted",
            meeting,
            before={
                **snapshot(meeting, MEETING_FIELDS),
                "items": AgendaItem.objects.filter(meeting=meeting).count(),
            },
        )
        meeting.delete()


# The agenda -------------------------------------------------------------------------------


def _links(membership: Membership, decision: int | None, mandate: int | None) -> dict[str, Any]:
    linked: dict[str, Any] = {}
    linked["decision"] = get_decision_named(membership, decision) if decision else None
    if mandate:
        found = access.mandates_in(membership).filter(pk=mandate).first()
        if found is None:
            raise ValidationError({"mandate": [f"No mandate of this collective has id {mandate}."]})
        linked["mandate"] = found
    else:
        linked["mandate"] = None
    return linked


def item_add(
    *,
    actor_membership: Membership,
    meeting: SystemMeeting,
    title: str,
    our_position: str = "",
    decision: int | None = None,
    mandate: int | None = None,
) -> AgendaItem:
    """Add an item at the end of the meeting's agenda: its title, our position, and
    optionally the decision or the mandate the position comes from."""
    access.require_leadership(actor_membership)
    title = clean_text(title, "title", required=True, most=200)
    links = _links(actor_membership, decision, mandate)
    with transaction.atomic():
        meeting = SystemMeeting.objects.select_for_update().get(pk=meeting.pk)
        last = (
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("-position_in_agenda")
            .values_list("position_in_agenda", flat=True)
            .first()
        )
        item = AgendaItem.objects.create(
            meeting=meeting,
            position_in_agenda=(last or 0) + 1,
            title=title,
            our_position=clean_text(our_position, "our_position"),
            **links,
        )
        audited(actor_membership, "agenda_item.added", item, after=snapshot(item, ITEM_FIELDS))
    return item


def item_update(*, actor_membership: Membership, item: AgendaItem, **changes: Any) -> AgendaItem:
    """Change an item's title, our position, or its linked decision or mandate."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item, ITEM_FIELDS)
        if "title" in changes:
            item.title = clean_text(changes["title"], "title", required=True, most=200)
        if "our_position" in changes:
            item.our_position = clean_text(changes["our_position"], "our_position")
        if "decision" in changes:
            item.decision = _links(actor_membership, changes["decision"], None)["decision"]
        if "mandate" in changes:
            item.mandate = _links(actor_membership, None, changes["mandate"])["mandate"]
        item.save()
        audited(
            actor_membership,
            "agenda_item.changed",
            item,
            before=before,
            after=snapshot(item, ITEM_FIELDS),
        )
    return item


def items_reorder(
    *, actor_membership: Membership, meeting: SystemMeeting, order: list[int]
) -> list[AgendaItem]:
    """Put the meeting's agenda in the order given: every item of it, each once."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        meeting = SystemMeeting.objects.select_for_update().get(pk=meeting.pk)
        items = {i.pk: i for i in AgendaItem.objects.filter(meeting=meeting)}
        if sorted(order) != sorted(items) or len(set(order)) != len(order):
            raise ValidationError(
                {
                    "order": "List every item of the meeting's agenda once, in the new order: "
                    f"its items are {', '.join(str(pk) for pk in sorted(items)) or 'none'}."
                }
            )
        before = [i.pk for i in sorted(items.values(), key=lambda i: (i.position_in_agenda, i.pk))]
        for position, pk in enumerate(order, start=1):
            items[pk].position_in_agenda = position
        AgendaItem.objects.bulk_update(list(items.values()), ["position_in_agenda"])
        audited(
            actor_membership,
            "agenda_item.reordered",
            meeting,
            before={"order": before},
            after={"order": list(order)},
        )
    return [items[pk] for pk in order]


def item_move(*, actor_membership: Membership, item: AgendaItem, up: bool) -> list[AgendaItem]:
    """Move an item one place up (earlier) or down the agenda."""
    order = selectors.neighbours(item)
    at = order.index(item.pk)
    to = at - 1 if up else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    return items_reorder(actor_membership=actor_membership, meeting=item.meeting, order=order)


def item_delete(*, actor_membership: Membership, item: AgendaItem) -> None:
    """Delete an item with its conversations and outcome. A published outcome stays with
    the practices."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        audited(
            actor_membership,
            "agenda_item.deleted",
            item,
            before={
                **snapshot(item, ITEM_FIELDS),
                "conversations": PrepConversation.objects.filter(item=item).count(),
            },
        )
        item.delete()


# Conversations beforehand -----------------------------------------------------------------


def _stakeholder(membership: Membership, pk: int) -> Any:
    found = (
        access.stakeholders_in(membership)
        .filter(pk=pk, erased_at__isnull=True, person__isnull=False)
        .first()
    )
    if found is None:
        raise ValidationError({"stakeholder": "Choose one of the collective's stakeholders."})
    return found


def _stance(stance: str) -> str:
    if stance not in Stance.values:
        raise ValidationError(
            {"stance": "Say what they think: with us, neutral, against or unknown."}
        )
    return stance


def conversation_add(
    *,
    actor_membership: Membership,
    item: AgendaItem,
    stakeholder: int,
    by: int,
    stance: str = Stance.UNKNOWN,
    done: bool = False,
) -> PrepConversation:
    """A conversation to have before the meeting about the item: with which stakeholder, by
    which GP leader, what they think."""
    access.require_leadership(actor_membership)
    with_whom = _stakeholder(actor_membership, stakeholder)
    (by_whom,) = _leaders(actor_membership, [by], "by")
    stance = _stance(stance)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        conversation = PrepConversation.objects.create(
            item=item, stakeholder=with_whom, by=by_whom, stance=stance, done=bool(done)
        )
        audited(
            actor_membership,
            "prep_conversation.added",
            item,
            after={"conversation": conversation.pk, **snapshot(conversation, CONVERSATION_FIELDS)},
        )
    return conversation


def conversation_update(
    *, actor_membership: Membership, conversation: PrepConversation, **changes: Any
) -> PrepConversation:
    """Change who has the conversation, with whom, what they think, or whether it is done."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        conversation = PrepConversation.objects.select_for_update().get(pk=conversation.pk)
        before = snapshot(conversation, CONVERSATION_FIELDS)
        if changes.get("stakeholder") is not None:
            conversation.stakeholder = _stakeholder(actor_membership, changes["stakeholder"])
        if changes.get("by") is not None:
            (conversation.by,) = _leaders(actor_membership, [changes["by"]], "by")
        if changes.get("stance") is not None:
            conversation.stance = _stance(changes["stance"])
        if changes.get("done") is not None:
            conversation.done = bool(changes["done"])
        conversation.save()
        audited(
            actor_membership,
            "prep_conversation.changed",
            conversation.item,
            before={"conversation": conversation.pk, **before},
            after={"conversation": conversation.pk, **snapshot(conversation, CONVERSATION_FIELDS)},
        )
    return conversation


def conversation_delete(*, actor_membership: Membership, conversation: PrepConversation) -> None:
    access.require_leadership(actor_membership)
    with transaction.atomic():
        conversation = PrepConversation.objects.select_for_update().get(pk=conversation.pk)
        audited(
            actor_membership,
            "prep_conversation.deleted",
            conversation.item,
            before={"conversation": conversation.pk, **snapshot(conversation, CONVERSATION_FIELDS)},
        )
        conversation.delete()


# The outcome ------------------------------------------------------------------------------


def outcome_record(
    *,
    actor_membership: Membership,
    item: AgendaItem,
    outcome: str,
    now: dt.datetime | None = None,
) -> AgendaItem:
    """Record what came of the item at the meeting. Once published to practices it no longer
    changes: they have it."""
    access.require_leadership(actor_membership)
    outcome = clean_text(outcome, "outcome", required=True)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if item.briefing_id is not None:
            raise ValidationError(
                {"outcome": "The outcome is published to practices; it can no longer change."}
            )
        before = snapshot(item, ["outcome", "outcome_recorded_at"])
        item.outcome, item.outcome_recorded_at = outcome, now or timezone.now()
        item.save(update_fields=["outcome", "outcome_recorded_at"])
        audited(
            actor_membership,
            "agenda_item.outcome_recorded",
            item,
            before=before,
            after=snapshot(item, ["outcome", "outcome_recorded_at"]),
        )
    return item


def notice_title(item: AgendaItem) -> str:
    """What practices see as the notice's title."""
    return f"{item.meeting.series.name}: {item.title}"[:200]


def outcome_publish(
    *,
    actor_membership: Membership,
    item: AgendaItem,
    meaning: str,
    summary: str = "",
    confirm_hard: bool = False,
    now: dt.datetime | None = None,
) -> Briefing:
    """Publish the item's outcome to every practice of the collective through the golden
    thread: a notice (a briefing with no decision) whose summary is the outcome, unless
    another summary is given. Text that reads hard needs `confirm_hard` (a ValidationError
    with code "needs_confirmation" says so)."""
    access.require_leadership(actor_membership)
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("meeting", "meeting__series")
            .get(pk=item.pk)
        )
        if item.briefing_id is not None:
            raise ValidationError("The outcome is already published to practices.")
        if not item.outcome.strip():
            raise ValidationError(
                {"outcome": "Record the item's outcome before publishing it to practices."}
            )
        meeting = item.meeting
        when = timezone.localtime(meeting.starts_at)
        briefing = notice_publish(
            actor_membership=actor_membership,
            title=notice_title(item),
            summary=(summary or "").strip() or item.outcome,
            meaning=meaning,
            source_label=f"{meeting.series.name}, {when.day} {when:%B %Y}",
            source_path=reverse(
                "system:meeting", args=[actor_membership.collective.slug, meeting.pk]
            ),
            confirm_hard=confirm_hard,
            now=now,
        )
        item.briefing = briefing
        item.save(update_fields=["briefing"])
        audited(
            actor_membership, "agenda_item.outcome_published", item, after={"briefing": briefing.pk}
        )
    return briefing
