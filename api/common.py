"""Running a domain service from the API (until each app's API lets the handler do it).

A service's PermissionDenied becomes a 403 and its ValidationError a 400 that names the
fields (``renames`` maps a service's field names to the request's where they differ).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions as drf_exceptions

from alliance.api import valid_input, valid_query

__all__ = ["call_service", "valid_input", "valid_query"]

T = TypeVar("T")


def call_service(
    write: Callable[..., T], *, renames: dict[str, str] | None = None, **kwargs: Any
) -> T:
    try:
        return write(**kwargs)
    except PermissionDenied as exc:
        raise drf_exceptions.PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail: dict[str, list[str]] = {
                (renames or {}).get(name, name): messages
                for name, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        raise drf_exceptions.ValidationError(detail) from None
