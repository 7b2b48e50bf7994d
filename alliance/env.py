"""Typed readers for settings that come from environment variables.

Each helper fails loudly on a value it cannot understand, so a typo in a deployment's
environment stops the process at start-up instead of quietly falling back to a default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, object]:
    """EMAIL_URL as Django mail settings.

    smtp://user:password@host:25 (plain), submission://...:587 (STARTTLS),
    smtps://...:465 (TLS), console:// (print to the terminal), locmem://, dummy://.
    Add ?tls=true to an smtp:// URL for STARTTLS.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_BACKENDS:
        known = ", ".join(f"{s}://" for s in _EMAIL_BACKENDS)
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {known}; got {url!r}")
    query = parse_qs(parts.query)
    default_port = {"smtps": 465, "submission": 587}.get(parts.scheme, 25)
    return {
        "EMAIL_BACKEND": _EMAIL_BACKENDS[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "submission"
        or query.get("tls", ["false"])[0].lower() in _TRUE,
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }
