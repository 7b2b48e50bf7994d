"""The private calendar feed of a person's rhythms: an iCalendar file of the next periods of
each rhythm the person's organisation is in, opened by a secret URL that stops working when
revoked or replaced."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from relationships import services
from relationships.feed import feed_ics
from relationships.models import Scope

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2025, 3, 5, 10, 0, tzinfo=LONDON)  # a Wednesday


def _rhythm(pair, *, name, organisations, period="weekly", by=None, starts_on=None, **more):
    return services.rhythm_agree(
        actor_membership=by or pair.oakwood_rep,
        name=name,
        scope=Scope.PAIR,
        organisations=organisations,
        modes=["video", "phone"],
        period=period,
        starts_on=starts_on or dt.date(2025, 1, 6),
        **more,
    )


def _events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _url(token: str) -> str:
    return reverse("relationships:feed_ics", args=[token])


def test_the_feed_lists_the_next_eight_periods_of_each_rhythm(pair):
    weekly = _rhythm(pair, name="Weekly call", organisations=pair.both)
    monthly = _rhythm(
        pair,
        name="Monthly catch-up",
        organisations=[pair.oakwood.pk, pair.hillside.pk],
        period="monthly",
    )
    feed, _ = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    data = feed_ics(feed, NOW)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == "-//Alliance//Rhythms//EN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "X-WR-CALNAME" in calendar
    events = _events(data)
    mondays = [dt.date(2025, 3, 3) + dt.timedelta(weeks=n) for n in range(8)]
    months = [dt.date(2025, m, 1) for m in range(3, 11)]
    assert set(events) == {f"rhythm-{weekly.pk}-{d.isoformat()}@alliance" for d in mondays} | {
        f"rhythm-{monthly.pk}-{d.isoformat()}@alliance" for d in months
    }
    first = events[f"rhythm-{weekly.pk}-2025-03-03@alliance"]
    assert first.decoded("DTSTART") == dt.date(2025, 3, 3)  # an all-day event
    assert str(first["SUMMARY"]) == "Weekly call (Oakwood Surgery, Riverside Practice)"
    assert "DTSTAMP" in first
    # 1 March 2025 is a Saturday: the month's first working day is Monday 3 March.
    march = events[f"rhythm-{monthly.pk}-2025-03-01@alliance"]
    assert march.decoded("DTSTART") == dt.date(2025, 3, 3)
    # June 2025 starts on a Sunday.
    assert events[f"rhythm-{monthly.pk}-2025-06-01@alliance"].decoded("DTSTART") == dt.date(
        2025, 6, 2
    )


def test_the_uids_stay_the_same_when_the_feed_is_read_again(pair):
    _rhythm(pair, name="Weekly call", organisations=pair.both)
    feed, _ = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    earlier = set(_events(feed_ics(feed, NOW)))
    later = set(_events(feed_ics(feed, NOW + dt.timedelta(days=7))))
    assert len(earlier & later) == 7  # a week on, one period has passed and one is added


def test_an_ended_rhythm_and_a_future_ones_later_periods(pair):
    ended = _rhythm(pair, name="Old call", organisations=pair.both, starts_on=dt.date(2024, 1, 1))
    services.rhythm_end(
        actor_membership=pair.oakwood_rep, rhythm=ended, ends_on=dt.date(2024, 6, 30)
    )
    soon = _rhythm(pair, name="New call", organisations=pair.both, starts_on=dt.date(2025, 3, 20))
    ending = _rhythm(
        pair, name="Ending call", organisations=pair.both, starts_on=dt.date(2025, 1, 6)
    )
    ending.ends_on = dt.date(2025, 3, 16)
    ending.save()
    feed, _ = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    events = _events(feed_ics(feed, NOW))
    assert not any(uid.startswith(f"rhythm-{ended.pk}-") for uid in events)
    assert sorted(uid for uid in events if uid.startswith(f"rhythm-{ending.pk}-")) == [
        f"rhythm-{ending.pk}-2025-03-03@alliance",
        f"rhythm-{ending.pk}-2025-03-10@alliance",
    ]
    # Agreed on a Thursday for the week of 17 March (4 of 7 days left): judged that week,
    # from the day it starts.
    new = events[f"rhythm-{soon.pk}-2025-03-17@alliance"]
    assert new.decoded("DTSTART") == dt.date(2025, 3, 20)


def test_another_organisations_rhythms_are_not_in_the_feed(pair):
    ours = _rhythm(pair, name="Our call", organisations=pair.both)
    theirs = _rhythm(
        pair,
        name="Their call",
        organisations=[pair.riverside.pk, pair.hillside.pk],
        by=pair.riverside_rep,
    )
    feed, _ = services.calendar_feed_create(actor_membership=pair.hillside_member)
    events = _events(feed_ics(feed, NOW))
    assert any(uid.startswith(f"rhythm-{theirs.pk}-") for uid in events)
    assert not any(uid.startswith(f"rhythm-{ours.pk}-") for uid in events)
    assert all("Our call" not in str(e["SUMMARY"]) for e in events.values())


def test_a_rhythm_the_person_owns_is_in_their_feed(pair):
    owned = _rhythm(
        pair,
        name="Owned call",
        organisations=[pair.riverside.pk, pair.hillside.pk],
        by=pair.convenor,
    )
    feed, _ = services.calendar_feed_create(actor_membership=pair.convenor)
    assert any(uid.startswith(f"rhythm-{owned.pk}-") for uid in _events(feed_ics(feed, NOW)))


def test_the_feed_url_serves_the_calendar_to_anyone_with_the_secret(pair, client):
    today = timezone.localdate()
    rhythm = _rhythm(pair, name="Weekly call", organisations=pair.both, starts_on=today)
    _, token = services.calendar_feed_create(actor_membership=pair.riverside_rep)
    response = client.get(_url(token))  # not signed in: a calendar app reads it
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    events = _events(response.content)
    assert len(events) == 8
    assert all(uid.startswith(f"rhythm-{rhythm.pk}-") for uid in events)


@pytest.mark.parametrize("how", ["revoked", "replaced"])
def test_the_feed_is_refused_once_revoked_or_replaced(pair, client, how):
    _rhythm(pair, name="Weekly call", organisations=pair.both)
    _, token = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    assert client.get(_url(token)).status_code == 200
    if how == "revoked":
        services.calendar_feed_revoke(actor_membership=pair.oakwood_rep)
    else:
        _, new = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
        assert client.get(_url(new)).status_code == 200
    assert client.get(_url(token)).status_code == 404


def test_an_unknown_secret_is_refused(pair, client):
    assert client.get(_url("not-a-real-secret")).status_code == 404
