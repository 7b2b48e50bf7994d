"""'What needs your attention' from shared services, for a practice's representative or
deputy (who answer for it), in at most two queries:

- a way of working waiting for the practice's answer;
- a local variation of the practice's that expires within 30 days;
- a service being agreed that waits on the practice to go live.
"""

from __future__ import annotations

from django.urls import reverse

from collectives.models import Membership
from home.attention import AttentionItem
from shared_services import access, selectors
from shared_services.models import Stage

#: Ways of working listed one by one; more are summed up in one item.
SHOWN = 5


def shared_services_needing_you(membership: Membership) -> list[AttentionItem]:
    practice = access.practice_spoken_for(membership)
    if practice is None:
        return []
    slug, cid = membership.collective.slug, membership.collective_id
    items: list[AttentionItem] = []
    waiting = selectors.waiting_for(cid, practice.pk)
    going_live = {w.service.pk: w.service for w in waiting if w.service.stage == Stage.AGREEING}
    for service in going_live.values():
        items.append(
            AttentionItem(
                title=f"{service.name} waits on {practice.name} to go live",
                description="The service goes live when every practice in it has agreed every "
                "way of working.",
                href=reverse("shared_services:service", args=[slug, service.pk]),
                action="See what is outstanding",
            )
        )
    for w in waiting[:SHOWN]:
        items.append(
            AttentionItem(
                title=f"Answer for {practice.name}: {w.way.title}",
                description=f"Version {w.version.number} of a way of working of {w.service.name} "
                "waits for your practice's answer.",
                href=reverse("shared_services:way_answer", args=[slug, w.way.pk]),
                action="Answer",
            )
        )
    if len(waiting) > SHOWN:
        items.append(
            AttentionItem(
                title=f"{len(waiting) - SHOWN} more ways of working wait for an answer",
                description="See everything your practice has agreed, and what waits.",
                href=reverse("shared_services:agreed", args=[slug, practice.pk]),
                action="See them",
            )
        )
    for answer in selectors.variations_expiring(cid, practice.pk):
        way = answer.version.way
        items.append(
            AttentionItem(
                title=f"{practice.name}'s variation of {way.title} ends on "
                f"{answer.variation_until:%d %B %Y}",
                description=f"After that, {way.service.name} counts your practice as not "
                "agreed: agree without it, or renew it.",
                href=reverse("shared_services:way_answer", args=[slug, way.pk]),
                action="Review the answer",
            )
        )
    return items
