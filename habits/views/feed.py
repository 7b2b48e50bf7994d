"""The private iCalendar feed of a person's rhythms (being built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404("Not built yet.")
