"""What every page's shell needs: the person's collectives, navigation and attention count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from collectives.models import Role
from collectives.selectors import memberships_for_user
from home.attention import attention_items


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shell": {}}
    current = getattr(request, "membership", None)
    memberships = list(memberships_for_user(user=user))
    navigation: list[dict[str, Any]] = []
    if current is not None:
        slug = current.collective.slug
        count = len(attention_items(current))
        section = getattr(request, "section", "")
        home_html = "Home" + (
            f' <span class="app-count" aria-label="{count} item{"s" if count != 1 else ""} '
            f'need your attention">{count}</span>'
            if count
            else ""
        )
        navigation = [
            {
                "html": home_html,
                "href": reverse("home:collective", args=[slug]),
                "active": section == "home",
            },
            {
                "text": "Members",
                "href": reverse("collectives:members", args=[slug]),
                "active": section == "members",
            },
            {
                "text": "Organisations",
                "href": reverse("collectives:organisations", args=[slug]),
                "active": section == "organisations",
            },
        ]
        if current.role == Role.CONVENOR:
            navigation += [
                {
                    "text": "Invitations",
                    "href": reverse("collectives:invitations", args=[slug]),
                    "active": section == "invitations",
                },
                {
                    "text": "Audit log",
                    "href": reverse("audit:log", args=[slug]),
                    "active": section == "audit",
                },
                {
                    "text": "Settings",
                    "href": reverse("collectives:settings", args=[slug]),
                    "active": section == "settings",
                },
            ]
    return {"shell": {"memberships": memberships, "current": current, "navigation": navigation}}
