"""Rhythm pages and the calendar feed (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("Not built yet.")


def rhythms(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def rhythm_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def feed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def rhythm_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def rhythm_end(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)
