"""Every request that can write marks the collectives of the person who made it changed."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from alliance.changes import collective_changed
from collectives.selectors import collectives_for_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _their_collectives(request: HttpRequest) -> set[int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return set()
    return set(collectives_for_user(user=user).values_list("pk", flat=True))


class CollectiveChangesMiddleware:
    """The safety net under alliance.changes: a write the audit log does not keep (an answer,
    a position, a notification read) still refreshes what the collective's pages cache. It
    counts the collectives before the request (someone who leaves) and after it (someone
    who joins, or whom an API token signed in inside the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        before = _their_collectives(request)
        response = self.get_response(request)
        collective_changed(*sorted(before | _their_collectives(request)))
        return response
