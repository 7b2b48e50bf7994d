"""The relationship-health overview and the collective timeline (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("Not built yet.")


def overview(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def timeline(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)
