"""What the golden-thread pages share."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from collectives.models import Membership
from golden_thread import services
from golden_thread.models import Briefing


def crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Golden thread", "href": reverse("golden_thread:briefings", args=[slug])},
        *({"text": t, "href": h} for t, h in extra),
    ]


def url_of(membership: Membership, briefing: Briefing, name: str = "briefing") -> str:
    return reverse(f"golden_thread:{name}", args=[membership.collective.slug, briefing.pk])


def readability_for(membership: Membership, text: str) -> Any:
    return services.readability_of(text, membership.collective)
