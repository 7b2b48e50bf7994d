"""The private iCalendar feed of a person's rhythms: public, opened by the secret in its URL
(only the secret's hash is kept). An unknown or revoked secret, or one of someone no longer
active, is a plain 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from relationships import feed as calendar
from relationships.services import calendar_feed_for_token


@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    found = calendar_feed_for_token(token)
    if found is None:
        raise Http404("No such calendar feed.")
    response = HttpResponse(
        calendar.feed_ics(found, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = 'inline; filename="rhythms.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
