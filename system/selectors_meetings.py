"""Reads for the system meetings' pages, API and exports, each in a fixed number of queries
whatever the number of meetings (three years of them included).

Whether the conversations beforehand are read at all is decided here, from
access.may_see_preparation, so that pages, API and exports show the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from collectives.models import CollectiveOrganisation, Membership, Role
from decisions.models import Decision
from directory.models import Organisation, OrganisationKind
from directory.selectors import organisations_matching, organisations_open_to
from system import access
from system.models import (
    AgendaItem,
    KeyOrganisation,
    Mandate,
    MeetingSeries,
    PrepConversation,
    Stakeholder,
    SystemMeeting,
    SystemSettings,
)
from system.rules_meetings import spread_thin, spread_warning

#: What an erased stakeholder shows as, everywhere.
ERASED = "a stakeholder (details erased)"
#: The window in which the GP leaders attending a series are counted.
SPREAD_MONTHS = 12
#: The organisations a series may be held by, when searched for in the directory.
SYSTEM_KINDS = (
    OrganisationKind.ICB,
    OrganisationKind.SUB_ICB,
    OrganisationKind.REGION,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.PUBLIC_HEALTH,
    OrganisationKind.VOLUNTARY,
    OrganisationKind.LMC,
    OrganisationKind.FEDERATION,
    OrganisationKind.PCN,
    OrganisationKind.OTHER,
)
#: The most organisations a directory search offers as a series' holder.
HOLDERS_FOUND = 30


class WhenFilter:
    """The meetings list's "when" filter."""

    UPCOMING = "upcoming"
    PAST = "past"
    choices = [("", "Upcoming and past"), (UPCOMING, "Upcoming"), (PAST, "Past")]


def settings_of(collective_id: int) -> SystemSettings:
    """The collective's settings, or the defaults (not saved) when it has none."""
    found = SystemSettings.objects.filter(collective_id=collective_id).first()
    return found or SystemSettings(collective_id=collective_id)


def stakeholder_label(stakeholder: Stakeholder | None) -> str:
    """A stakeholder as the meetings show them; an erased one names nobody."""
    if stakeholder is None or stakeholder.erased_at is not None or stakeholder.person is None:
        return ERASED
    role = f", {stakeholder.role}" if stakeholder.role else ""
    return f"{stakeholder.person.name}{role} ({stakeholder.organisation.name})"


def user_label(user: Any) -> str:
    return str(user.display_name) if user is not None else "No one (their account is gone)"


# Choices ----------------------------------------------------------------------------------


