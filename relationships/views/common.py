"""What the relationships pages share: the breadcrumbs and who may act."""

from __future__ import annotations

from django.urls import reverse

from collectives.models import Membership
from relationships.services import ACTING_ROLES


def crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """The collective, the relationships overview, then (text, href) pairs."""
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Relationships", "href": reverse("relationships:overview", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def acts(membership: Membership) -> bool:
    """Whether the person may record for an organisation (not an observer or guest)."""
    return membership.role in ACTING_ROLES
