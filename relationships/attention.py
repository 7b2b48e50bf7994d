"""'What needs your attention' from the habits, in at most two queries:

- the open nudges (neither dismissed nor snoozed) about the person's organisation;
- the open asks for help the person's organisation could answer: to everyone or to it,
  not its own.

Only for people who act for a member organisation (they can dismiss a nudge or offer help);
each list shows at most SHOWN items and then one that links to the whole list.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from collectives.models import Membership
from home.attention import AttentionItem
from relationships.models import Ask, AskStatus
from relationships.nudges import open_nudges_for
from relationships.services import ACTING_ROLES

#: Nudges, and asks, listed one by one; more than this are summed up in one item.
SHOWN = 5


def _shorten(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def habits_needing_you(membership: Membership) -> list[AttentionItem]:
    own = membership.organisation_id
    if own is None or membership.role not in ACTING_ROLES:
        return []
    slug = membership.collective.slug
    items: list[AttentionItem] = []
    nudges = list(
        open_nudges_for(
            collective=membership.collective_id, organisation_id=own, now=timezone.now()
        )[: SHOWN + 1]
    )
    nudges_href = reverse("relationships:nudges", args=[slug])
    for nudge in nudges[:SHOWN]:
        items.append(
            AttentionItem(
                title=nudge.text,
                description="A prompt from the habits your collective agreed. Make the "
                "contact, or dismiss or snooze the nudge if it does not apply.",
                href=nudges_href,
                action="See the nudge",
            )
        )
    if len(nudges) > SHOWN:
        items.append(
            AttentionItem(
                title="More nudges for your organisation",
                description="There are more open nudges than are listed here.",
                href=nudges_href,
                action="See every nudge",
            )
        )
    asks = list(
        Ask.objects.filter(collective_id=membership.collective_id, status=AskStatus.OPEN)
        .filter(Q(to_everyone=True) | Q(addressed_to=own))
        .exclude(organisation_id=own)
        .select_related("organisation")
        .distinct()
        .order_by("-asked_at", "-id")[: SHOWN + 1]
    )
    for ask in asks[:SHOWN]:
        by = f" by {ask.needed_by:%-d %B %Y}" if ask.needed_by else ""
        items.append(
            AttentionItem(
                title=f"{ask.organisation.name} asks for help: {_shorten(ask.what)}",
                description=f"Help is needed{by}. Asking builds trust; so does answering. "
                "Offer help if your organisation can.",
                href=reverse("relationships:ask", args=[slug, ask.pk]),
                action="Offer help",
            )
        )
    if len(asks) > SHOWN:
        items.append(
            AttentionItem(
                title="More asks for help",
                description="Other organisations have asked for more help than is listed here.",
                href=reverse("relationships:asks", args=[slug]),
                action="See every ask",
            )
        )
    return items
