"""What every app's API shares: reading a request's body and query string, checked.

Service errors need no wrapper: services raise Django's ValidationError and PermissionDenied,
and the API's one exception handler (api.exceptions) turns them into 400 and 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


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
