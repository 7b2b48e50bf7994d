"""Turn the rules in habits.rules into Nudge rows: one per rule, subject and period (its
key), so a daily run raises each nudge once and a dismissed one stays dismissed.

The rules read plain facts, so this module is the only place that loads contacts and
rhythms for them: the contacts of the window the rules look at (the longer of the mode-mix
window and enough whole periods to judge each rhythm), in two queries.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from collectives.models import Collective, CollectiveOrganisation
from habits import rules
from habits.models import Contact, HabitSettings, Nudge, Rhythm


def thresholds_for(collective: Collective) -> rules.Thresholds:
    found = HabitSettings.objects.filter(collective=collective).first()
    if found is None:
        return rules.Thresholds()
    return rules.Thresholds(
        weeks=found.weeks,
        email_only_weeks=found.email_only_weeks,
        min_emails=found.min_emails,
        missed_in_a_row=found.missed_in_a_row,
        email_share_amber=found.email_share_amber,
    )


def _window_start(now: dt.datetime, thresholds: rules.Thresholds) -> dt.datetime:
    weeks = max(thresholds.weeks, thresholds.email_only_weeks)
    months = (thresholds.missed_in_a_row + 1) * 31
    return now - dt.timedelta(days=max(weeks * 7, months))


def facts(
    collective: Collective, now: dt.datetime, thresholds: rules.Thresholds
) -> tuple[list[rules.ContactFact], list[rules.RhythmFact]]:
    contacts = [
        rules.ContactFact(
            on=c.happened_at,
            mode=c.mode,
            organisations=frozenset(o.pk for o in c.organisations.all()),
            count=c.count,
            duration_minutes=c.duration_minutes,
        )
        for c in Contact.objects.filter(
            collective=collective,
            happened_at__gte=_window_start(now, thresholds),
            happened_at__lte=now,
        ).prefetch_related("organisations")
    ]
    rhythms = [
        rules.RhythmFact(
            id=r.pk,
            organisations=frozenset(o.pk for o in r.organisations.all()),
            modes=frozenset(r.modes),
            period=r.period,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            min_minutes=r.min_minutes,
            name=r.name,
        )
        for r in Rhythm.objects.filter(collective=collective).prefetch_related("organisations")
    ]
    return contacts, rhythms


@transaction.atomic
def nudges_refresh(*, collective: Collective, now: dt.datetime | None = None) -> list[Nudge]:
    """Raise the nudges the rules find now; those already raised (by key) are left as
    they are. Returns the new ones."""
    now = now or timezone.now()
    thresholds = thresholds_for(collective)
    contacts, rhythms = facts(collective, now, thresholds)
    names = dict(
        CollectiveOrganisation.objects.filter(collective=collective).values_list(
            "organisation_id", "organisation__name"
        )
    )
    pairs = sorted(
        {
            frozenset(pair)
            for c in contacts
            for pair in combinations(sorted(c.organisations), 2)
            if all(pk in names for pk in pair)
        },
        key=sorted,
    )
    found = rules.nudges(
        pairs=pairs,
        names=names,
        contacts=contacts,
        rhythms=rhythms,
        now=now,
        thresholds=thresholds,
    )
    known = set(
        Nudge.objects.filter(collective=collective, key__in=[f.key for f in found]).values_list(
            "key", flat=True
        )
    )
    created: list[Nudge] = []
    for fact in found:
        if fact.key in known:
            continue
        nudge = Nudge.objects.create(
            collective=collective, key=fact.key, rule=fact.rule, text=fact.text, created_at=now
        )
        nudge.organisations.set(sorted(fact.organisations))
        created.append(nudge)
    return created


def open_nudges_for(
    *, collective: Any, organisation_id: int, now: dt.datetime | None = None
) -> QuerySet[Nudge]:
    """Nudges about this organisation that are neither dismissed nor snoozed now."""
    now = now or timezone.now()
    return (
        Nudge.objects.filter(
            collective=collective, organisations=organisation_id, dismissed_at__isnull=True
        )
        .exclude(snoozed_until__gt=now)
        .order_by("-created_at", "-id")
    )
