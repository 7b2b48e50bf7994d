"""What every page's shell needs: the person's collectives, navigation and attention count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alliance.jinja2 import url
from collectives.models import Role
from collectives.selectors import memberships_for_user
from home.attention import attention_for_request

#: Who sees a section in the header: everyone, members but not guests (system partners), or
#: convenors only.
EVERYONE, MEMBERS, CONVENORS = "everyone", "members", "convenors"

# (section, label, route, who sees it), in the order the header shows them: the day's work
# first (deciding, telling every practice, relationships, shared services), then the people
# and the records. NHS.UK's header folds the items that do not fit into "More".
SECTIONS = [
    ("home", "Home", "home:collective", EVERYONE),
    ("proposals", "Proposals", "decisions:proposals", EVERYONE),
    ("decisions", "Decisions", "decisions:log", EVERYONE),
    ("briefings", "Golden thread", "golden_thread:briefings", EVERYONE),
    ("relationships", "Relationships", "relationships:overview", EVERYONE),
    ("surveys", "Trust surveys", "surveys:rounds", EVERYONE),
    ("shared_services", "Shared services", "shared_services:services", MEMBERS),
    ("who_does_what", "Who does what", "shared_services:matrix", MEMBERS),
    ("sustainability", "Sustainability", "sustainability:overview", MEMBERS),
    ("system", "Whole system", "system:overview", MEMBERS),
    ("members", "Members", "collectives:members", EVERYONE),
    ("organisations", "Organisations", "collectives:organisations", EVERYONE),
    ("about", "Who we are", "golden_thread:about", EVERYONE),
    ("notifications", "Notifications", "notifications:inbox", EVERYONE),
    ("directory", "Directory", "directory:search", EVERYONE),
    ("invitations", "Invitations", "collectives:invitations", CONVENORS),
    ("audit", "Audit log", "audit:log", CONVENORS),
    ("settings", "Settings", "collectives:settings", CONVENORS),
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
        for key, label, route, audience in SECTIONS:
            if audience == CONVENORS and current.role != Role.CONVENOR:
                continue
            if audience == MEMBERS and current.role == Role.GUEST:
                continue
            href = url(route) if key == "directory" else url(route, slug)
            item = {"href": href, "active": section == key}
            item.update({"html": home_html} if key == "home" else {"text": label})
            navigation.append(item)
    return {"shell": {"memberships": memberships, "current": current, "navigation": navigation}}
