"""'What needs your attention' from system meetings, for the leadership group: a system
meeting within 7 days with conversations beforehand not done. The GP leader who is to have
one of them is told which are theirs. Two queries (is the member in the leadership group,
and the open conversations)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from collectives.models import Membership
from home.attention import AttentionItem
from system import access
from system import selectors_meetings as selectors

#: How far ahead a meeting's open preparation is brought to the home page.
DAYS_AHEAD = 7


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def meetings_needing_you(
    membership: Membership, *, now: dt.datetime | None = None
) -> list[AttentionItem]:
    """Register with home.attention.register (in SystemConfig.ready)."""
    if not access.may_see_preparation(membership):
        return []
    now = now or timezone.now()
    slug = membership.collective.slug
    items: list[AttentionItem] = []
    for prep in selectors.meetings_with_prep_open(
        membership.collective_id, user_id=membership.user_id, now=now, days=DAYS_AHEAD
    ):
        meeting = prep.meeting
        local = timezone.localtime(meeting.starts_at)
        when = f"{local:%A} {local.day} {local:%B}"
        open_ = _plural(prep.open, "conversation")
        if prep.yours:
            names = "; ".join(selectors.stakeholder_label(c.stakeholder) for c in prep.yours)
            title = f"Have your conversations before {meeting.series.name} on {when}"
            description = (
                f"{open_} planned before the meeting {'is' if prep.open == 1 else 'are'} not "
                f"done; {len(prep.yours)} {'is' if len(prep.yours) == 1 else 'are'} yours: "
                f"{names}."
            )
        else:
            title = f"Prepare for {meeting.series.name} on {when}"
            description = (
                f"{open_} planned before the meeting {'is' if prep.open == 1 else 'are'} not "
                "done yet."
            )
        items.append(
            AttentionItem(
                title=title,
                description=description,
                href=reverse("system:meeting", args=[slug, meeting.pk]),
                action="See the preparation",
            )
        )
    return items
