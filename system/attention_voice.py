"""'What needs your attention' from the provider voice, in one or two queries: a need your
practice raised or supported that has an outcome (a negotiation's, or the leadership group
setting it aside).

The rule for "seen": an outcome is shown for OUTCOME_SHOWN_FOR after it was recorded, to the
people of each practice that raised or supported the need (its representatives, deputies
and members). Nothing is stored per person; the day turning refreshes the kept items
(alliance.changes), so an outcome drops off the home page on its own.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from collectives.models import Membership
from home.attention import AttentionItem
from system.selectors_voice import PRACTICE_ROLES, outcomes_for_practice

#: How long an outcome stays on the home page of the practices behind the need.
OUTCOME_SHOWN_FOR = dt.timedelta(days=30)
#: Outcomes listed one by one; more are summed up in one item.
SHOWN = 3


def needs_for_you(membership: Membership, now: dt.datetime | None = None) -> list[AttentionItem]:
    if membership.role not in PRACTICE_ROLES or membership.organisation_id is None:
        return []
    now = now or timezone.now()
    found = outcomes_for_practice(
        collective_id=membership.collective_id,
        organisation_id=membership.organisation_id,
        since=now - OUTCOME_SHOWN_FOR,
    )
    slug = membership.collective.slug
    items = [
        AttentionItem(
            title=f"What happened to what you raised: {need.title}",
            description=_short(need.outcome),
            href=reverse("system:need", args=[slug, need.pk]),
            action="See the outcome",
        )
        for need in found[:SHOWN]
    ]
    if len(found) > SHOWN:
        more = len(found) - SHOWN
        items.append(
            AttentionItem(
                title=f"{more} more need{'s' if more > 1 else ''} your practice is behind "
                f"{'have' if more > 1 else 'has'} an outcome",
                description="See what happened to everything your practice raised or supported.",
                href=reverse("system:practice_needs", args=[slug, membership.organisation_id]),
                action="See them",
            )
        )
    return items


def _short(text: str, most: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