def _leadership_memberships(collective_id: int) -> QuerySet[Membership]:
    leading = CollectiveOrganisation.objects.filter(
        collective_id=collective_id, is_leadership=True, organisation_id=OuterRef("organisation_id")
    )
    return (
        Membership.objects.filter(collective_id=collective_id)
        .filter(Q(role=Role.CONVENOR) | Q(Q(role__in=access.SPEAKING_ROLES) & Exists(leading)))
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def leaders_of(collective_id: int) -> list[User]:
    """The GP leaders: the leadership group's members (convenors, and the representatives and
    deputies of leadership-group member organisations); one query."""
    return [m.user for m in _leadership_memberships(collective_id)]


def holder_choices(
    collective_id: int, *, query: str = "", current: int | None = None
) -> list[Organisation]:
    """The organisations offered as a series' holder: the collective's key organisations,
    its stakeholders', the holders of its series, the current one, and (with a query) up to
    30 system organisations of the directory that match it. Three queries at most."""
    known = organisations_open_to(collective_id=collective_id).filter(
        Q(
            pk__in=KeyOrganisation.objects.filter(collective_id=collective_id).values(
                "organisation_id"
            )
        )
        | Q(
            pk__in=Stakeholder.objects.filter(collective_id=collective_id).values("organisation_id")
        )
        | Q(
            pk__in=MeetingSeries.objects.filter(
                collective_id=collective_id, organisation__isnull=False
            ).values("organisation_id")
        )
        | Q(pk=current or 0)
    )
    found = list(known.order_by("name", "pk"))
    if query.strip():
        seen = {o.pk for o in found}
        matching = organisations_matching(
            within=organisations_open_to(collective_id=collective_id).filter(kind__in=SYSTEM_KINDS),
            query=query,
        )[:HOLDERS_FOUND]
        found += [o for o in matching if o.pk not in seen]
    return found


def holder_open_to(collective_id: int, pk: int) -> Organisation | None:
    """An organisation the collective may name as a series' holder (shared, or its own)."""
    return organisations_open_to(collective_id=collective_id).filter(pk=pk).first()


def decision_choices(collective_id: int) -> list[Decision]:
    return list(
        Decision.objects.filter(collective_id=collective_id).order_by("-recorded_at", "-pk")
    )


def mandate_choices(membership: Membership) -> list[Mandate]:
    return list(access.mandates_in(membership).select_related("need", "of_whom"))


def stakeholder_choices(membership: Membership) -> list[Stakeholder]:
    """The stakeholders a conversation may be with: those the member may see, not erased."""
    return list(
        access.stakeholders_in(membership)
        .filter(erased_at__isnull=True, person__isnull=False)
        .select_related("person", "organisation")
        .order_by("person__name", "pk")
    )


def series_choices(collective_id: int) -> list[MeetingSeries]:
    return list(MeetingSeries.objects.filter(collective_id=collective_id).order_by("name", "pk"))


# How many GP leaders attend each series ---------------------------------------------------


@dataclass(frozen=True)
class Spread:
    series_id: int
    name: str
    leaders: int
    most: int

    @property
    def thin(self) -> bool:
        return spread_thin(self.leaders, self.most)

    @property
    def warning(self) -> str:
        return spread_warning(self.name, self.leaders, self.most)


def spread_by_series(collective_id: int, *, now: dt.datetime) -> dict[int, Spread]:
    """For each series with a meeting in the last 12 months: how many different GP leaders
    attended its meetings then. Two queries (the settings, and one aggregate), whatever the
    number of meetings."""
    most = settings_of(collective_id).most_leaders_per_series
    since = now - relativedelta(months=SPREAD_MONTHS)
    attended = (
        SystemMeeting.attendees.through.objects.filter(
            systemmeeting__collective_id=collective_id,
            systemmeeting__starts_at__gte=since,
            systemmeeting__starts_at__lte=now,
        )
        .values("systemmeeting__series_id", "systemmeeting__series__name")
        .annotate(leaders=Count("user_id", distinct=True))
        .order_by("systemmeeting__series__name", "systemmeeting__series_id")
    )
    return {
        row["systemmeeting__series_id"]: Spread(
            row["systemmeeting__series_id"],
            row["systemmeeting__series__name"],
            row["leaders"],
            most,
        )
        for row in attended
    }


# Lists ------------------------------------------------------------------------------------


def _subquery_count(queryset: QuerySet[Any], column: str) -> Any:
    """A correlated COUNT of the queryset's rows, as a column."""
    counted = queryset.order_by().values(column).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_counts(meetings: QuerySet[SystemMeeting]) -> QuerySet[SystemMeeting]:
    through = SystemMeeting.attendees.through
    return meetings.annotate(
        attendee_count=_subquery_count(
            through.objects.filter(systemmeeting_id=OuterRef("pk")), "systemmeeting_id"
        ),
        item_count=_subquery_count(
            AgendaItem.objects.filter(meeting_id=OuterRef("pk")), "meeting_id"
        ),
        outcome_count=_subquery_count(
            AgendaItem.objects.filter(meeting_id=OuterRef("pk")).exclude(outcome=""),
            "meeting_id",
        ),
    )


def counted(meetings: list[SystemMeeting]) -> list[SystemMeeting]:
    """The meetings (a page of them) with their attendee, item and outcome counts: counted
    for the page only, not for every meeting before paging. Two queries."""
    if not meetings:
        return meetings
    ids = [m.pk for m in meetings]
    attendees: dict[int, int] = dict(
        SystemMeeting.attendees.through.objects.filter(  # type: ignore[misc]
            systemmeeting_id__in=ids
        )
        .values("systemmeeting_id")
        .annotate(n=Count("*"))
        .values_list("systemmeeting_id", "n")
    )
    items = {
        meeting_id: (n, outcomes)
        for meeting_id, n, outcomes in AgendaItem.objects.filter(meeting_id__in=ids)
        .values("meeting_id")
        .annotate(n=Count("*"), outcomes=Count("pk", filter=~Q(outcome="")))
        .values_list("meeting_id", "n", "outcomes")
    }
    for meeting in meetings:
        meeting.attendee_count = attendees.get(meeting.pk, 0)  # type: ignore[attr-defined]
        meeting.item_count, meeting.outcome_count = items.get(meeting.pk, (0, 0))  # type: ignore[attr-defined]
    return meetings


def meeting_list(
    collective_id: int,
    *,
    now: dt.datetime,
    q: str = "",
    when: str = "",
    series: int | None = None,
) -> QuerySet[SystemMeeting]:
    """The collective's meetings: upcoming first (soonest first), then past (latest first);
    searchable by the series' name, filtered by upcoming or past and by series. One query for
    a page of it; `counted` adds a page's counts in one more."""
    meetings = SystemMeeting.objects.filter(collective_id=collective_id).select_related(
        "series", "series__organisation"
    )
    if q.strip():
        meetings = meetings.filter(series__name__icontains=q.strip())
    if when == WhenFilter.UPCOMING:
        meetings = meetings.filter(starts_at__gte=now)
    elif when == WhenFilter.PAST:
        meetings = meetings.filter(starts_at__lt=now)
    if series:
        meetings = meetings.filter(series_id=series)
    return meetings.order_by(
        Case(When(starts_at__gte=now, then=Value(0)), default=Value(1)),
        Case(When(starts_at__gte=now, then=F("starts_at"))).asc(nulls_last=True),
        F("starts_at").desc(),
        "pk",
    )


@dataclass
class SeriesRow:
    series: MeetingSeries
    next_at: dt.datetime | None
    upcoming: int
    spread: Spread | None


def series_list(collective_id: int, *, now: dt.datetime, q: str = "") -> QuerySet[MeetingSeries]:
    """The collective's series by name, searchable, each with its next meeting and how many
    are scheduled ahead. One query for a page of it."""
    found = MeetingSeries.objects.filter(collective_id=collective_id).select_related("organisation")
    if q.strip():
        found = found.filter(name__icontains=q.strip())
    ahead = SystemMeeting.objects.filter(series_id=OuterRef("pk"), starts_at__gte=now)
    return found.annotate(
        next_at=Subquery(ahead.order_by("starts_at").values("starts_at")[:1]),
        upcoming=_subquery_count(ahead, "series_id"),
    ).order_by("name", "pk")


def series_rows(
    collective_id: int, page: list[MeetingSeries], *, now: dt.datetime
) -> list[SeriesRow]:
    spread = spread_by_series(collective_id, now=now)
    return [
        SeriesRow(s, s.next_at, s.upcoming, spread.get(s.pk))  # type: ignore[attr-defined]
        for s in page
    ]


def series_meetings(series: MeetingSeries, *, now: dt.datetime) -> QuerySet[SystemMeeting]:
    """A series' meetings, upcoming first then past, with their counts."""
    return meeting_list(series.collective_id, now=now, series=series.pk)


# A meeting --------------------------------------------------------------------------------


@dataclass
class MeetingView:
    """A meeting as the member may see it: `prep` says whether the conversations were read
    (the leadership group); without it every item's conversations are empty."""

    meeting: SystemMeeting
    attendees: list[User]
    items: list[AgendaItem]
    prep: bool
    conversations: dict[int, list[PrepConversation]] = field(default_factory=dict)

    def conversations_of(self, item: AgendaItem) -> list[PrepConversation]:
        return self.conversations.get(item.pk, [])

    @property
    def not_done(self) -> int:
        return sum(1 for found in self.conversations.values() for c in found if not c.done)


def _conversations(items: list[AgendaItem]) -> dict[int, list[PrepConversation]]:
    found: dict[int, list[PrepConversation]] = defaultdict(list)
    for conversation in PrepConversation.objects.filter(
        item_id__in=[i.pk for i in items]
    ).select_related("stakeholder", "stakeholder__person", "stakeholder__organisation", "by"):
        found[conversation.item_id].append(conversation)
    return dict(found)


def meeting_view(membership: Membership, meeting: SystemMeeting) -> MeetingView:
    """The meeting's attendees, its agenda in order (with each item's decision, mandate and
    published briefing) and, for the leadership group only, the conversations beforehand.
    Four queries at most, whatever the agenda's length."""
    prep = access.may_see_preparation(membership)
    attendees = list(meeting.attendees.order_by("full_name", "email", "pk"))
    items = list(
        AgendaItem.objects.filter(meeting=meeting).select_related(
            "decision", "mandate", "mandate__need", "mandate__of_whom", "briefing"
        )
    )
    return MeetingView(
        meeting=meeting,
        attendees=attendees,
        items=items,
        prep=prep,
        conversations=_conversations(items) if prep and items else {},
    )


def neighbours(item: AgendaItem) -> list[int]:
    """The ids of the item's meeting's agenda, in order."""
    return list(AgendaItem.objects.filter(meeting_id=item.meeting_id).values_list("pk", flat=True))


# The export -------------------------------------------------------------------------------


def export_rows(membership: Membership, *, now: dt.datetime) -> list[list[Any]]:
    """The meetings list as a spreadsheet: one row per agenda item (a meeting without items
    has one row). The conversations beforehand are a column only for the leadership group.
    Three queries, whatever the number of meetings."""
    prep = access.may_see_preparation(membership)
    meetings = list(_with_counts(meeting_list(membership.collective_id, now=now)))
    items_of: dict[int, list[AgendaItem]] = defaultdict(list)
    items = list(
        AgendaItem.objects.filter(meeting__collective_id=membership.collective_id).select_related(
            "decision", "mandate__need"
        )
    )
    for item in items:
        items_of[item.meeting_id].append(item)
    conversations = _conversations(items) if prep and items else {}
    head = [
        "Series",
        "Held by",
        "Date",
        "Place",
        "GP leaders attending",
        "Agenda items",
        "Item",
        "Our position",
        "Linked decision",
        "Outcome",
        "Published to practices",
    ]
    if prep:
        head.append("Conversations beforehand")
    rows: list[list[Any]] = [head]
    for meeting in meetings:
        local = meeting.starts_at
        base = [
            meeting.series.name,
            meeting.series.organisation.name if meeting.series.organisation else "",
            local,
            meeting.place,
            meeting.attendee_count,  # type: ignore[attr-defined]
            meeting.item_count,  # type: ignore[attr-defined]
        ]
        for item in items_of.get(meeting.pk) or [None]:  # type: ignore[list-item]
            row = [
                *base,
                item.title if item else "",
                item.our_position if item else "",
                item.decision.title if item and item.decision else "",
                item.outcome if item else "",
                "yes" if item and item.briefing_id else ("no" if item else ""),
            ]
            if prep:
                row.append(
                    "; ".join(
                        f"{stakeholder_label(c.stakeholder)} by {user_label(c.by)}: "
                        f"{c.get_stance_display()}, {'done' if c.done else 'not done'}"
                        for c in conversations.get(item.pk, [])
                    )
                    if item
                    else ""
                )
            rows.append(row)
    return rows


# The home item ----------------------------------------------------------------------------


@dataclass
class MeetingPrep:
    meeting: SystemMeeting
    open: int
    yours: list[PrepConversation]


def meetings_with_prep_open(
    collective_id: int, *, user_id: int, now: dt.datetime, days: int = 7
) -> list[MeetingPrep]:
    """The meetings within `days` with conversations beforehand not done, soonest first,
    with how many and the ones `user_id` is to have. One query."""
    conversations = list(
        PrepConversation.objects.filter(
            item__meeting__collective_id=collective_id,
            item__meeting__starts_at__gte=now,
            item__meeting__starts_at__lte=now + dt.timedelta(days=days),
            done=False,
        ).select_related(
            "item__meeting__series", "stakeholder__person", "stakeholder__organisation"
        )
    )
    by_meeting: dict[int, MeetingPrep] = {}
    for c in sorted(conversations, key=lambda c: (c.item.meeting.starts_at, c.item.meeting.pk)):
        found = by_meeting.setdefault(c.item.meeting_id, MeetingPrep(c.item.meeting, 0, []))
        found.open += 1
        if c.by_id == user_id:
            found.yours.append(c)
    return list(by_meeting.values())
