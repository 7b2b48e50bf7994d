"""What every API module shares: running a domain service, and reading input.

A service's PermissionDenied becomes a 403 and its ValidationError a 400 that names the
fields (``renames`` maps a service's field names to the request's where they differ).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.request import Request

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


def valid_input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body, checked: a bad field is a 400 naming it."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def valid_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query string's filters, checked: a bad one is a 400 naming it."""
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
