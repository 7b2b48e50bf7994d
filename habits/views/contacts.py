"""Contact-log pages (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("Not built yet.")


def contacts(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def contact_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def contact_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def calendar_import(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def email_counts(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)
