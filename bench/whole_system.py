"""`make bench`'s whole-system working (bench/run.py calls it; see bench/README.md).

The coverage page (/c/<slug>/system/coverage/) and the system meetings list
(/c/<slug>/system/meetings/) for a collective with 300 stakeholders in 30 system
organisations, 40 key relationships, 5,000 logged contacts with them and 3 years of system
meetings (12 series, 520 meetings, 3 agenda items each with 2 conversations beforehand),
built with bulk_create: each page's server time through Django's test client over a
trivial view's, median of `repeat`. Budget: 40 x. And each page's queries for a collective
with 3 stakeholders and a few meetings against the big one: they must be the same.

Named so as not to shadow the `system` app; bench/run.py loads it from bench/. Runnable
alone: `.venv/bin/python bench/whole_system.py` (a fresh SQLite database).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

MedianTime = Callable[..., float]

KINDS = ["icb", "community_trust", "acute_trust", "local_authority", "public_health", "other"]


def _collective(stakeholders: int, contacts: int, years: int, prefix: str) -> Any:
    from django.utils import timezone

    from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
    from collectives.models import Role
    from directory.models import Person
    from relationships.models import Contact, ContactParticipant, Mode
    from system.models import (
        AgendaItem,
        Assessment,
        KeyRelationship,
        MeetingSeries,
        PrepConversation,
        Stakeholder,
        SystemMeeting,
    )

    rng = random.Random(16)  # noqa: S311 (fixed seed: the same figures each run)
    convenor: Any = MembershipFactory(role=Role.CONVENOR)
    collective = convenor.collective
    pcn: Any = MemberOrganisationFactory(
        collective=collective, organisation__kind="pcn", is_leadership=True
    ).organisation
    MemberOrganisationFactory(collective=collective)  # a practice
    leaders = [convenor] + [
        MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE if n % 2 else Role.DEPUTY,
            organisation=pcn,
        )
        for n in range(9)
    ]
    organisations: list[Any] = [
        OrganisationFactory(
            name=f"{prefix} system organisation {n}",
            kind=KINDS[n % len(KINDS)],
            ods_code=f"{prefix}{n:04d}",
        )
        for n in range(max(1, min(30, stakeholders)))
    ]
    people = Person.objects.bulk_create(
        Person(
            name=f"{prefix} Person {n}",
            job_title="Director of Strategy" if n % 3 else "Chief Executive",
            organisation=organisations[n % len(organisations)],
            email=f"{prefix.lower()}{n}@example.nhs.uk",
            owner=collective,
        )
        for n in range(stakeholders)
    )
    now = timezone.now()
    found = Stakeholder.objects.bulk_create(
        Stakeholder(
            collective=collective,
            person=p,
            organisation=p.organisation,
            role=p.job_title,
            added_by=convenor.user,
        )
        for p in people
    )
    Assessment.objects.bulk_create(
        Assessment(
            stakeholder=s,
            warmth=rng.randint(1, 5),
            sway=rng.randint(1, 5),
            assessed_on=(now - dt.timedelta(days=90 * k + rng.randint(0, 60))).date(),
            assessed_by=convenor.user,
        )
        for s in found
        for k in range(rng.randint(1, 3))
    )
    KeyRelationship.objects.bulk_create(
        KeyRelationship(collective=collective, stakeholder=s, owner=leaders[n % 10].user)
        for n, s in enumerate(found[: min(40, len(found))])
    )
    made = Contact.objects.bulk_create(
        Contact(
            collective=collective,
            happened_at=now - dt.timedelta(hours=rng.randint(1, max(24, 24 * 365 * years))),
            mode=rng.choice([Mode.PHONE, Mode.VIDEO, Mode.IN_PERSON, Mode.EMAIL]),
            recorded_by=convenor.user,
        )
        for _ in range(contacts)
    )
    ContactParticipant.objects.bulk_create(
        ContactParticipant(contact=c, person=people[rng.randrange(len(people))]) for c in made
    )
    ContactParticipant.objects.bulk_create(
        ContactParticipant(contact=c, user=leaders[rng.randrange(10)].user) for c in made
    )
    Contact.organisations.through.objects.bulk_create(
        Contact.organisations.through(contact_id=c.pk, organisation_id=pcn.pk) for c in made
    )
    # 12 series: 10 monthly and 2 fortnightly, over `years` years to a month ahead.
    series = MeetingSeries.objects.bulk_create(
        MeetingSeries(
            collective=collective,
            name=f"{prefix} system meeting {n}",
            organisation=organisations[n % len(organisations)],
            recurrence="FREQ=MONTHLY" if n < 10 else "FREQ=WEEKLY;INTERVAL=2",
        )
        for n in range(12 if years else 1)
    )
    start = now - dt.timedelta(days=365 * years)
    meetings = SystemMeeting.objects.bulk_create(
        SystemMeeting(
            series=s,
            collective=collective,
            starts_at=start + dt.timedelta(days=k * (30 if n < 10 else 14)),
        )
        for n, s in enumerate(series)
        for k in range((365 * years + 30) // (30 if n < 10 else 14) + 1)
    )
    SystemMeeting.attendees.through.objects.bulk_create(
        SystemMeeting.attendees.through(
            systemmeeting_id=m.pk, user_id=leaders[(n + k) % 10].user_id
        )
        for n, m in enumerate(meetings)
        for k in range(rng.randint(1, 3))
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=m,
            position_in_agenda=k,
            title=f"Item {k + 1}",
            our_position="We support it if practices are funded for it.",
            outcome="Agreed." if m.starts_at < now else "",
        )
        for m in meetings
        for k in range(3)
    )
    PrepConversation.objects.bulk_create(
        PrepConversation(
            item=i,
            stakeholder=found[rng.randrange(len(found))],
            by=leaders[rng.randrange(10)].user,
            stance=rng.choice(["with_us", "neutral", "against", "unknown"]),
            done=rng.random() < 0.5,
        )
        for i in items
        for _ in range(2)
    )
    return convenor


def bench_whole_system(median_time: MedianTime, repeat: int = 30) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from alliance.changes import forget_kept
    from relationships.models import Contact
    from system.models import Stakeholder, SystemMeeting

    def pages(convenor: Any) -> dict[str, str]:
        slug = convenor.collective.slug
        return {
            "trivial view": "/bench/trivial/",
            "coverage": reverse("system:coverage", args=[slug]),
            "system meetings": reverse("system:meetings", args=[slug]),
        }

    def queries(client: Client, url: str) -> int:
        forget_kept()
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        assert status == 200, f"{url}: {status}"
        return len(captured)

    small = _collective(stakeholders=3, contacts=10, years=0, prefix="WS")
    big = _collective(stakeholders=300, contacts=5_000, years=3, prefix="WB")
    counts: dict[str, list[int]] = {}
    for convenor in (small, big):
        client = Client()
        client.force_login(convenor.user)
        for name, url in pages(convenor).items():
            client.get(url)
            counts.setdefault(name, []).append(queries(client, url))
    client = Client()
    client.force_login(big.user)
    times = {}
    for name, url in pages(big).items():
        times[name] = median_time(
            lambda u=url: client.get(u),  # type: ignore[misc]
            repeat,
            before=forget_kept,
        )
    base = times["trivial view"]
    collective = big.collective
    print(
        f"Whole-system working ({Stakeholder.objects.filter(collective=collective).count()} "
        f"stakeholders, {Contact.objects.filter(collective=collective).count():,} contacts, "
        f"{SystemMeeting.objects.filter(collective=collective).count()} system meetings over "
        "3 years; server time through the test client, signed in; budget 40 x):"
    )
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds * 1000:8.2f} ms   = {seconds / base:6.1f} x trivial")
    print("  queries (3 stakeholders, 1 meeting series -> 300 stakeholders, 3 years):")
    for name, (few, many) in counts.items():
        same = "same" if few == many else "GROWS"
        print(f"    {name:<22} {few:4d} -> {many:4d}   ({same})")


if __name__ == "__main__":
    import run  # bench/run.py: Django on a fresh SQLite database, and the trivial view
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="run", DEBUG=False):
        call_command("migrate", verbosity=0)
        bench_whole_system(run.median_time)
