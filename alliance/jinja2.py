"""The Jinja2 environment for the service's pages (NHS.UK frontend macros included)."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script
from jinja2 import (
    BaseLoader,
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    PackageLoader,
    TemplateNotFound,
)
from markupsafe import Markup

from alliance.memo import BoundedMemo, Unmemoisable, freeze


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """reverse(), remembered: a page asks for the same few dozen addresses every time."""
    if all(type(a) in (str, int) for a in (*args, *kwargs.values())):
        return _reversed(get_script_prefix(), name, args, tuple(sorted(kwargs.items())))
    return reverse(name, args=args or None, kwargs=kwargs or None)


@functools.lru_cache(maxsize=4096)
def _reversed(prefix: str, name: str, args: tuple[Any, ...], kwargs: tuple[Any, ...]) -> str:
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


def local_datetime(value: Any, fmt: str = "j F Y, H:i") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


def _markdown(text: str) -> Any:
    from alliance.markdown import render_markdown

    return render_markdown(text)


_COMPONENT_MACRO = re.compile(r"nhsuk/components/[a-z-]+/macro\.jinja")
_INCLUDE = re.compile(r'\{%-? include "(nhsuk/components/[a-z-]+/template\.jinja)" -?%\}')


class MemoisedComponents(BaseLoader):
    """nhsuk-frontend-jinja's component macros, each drawing a given set of params once.

    A component is a pure function of its params, and drawing the NHS.UK header or a table
    through the official templates costs milliseconds, on every page, for the same output. So
    each `<component>/macro.jinja` is served with its include replaced by a call to
    `_nhsuk_component`, which keeps what each distinct params drew (alliance.memo). A call
    with a caller block, whose output depends on the caller, includes the template as before.
    """

    def __init__(self, package: BaseLoader) -> None:
        self.package = package

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        if not _COMPONENT_MACRO.fullmatch(template):
            raise TemplateNotFound(template)
        source, filename, uptodate = self.package.get_source(environment, template)
        source = _INCLUDE.sub(
            lambda include: (
                "{%- if caller -%}" + include.group(0) + "{%- else -%}"
                f"{{{{ _nhsuk_component({include.group(1)!r}, params) }}}}" + "{%- endif -%}"
            ),
            source,
        )
        return source, filename, uptodate


_drawn = BoundedMemo(max_chars=8_000_000)


def _component(environment: Environment) -> Any:
    def draw(name: str, params: Any) -> Markup:
        def render() -> Markup:
            # What an autoescaping template drew is already escaped, as the include's was.
            return Markup(environment.get_template(name).render(params=params))  # noqa: S704

        try:
            key = (name, freeze(params))
        except Unmemoisable:
            return render()
        return _drawn.get_or_make(key, render)

    return draw


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(autoescape=True, **options)
    # Our templates first, then the official NHS.UK frontend macros.
    package = PackageLoader("nhsuk_frontend_jinja")
    env.loader = ChoiceLoader([MemoisedComponents(package), *([loader] if loader else []), package])
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "json_script": json_script,
            "markdown": _markdown,
            "_nhsuk_component": _component(env),
            "settings": {"SERVICE_NAME": settings.SERVICE_NAME, "NHS_LOGO": settings.NHS_LOGO},
        }
    )
    env.filters.update({"datetime": local_datetime, "naturaltime": naturaltime})
    return env
