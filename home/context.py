"""What every page's shell needs: the person's collectives, navigation and attention count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alliance.jinja2 import url
from collectives.models import Role
from collectives.selectors import memberships_for_user
from home.attention import attention_for_request

# (section, label, route, convenors only), in the order the header shows them: the day's work
# first (deciding, telling every practice, relationships), then the people and the records.
# NHS.UK's header folds the items that do not fit into "More".
SECTIONS = [
    ("home", "Home", "home:collective", False),
    ("proposals", "Proposals", "decisions:proposals", False),
    ("decisions", "Decisions", "decisions:log", False),
    ("briefings", "Golden thread", "golden_thread:briefings", False),
    ("relationships", "Relationships", "relationships:overview", False),
    ("surveys", "Trust surveys", "surveys:rounds", False),
    ("members", "Members", "collectives:members", False),
    ("organisations", "Organisations", "collectives:organisations", False),
    ("about", "Who we are", "golden_thread:about", False),
    ("notifications", "Notifications", "notifications:inbox", False),
    ("directory", "Directory", "directory:search", False),
    ("invitations", "Invitations", "collectives:invitations", True),
    ("audit", "Audit log", "audit:log", True),
    ("settings", "Settings", "collectives:settings", True),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shell": {}}
    current = getattr(request, "membership", None)
    memberships = getattr(request, "memberships", None)
    if memberships is None:
        memberships = list(memberships_for_user(user=user))
    navigation: list[dict[str, Any]] = []
    if current is not None:
        slug = current.collective.slug
        section = getattr(request, "section", "")
        count = len(attention_for_request(request, current))
        home_html = "Home" + (
            f' <span class="app-count" aria-label="{count} item{"s" if count != 1 else ""} '
            f'need your attention">{count}</span>'
            if count
            else ""
        )
        for key, label, route, convenor_only in SECTIONS:
            if convenor_only and current.role != Role.CONVENOR:
                continue
            href = url(route) if key == "directory" else url(route, slug)
            item = {"href": href, "active": section == key}
            item.update({"html": home_html} if key == "home" else {"text": label})
            navigation.append(item)
    return {"shell": {"memberships": memberships, "current": current, "navigation": navigation}}
