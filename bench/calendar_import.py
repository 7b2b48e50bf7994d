"""`make bench`'s calendar import figure (bench/run.py calls it; see bench/README.md).

The import of a generated 5 MB export with 150,000 attendees (relationships.tests.calendars), into
a collective of 40 practices whose 300 people it knows, over the time icalendar alone
takes to parse the same bytes; with the seconds, since the promise is "under 5 s".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

#: bench/run.py's median_time: the median of `repeat` timings of work, each after before.
MedianTime = Callable[..., float]


def _collective(organisations: int = 40, people: int = 300) -> tuple[Any, list[str]]:
    """A collective of practices, the member who imports (at the first practice), and the
    addresses of its people: half use Alliance, half are only in the directory."""
    from bench_data import practices_collective

    from alliance.testing import MembershipFactory, UserFactory
    from collectives.models import Membership, Role
    from directory.models import Person

    convenor, orgs = practices_collective(organisations, "CI")
    collective = convenor.collective
    actor: Any = MembershipFactory(
        collective=collective, role=Role.MEMBER, organisation=orgs[0], user__email="jo@p0.uk"
    )
    users: list[Any] = [
        UserFactory(email=f"user{n}@p{n % organisations}.uk") for n in range(people // 2)
    ]
    Membership.objects.bulk_create(
        Membership(
            collective=collective,
            user=u,
            role=Role.MEMBER,
            organisation=orgs[n % organisations],
        )
        for n, u in enumerate(users)
    )
    listed = Person.objects.bulk_create(
        Person(
            name=f"Person {n}",
            organisation=orgs[n % organisations],
            email=f"person{n}@p{n % organisations}.uk",
        )
        for n in range(people - len(users))
    )
    return actor, [u.email for u in users] + [p.email for p in listed]


def bench_calendar_import(median_time: MedianTime, repeat: int) -> None:
    import icalendar

    from relationships.ics import MAX_BYTES, read_meetings
    from relationships.models import Contact, ContactParticipant
    from relationships.services import calendar_import
    from relationships.tests.calendars import big_calendar

    actor, known = _collective()
    calendar = big_calendar(organiser=actor.user.email, known=known)
    data = calendar.data
    assert len(data) <= MAX_BYTES, f"the file is {len(data):,} bytes, over {MAX_BYTES:,}"
    read = read_meetings(data, filename="bench.ics")
    once = sum(len(m.attendees) for m in read.meetings)

    def clear() -> None:
        Contact.objects.filter(collective_id=actor.collective_id).delete()

    def run() -> Any:
        return calendar_import(actor_membership=actor, data=data, filename="bench.ics")

    parse_s = median_time(lambda: icalendar.Calendar.from_ical(data, multiple=True), repeat)
    read_s = median_time(lambda: read_meetings(data, filename="bench.ics"), repeat)
    import_s = median_time(run, repeat, before=clear)
    clear()
    cpu = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        outcome = run()
    cpu_s = time.process_time() - cpu
    sql = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    reads = sum(s.startswith("SELECT") for s in sql)
    writes = sum(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in sql)
    participants = ContactParticipant.objects.filter(contact__in=outcome.created).count()
    print(
        f"Calendar import ({len(data) / 1e6:.2f} MB export, {calendar.meetings:,} meetings, "
        f"{calendar.attendee_lines:,} attendees, {once:,} once each per meeting; a collective "
        f"of 40 practices whose {len(known)} people it knows):"
    )
    print(f"  icalendar parse only   {parse_s:8.3f} s")
    print(f"  read the meetings      {read_s:8.3f} s   = {read_s / parse_s:5.2f} x parse")
    print(f"  full import            {import_s:8.3f} s   = {import_s / parse_s:5.2f} x parse")
    print(f"  (one more import: {cpu_s:.3f} s of this process's CPU time, others' work aside)")
    print(
        f"  {len(outcome.created):,} meetings logged with {participants:,} participants; "
        f"{reads} queries to read, {writes} to write"
    )
