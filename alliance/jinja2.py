"""The Jinja2 environment for the service's pages (NHS.UK frontend macros included)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def local_datetime(value: Any, fmt: str = "j F Y, H:i") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


def _markdown(text: str) -> Any:
    from alliance.markdown import render_markdown

    return render_markdown(text)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(autoescape=True, **options)
    # Our templates first, then the official NHS.UK frontend macros.
    env.loader = (
        ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja")])
        if loader
        else (PackageLoader("nhsuk_frontend_jinja"))
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "json_script": json_script,
            "markdown": _markdown,
            "settings": {"SERVICE_NAME": settings.SERVICE_NAME, "NHS_LOGO": settings.NHS_LOGO},
        }
    )
    env.filters.update({"datetime": local_datetime, "naturaltime": naturaltime})
    return env
