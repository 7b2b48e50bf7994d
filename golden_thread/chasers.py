"""Chasers: practices a briefing has not reached are chased, first through their PCN's
Clinical Director, then directly. A daily job (golden_thread.tasks.send_chasers) runs them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from alliance.changes import collective_changed
from golden_thread import access
from golden_thread.models import Thread
from notifications.services import notify

#: A practice that has not acknowledged this many days after publication is chased, first
#: through its PCN's Clinical Director...
CHASE_CD_AFTER = dt.timedelta(days=7)
#: ...then, if still not reached, directly.
CHASE_PRACTICE_AFTER = dt.timedelta(days=10)


def chasers_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Chase practices not reached: after 7 days through their PCN's Clinical Director
    (one message per CD and briefing listing the PCN's practices not reached), after 10
    days the practice itself. A practice whose PCN has no Clinical Director in Alliance is
    chased directly at 7 days. Each chase is recorded on the thread, so a retried job
    sends nothing twice. Returns how many threads were chased each way."""
    now = now or timezone.now()
    counts = {"cd": 0, "practice": 0}
    due = (
        Thread.objects.filter(
            acknowledged_at__isnull=True,
            briefing__published_at__lte=now - CHASE_CD_AFTER,
        )
        .filter(practice_chased_at__isnull=True)
        .select_related("briefing__collective", "briefing__decision", "practice", "pcn")
        .order_by("briefing_id", "pcn_id", "practice__name")
    )
    by_briefing: dict[int, list[Thread]] = defaultdict(list)
    for thread in due:
        by_briefing[thread.briefing_id].append(thread)
    for threads in by_briefing.values():
        with transaction.atomic():
            counts_here = _chase_briefing(threads, now)
        counts["cd"] += counts_here["cd"]
        counts["practice"] += counts_here["practice"]
    return counts


def _chase_briefing(threads: list[Thread], now: dt.datetime) -> dict[str, int]:
    briefing = threads[0].briefing
    collective, title = briefing.collective, briefing.title
    assert briefing.published_at is not None
    age = now - briefing.published_at
    leads = access.pcn_leads(collective.pk, sorted({t.pcn_id for t in threads if t.pcn_id}))
    counts = {"cd": 0, "practice": 0}
    to_cd: dict[int, list[Thread]] = defaultdict(list)
    to_practice: list[Thread] = []
    for t in threads:
        has_cd = bool(t.pcn_id and leads.get(t.pcn_id))
        if has_cd and t.cd_chased_at is None:
            to_cd[t.pcn_id].append(t)  # type: ignore[index]
        elif not has_cd or age >= CHASE_PRACTICE_AFTER:
            to_practice.append(t)
    for pcn_id, pcn_threads in to_cd.items():
        names = [t.practice.name for t in pcn_threads]
        notify(
            users=leads[pcn_id],
            collective=collective,
            key=f"briefing:{briefing.pk}:chase-cd:{pcn_id}",
            subject=f"{len(names)} of your practices have not acknowledged: {title}",
            body=f"A week after {collective.name} published “{title}”, these practices of "
            f"{pcn_threads[0].pcn.name if pcn_threads[0].pcn else 'your PCN'} have not "
            f"acknowledged it: {', '.join(names)}.\n\nPlease make sure it reaches them, "
            "for example at your next PCN meeting, and record the touch.",
            path=briefing.get_absolute_url(),
            now=now,
        )
        Thread.objects.filter(pk__in=[t.pk for t in pcn_threads]).update(cd_chased_at=now)
        counts["cd"] += len(pcn_threads)
    if to_practice:
        contacts = access.practice_contacts(collective.pk, [t.practice_id for t in to_practice])
        for t in to_practice:
            notify(
                users=contacts.get(t.practice_id, []),
                collective=collective,
                key=f"briefing:{briefing.pk}:chase-practice",
                subject=f"Please acknowledge: {title}",
                body=f"{collective.name} published “{title}” on "
                f"{timezone.localdate(briefing.published_at):%d %B %Y} and has not heard "
                f"that it reached {t.practice.name}.\n\n{briefing.summary}\n\n"
                "Please tell us it was discussed, understood, or that you have questions.",
                path=briefing.get_absolute_url(),
                now=now,
            )
        Thread.objects.filter(pk__in=[t.pk for t in to_practice]).update(practice_chased_at=now)
        counts["practice"] += len(to_practice)
    if to_cd or to_practice:
        collective_changed(collective.pk)
    return counts
