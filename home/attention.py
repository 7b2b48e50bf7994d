"""'What needs your attention': each capability registers a provider of items.

A provider takes the person's membership of the current collective and returns the items
that wait for them. Later apps add theirs (a survey to answer, a position to state, a
briefing to acknowledge, a nudge) by calling register() from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from alliance.changes import cached
from collectives.models import Membership


@dataclass(frozen=True)
class AttentionItem:
    title: str
    description: str
    href: str
    action: str


Provider = Callable[[Membership], list[AttentionItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def attention_items(membership: Membership) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _providers:
        items.extend(provider(membership))
    return items


def attention_for_request(request: Any, membership: Membership) -> list[AttentionItem]:
    """The items for this request's membership. Every page's header shows how many there
    are, so they are kept (alliance.changes) until something in the collective changes."""
    kept = getattr(request, "_attention_items", None)
    if kept is None or kept[0] != membership.pk:
        whose = (membership.pk, membership.user_id, membership.role, membership.organisation_id)
        items = cached(
            "attention", membership.collective_id, whose, partial(attention_items, membership)
        )
        kept = (membership.pk, items)
        request._attention_items = kept
    return kept[1]
