from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from collectives.decorators import SESSION_KEY, collective_page
from collectives.models import Membership
from collectives.selectors import memberships_for_user
from home.attention import attention_for_request


def index(request: HttpRequest) -> HttpResponse:
    """Send the person to the collective they used last, or their first."""
    memberships = list(memberships_for_user(user=request.user))
    last = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.collective.slug == last), None) or next(
        iter(memberships), None
    )
    if chosen is None:
        return render(
            request, "home/no_collective.html", {"title": "You are not in a collective yet"}
        )
    return redirect("home:collective", chosen.collective.slug)


@collective_page("home")
def collective_home(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(
        request,
        "home/collective.html",
        {
            "title": membership.collective.name,
            "membership": membership,
            "collective": membership.collective,
            "items": attention_for_request(request, membership),
        },
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "home/accessibility.html", {"title": "Accessibility statement"})
