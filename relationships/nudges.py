"""Turn the rules in relationships.rules into Nudge rows: one per rule, subject and period (its
key), so a daily run raises each nudge once and a dismissed one stays dismissed.

The rules read plain facts, so this module is the only place that loads contacts and
rhythms for them: the contacts of the window the rules look at (the longer of the mode-mix
window and enough whole periods to judge each rhythm), in two queries.
"""

from __future__ import annotations

import datetime as dt
import logging
from itertools import combinations
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from alliance.changes import collective_changed
from collectives.models import Collective, CollectiveOrganisation
from relationships import rules
from relationships.models import Contact, HabitSettings, Nudge, Rhythm

logger = logging.getLogger(__name__)


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


def _judged_from(rhythm: Rhythm, since: dt.date) -> dt.date:
    """The rhythm's start, or the first start of one of its periods on or after `since`."""
    if rhythm.starts_on >= since:
        return rhythm.starts_on
    if rhythm.period == "monthly":
        return (since.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    monday = rhythm.starts_on - dt.timedelta(days=rhythm.starts_on.weekday())
    step = 14 if rhythm.period == "fortnightly" else 7
    blocks = -(-(since - monday).days // step)  # rounded up
    return monday + dt.timedelta(days=step * blocks)


def facts(
    collective: Collective, now: dt.datetime, thresholds: rules.Thresholds
) -> tuple[list[rules.ContactFact], list[rules.RhythmFact]]:
    since = _window_start(now, thresholds)
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
            happened_at__gte=since,
            happened_at__lte=now,
        ).prefetch_related("organisations")
    ]
    rhythms = [
        rules.RhythmFact(
            id=r.pk,
            organisations=frozenset(o.pk for o in r.organisations.all()),
            modes=frozenset(r.modes),
            period=r.period,
            # Judged only within the window whose contacts are loaded (earlier periods
            # would look missed for want of their contacts), from a period start of the
            # rhythm's own grid so its periods and keys do not move as the window does.
            starts_on=_judged_from(r, timezone.localdate(since)),
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
    if created:
        collective_changed(collective.pk)  # they wait on the organisations' home pages
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


def _people_by_organisation(collective: Collective) -> dict[int, list[Any]]:
    """The active people who act for each member organisation (one query)."""
    from collectives.models import Membership
    from relationships.services import ACTING_ROLES

    found: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        collective=collective,
        role__in=ACTING_ROLES,
        organisation__isnull=False,
        user__is_active=True,
    ).select_related("user"):
        found.setdefault(m.organisation_id, []).append(m.user)  # type: ignore[arg-type]
    return found


def nudges_notify(*, collective: Collective, nudges: list[Nudge], now: dt.datetime) -> int:
    """Tell the people of each nudge's organisations about it, in the app and by e-mail as
    each prefers (at once, in the daily or weekly digest, or not at all). Once per person
    and nudge, however often it is called. Returns how many notifications were recorded."""
    from notifications.services import notify

    if not nudges:
        return 0
    people = _people_by_organisation(collective)
    path = reverse("relationships:nudges", args=[collective.slug])
    recorded = 0
    for nudge in nudges:
        users = {
            user.pk: user
            for organisation in nudge.organisations.all()
            for user in people.get(organisation.pk, [])
        }
        recorded += len(
            notify(
                users=users.values(),
                collective=collective,
                key=f"nudge:{nudge.pk}",
                subject=nudge.text[:250],
                body=f"{nudge.text}\n\nBook the contact, or dismiss or snooze the nudge if it "
                "does not apply.",
                path=path,
                now=now,
            )
        )
    return recorded


def nudges_raise_and_notify(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job: raise the nudges the rules find in every collective and tell the
    people concerned about the new ones. Each collective's nudges and notifications share
    a transaction, so a job that fails part-way and is retried raises and tells the rest;
    one collective that fails does not hold up the others."""
    now = now or timezone.now()
    raised = told = 0
    failed: Exception | None = None
    for collective in Collective.objects.order_by("pk"):
        try:
            with transaction.atomic():
                created = nudges_refresh(collective=collective, now=now)
                created = list(
                    Nudge.objects.filter(pk__in=[n.pk for n in created]).prefetch_related(
                        "organisations"
                    )
                )
                told += nudges_notify(collective=collective, nudges=created, now=now)
        except Exception as error:
            logger.exception("Could not raise the nudges of collective %s", collective.pk)
            failed = failed or error
            continue
        raised += len(created)
    if failed is not None:
        raise failed  # so the job is retried for the collectives that failed
    return {"raised": raised, "notified": told}
