"""Nudges, asks for help and put-it-right pages (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("Not built yet.")


def nudges(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def nudge_action(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def asks(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def ask_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def ask_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def put_it_rights(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def put_it_right_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)


def put_it_right_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _not_yet(request)
