"""The whole-system landing page: where general practice stands with the system, and the
way to each part, for what the reader may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_safe

from collectives.decorators import collective_page
from collectives.models import Membership
from system import access, selectors_overview
from system.views.common import SECTION, crumbs


@require_safe
@collective_page(SECTION)
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    leadership = access.is_leadership(membership)
    sees = access.may_see_stakeholders(membership)
    return render(
        request,
        "system/overview.html",
        {
            "title": "Whole-system working",
            "membership": membership,
            "breadcrumbs": crumbs(membership)[:1],  # the page is whole-system working
            "leadership": leadership,
            "sees_stakeholders": sees,
            "is_convenor": membership.is_convenor,
            "figures": selectors_overview.overview(
                membership.collective_id,
                user_id=membership.user_id,
                sees_stakeholders=sees,
                now=timezone.now(),
            ),
        },
    )


routes: list[URLPattern] = [path("c/<slug:slug>/system/", overview, name="overview")]
