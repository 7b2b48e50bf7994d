"""The relationship-health overview (the section's landing page) and the collective timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from alliance.changes import cached
from collectives.decorators import collective_page
from collectives.models import ORGANISATION_ROLES, Membership
from relationships.selectors import overview as read
from surveys import results

PER_PAGE = 25
MAX_PAGES = 40


def _crumbs(membership: Membership) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Relationships", "href": reverse("relationships:overview", args=[slug])},
    ]


@collective_page("relationships")
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    collective = membership.collective
    now = timezone.now()
    year_ago = now - dt.timedelta(days=365)

    def figures() -> tuple[Any, Any, Any]:
        # The collective's own figures, alike for every member: kept until it changes.
        return (
            read.trust_over_time(collective=collective),
            read.mode_mix_by_month(collective=collective, now=now, asks_since=year_ago),
            read.rhythms_kept(collective=collective, now=now),
        )

    points, (months, (answered, asked)), rhythms = cached(
        "relationships-overview", collective.pk, (), figures
    )
    kept = sum(r.kept for r in rhythms)
    judged = kept + sum(r.missed for r in rhythms)
    # A pair's trust is its two organisations' to see, when both agreed to share their views:
    # the page shows those who speak for an organisation its own relationships only.
    speaks_for = membership.organisation if membership.role in ORGANISATION_ROLES else None
    changes = read.pair_changes(collective=collective, organisation=speaks_for, points=points)
    return render(
        request,
        "relationships/overview.html",
        {
            "title": "Relationship health",
            "membership": membership,
            "points": points,
            "trust_chart": results.trend_chart(points, 1, 4),
            "reason": results.reason,
            "speaks_for": speaks_for,
            "months": months,
            "mix_chart": read.mode_mix_chart(months),
            "rhythms": rhythms,
            "rhythms_kept": kept,
            "rhythms_judged": judged,
            "rhythms_share": read.share(kept, judged),
            "asks_answered": answered,
            "asks_made": asked,
            "asks_share": read.share(answered, asked),
            "first_round": points[-2].survey if len(points) > 1 else None,
            "second_round": points[-1].survey if points else None,
            "changes": changes,
            "scatter": read.scatter_chart(changes),
            "no_cause": read.NO_CAUSE,
            "breadcrumbs": [
                *_crumbs(membership)[:1],
                {"text": "Relationships", "href": request.path},
            ],
        },
    )


@collective_page("relationships")
def timeline(request: HttpRequest, membership: Membership) -> HttpResponse:
    try:
        page = max(1, min(MAX_PAGES, int(request.GET.get("page", "1"))))
    except ValueError:
        page = 1
    events = read.timeline(
        collective=membership.collective, now=timezone.now(), limit=page * PER_PAGE + 1
    )
    shown = events[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render(
        request,
        "relationships/timeline.html",
        {
            "title": "Timeline",
            "membership": membership,
            "events": shown,
            "page": page,
            "has_previous": page > 1,
            "has_next": len(events) > page * PER_PAGE and page < MAX_PAGES,
            "breadcrumbs": [
                *_crumbs(membership),
                {"text": "Timeline", "href": request.path},
            ],
        },
    )
