"""Calendar exports made up for tests and `make bench` (bench/run.py imports this).

`weekly_calendar` writes one meeting repeating every week since a given time, for tests
that go through the pages at the real time (a fixed file's occurrences would change with
the date). `big_calendar` writes a valid .ics file shaped like a big organisation's export: a few
meetings with tens of thousands of attendees (an all-staff briefing sent to a whole trust)
and many meetings with a few each, the same attendee listed more than once (as Outlook
lists the organiser, and as people are invited twice through two distribution lists),
addresses in mixed case and with MAILTO: in capitals. Every address is fictional.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

#: The benchmark file's shape: 150,000 attendee lines in about 5 MB.
BENCH_ATTENDEES = 150_000


@dataclass(frozen=True)
class BigCalendar:
    data: bytes
    meetings: int
    #: ATTENDEE lines in the file, repeats included.
    attendee_lines: int


def _stranger(n: int) -> str:
    return f"p{n}@t{n % 10}.uk"


def big_calendar(
    *,
    organiser: str,
    known: Sequence[str] = (),
    attendees: int = BENCH_ATTENDEES,
    big_meetings: int = 4,
    big_share: float = 0.9,
    small_size: int = 6,
    strangers: int = 40_000,
    start: dt.datetime = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC),
) -> BigCalendar:
    """A calendar whose meetings have `attendees` ATTENDEE lines in all: `big_share` of them
    in `big_meetings` meetings, the rest in meetings of `small_size`, all organised by
    `organiser`. A big meeting invites everyone in `known` (addresses the collective knows)
    and `strangers` made-up people in turn, every tenth line repeating its first attendee
    (every twentieth in capitals); a small meeting lists its organiser in capitals, one of
    `known` in turn and strangers."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Alliance bench//EN", "METHOD:PUBLISH"]
    pool = [*known, *(_stranger(n) for n in range(strangers))]
    per_big = int(attendees * big_share) // big_meetings if big_meetings else 0
    written = meetings = 0
    turn = 0

    def stranger() -> str:
        nonlocal turn
        turn += 1
        return pool[(turn - 1) % len(pool)]

    def meeting(title: str, invited: list[str]) -> None:
        nonlocal written, meetings
        when = start + dt.timedelta(hours=meetings)
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:bench-{meetings}@alliance.example",
                f"DTSTART:{when:%Y%m%dT%H%M%SZ}",
                "DURATION:PT30M",
                f"SUMMARY:{title} {meetings}",
                "LOCATION:Teams" if meetings % 2 else "LOCATION:Room 2",
                f"ORGANIZER:mailto:{organiser}",
                *(f"ATTENDEE:{a}" for a in invited),
                "END:VEVENT",
            ]
        )
        written += len(invited)
        meetings += 1

    for _ in range(big_meetings):
        first = stranger()
        invited = [f"mailto:{first}"]
        for i in range(1, per_big):
            if i % 20 == 0:
                invited.append(f"MAILTO:{first.upper()}")
            elif i % 10 == 0:
                invited.append(f"mailto:{first}")
            else:
                invited.append(f"mailto:{stranger()}")
        meeting("All-staff briefing", invited)
    for n in itertools.count():
        if written >= attendees:
            break
        size = min(small_size, attendees - written)
        invited = [f"MAILTO:{organiser.upper()}"]
        if known:
            invited.append(f"mailto:{known[n % len(known)]}")
        invited += [f"mailto:{stranger()}" for _ in range(size - len(invited))]
        meeting("Catch-up", invited[:size])
    lines.append("END:VCALENDAR")
    data = ("\r\n".join(lines) + "\r\n").encode()
    return BigCalendar(data=data, meetings=meetings, attendee_lines=written)


def weekly_calendar(
    *, title: str, first: dt.datetime, organiser: str, attendees: Sequence[str]
) -> bytes:
    """A calendar with one meeting every week from `first`, for ever, in the shape Google
    Calendar exports it: times in UTC, RRULE:FREQ=WEEKLY with the weekday."""
    start = first.astimezone(dt.UTC)
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Alliance tests//EN",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        "DURATION:PT30M",
        f"RRULE:FREQ=WEEKLY;BYDAY={day}",
        f"ORGANIZER:mailto:{organiser}",
        f"UID:{title.lower().replace(' ', '-')}@alliance.example",
        *(f"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees),
        "LOCATION:Video call",
        f"SUMMARY:{title}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()
