"""'What needs your attention' from whole-system working: a key relationship of yours that
has gone cold (its nudge, neither dismissed nor snoozed), in at most three queries. Register
`cold_relationships_for_you` with home.attention in SystemConfig.ready."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from collectives.models import Membership, Role
from home.attention import AttentionItem
from system.nudges import open_cold_nudges_for

#: Cold relationships listed one by one; more are summed up in one item.
SHOWN = 5


def cold_relationships_for_you(
    membership: Membership, *, now: dt.datetime | None = None
) -> list[AttentionItem]:
    if membership.role == Role.GUEST:
        return []
    found = open_cold_nudges_for(membership, now=now)
    if not found:
        return []
    href = reverse("relationships:nudges", args=[membership.collective.slug])
    items = [
        AttentionItem(
            title=nudge.text,
            description="A key relationship of yours has gone cold. Book a coffee or a call, "
            "or snooze the nudge until a date that suits you.",
            href=href,
            action="See the nudge",
        )
        for nudge, _ in found[:SHOWN]
    ]
    if len(found) > SHOWN:
        items.append(
            AttentionItem(
                title=f"{len(found) - SHOWN} more of your key relationships have gone cold",
                description="See every nudge for you.",
                href=href,
                action="See every nudge",
            )
        )
    return items
