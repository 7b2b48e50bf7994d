from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from collectives.access import memberships_with_current, require_convenor

SESSION_KEY = "collective_slug"


def collective_page(
    section: str, *, convenor_only: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve /c/<slug>/ to the user's membership (404 for outsiders) and pass it on.

    The view receives the membership as its second argument; the page shell reads it from
    the request to draw the collective bar and navigation.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            memberships, membership = memberships_with_current(request.user, slug)
            if convenor_only:
                require_convenor(membership)
            request.memberships = memberships  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            request.section = section  # type: ignore[attr-defined]
            if request.session.get(SESSION_KEY) != slug:  # no session write on every page
                request.session[SESSION_KEY] = slug
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def outside_collective_page(
    section: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For pages that belong to no collective (the directory): keep the header showing the
    collective the person used last, so they can find their way back."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from collectives.models import Membership

            memberships = Membership.objects.filter(user_id=request.user.pk or 0).select_related(
                "collective", "organisation", "user"
            )
            last = request.session.get(SESSION_KEY)
            request.membership = (  # type: ignore[attr-defined]
                memberships.filter(collective__slug=last).first()
                or memberships.order_by("collective__name").first()
            )
            request.section = section  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
