"""The private iCalendar feed of a person's rhythms: one all-day event on the first working
day of each of the next periods of every rhythm the person's organisation is in (or the
person owns), so the calendar shows when each agreed contact is due.

Periods come from relationships.rules.periods (the one definition of a period, with its
half-period rule), so the feed and the nudges never disagree about a week or a month.
Each event's UID is stable per rhythm and period: a calendar that refreshes the feed
updates its events rather than adding copies.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from collectives.models import Membership
from relationships import rules
from relationships.models import CalendarFeed, Mode, Rhythm

PRODID = "-//Alliance//Rhythms//EN"
#: How many periods of each rhythm the feed lists, the current one first.
UPCOMING = 8
#: How far ahead to look for them: eight months and a margin.
_AHEAD = dt.timedelta(days=31 * (UPCOMING + 1))


def upcoming_periods(rhythm: Rhythm, now: dt.datetime) -> list[rules.Period]:
    """The current period (if it is judged) and the next ones, at most UPCOMING."""
    fact = rules.RhythmFact(
        id=rhythm.pk,
        organisations=frozenset(),
        modes=frozenset(rhythm.modes),
        period=rhythm.period,
        starts_on=rhythm.starts_on,
        ends_on=rhythm.ends_on,
        min_minutes=rhythm.min_minutes,
        name=rhythm.name,
    )
    return [p for p in rules.periods(fact, now + _AHEAD) if p.end > now][:UPCOMING]


def first_working_day(period: rules.Period, starts_on: dt.date) -> dt.date:
    """The first weekday of the period on or after the day the rhythm starts."""
    day = max(period.start.date(), starts_on)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _rhythms(feed: CalendarFeed, today: dt.date) -> list[Rhythm]:
    found = list(
        Membership.objects.filter(
            collective_id=feed.collective_id, user_id=feed.user_id
        ).values_list("organisation_id", flat=True)[:1]
    )
    if not found:
        return []  # no longer a member: nothing of the collective's
    organisation_id = found[0]
    mine = Q(owner_id=feed.user_id)
    if organisation_id is not None:
        mine |= Q(organisations=organisation_id)
    return list(
        Rhythm.objects.filter(collective_id=feed.collective_id)
        .filter(mine)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .distinct()
        .prefetch_related("organisations")
        .order_by("name", "id")
    )


def _description(rhythm: Rhythm, period: rules.Period) -> str:
    modes = ", ".join(Mode(m).label.lower() for m in rhythm.modes if m in Mode.values)
    length = f" of at least {rhythm.min_minutes} minutes" if rhythm.min_minutes else ""
    return (
        f"{period.label}: the agreed {rhythm.get_period_display().lower()} contact{length} "
        f"({modes}). Any day in the period keeps the rhythm."
    )


def feed_ics(feed: CalendarFeed, now: dt.datetime) -> bytes:
    """The feed's calendar as of `now`."""
    today = rules.local_date(now)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings.SERVICE_NAME} rhythms: {feed.collective.name}")
    calendar.add("x-wr-timezone", str(rules.SITE_TZ))
    site = settings.SITE_URL.rstrip("/")
    stamp = now.astimezone(dt.UTC)
    for rhythm in _rhythms(feed, today):
        names = ", ".join(sorted(o.name for o in rhythm.organisations.all()))
        url = site + reverse("relationships:rhythm", args=[feed.collective.slug, rhythm.pk])
        for period in upcoming_periods(rhythm, now):
            day = first_working_day(period, rhythm.starts_on)
            event = icalendar.Event()
            event.add("uid", f"rhythm-{rhythm.pk}-{period.start.date().isoformat()}@alliance")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", f"{rhythm.name} ({names})" if names else rhythm.name)
            event.add("description", _description(rhythm, period) + f"\n{url}")
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
