"""The API's one exception handler (REST_FRAMEWORK's EXCEPTION_HANDLER).

Services raise Django's exceptions, and the API views let them through. This turns them into
DRF's answers, in one place:

- a ValidationError is a 400 that names the fields (`non_field_errors` when it names none),
  and so is a body that cannot be read (DRF's ParseError): every 400 has that one shape;
  Where a request names a field differently from the service, the view lists the renames in
  `service_fields` (the service's name to the request's);
- a PermissionDenied is a 403 with its message, and an Http404 a 404 (DRF's own handler,
  which this one ends in, does both);
- a request refused for want of credentials is counted against the view's throttles first:
  DRF checks permissions before throttles, so it would never be counted otherwise. Past the
  anonymous rate it is a 429 with Retry-After, not a 401.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import exceptions, views
from rest_framework.response import Response


def _validation_error(exc: ValidationError, view: Any) -> exceptions.ValidationError:
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    renames: dict[str, str] = getattr(view, "service_fields", {})
    return exceptions.ValidationError(
        {renames.get(name, name): messages for name, messages in exc.message_dict.items()}
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    view, request = context.get("view"), context.get("request")
    if isinstance(exc, ValidationError):
        exc = _validation_error(exc, view)
    elif isinstance(exc, exceptions.NotAuthenticated) and view is not None and request is not None:
        try:
            view.check_throttles(request)
        except exceptions.Throttled as throttled:
            exc = throttled
    response = views.exception_handler(exc, context)
    if response is not None and response.status_code == 400 and set(response.data) == {"detail"}:
        # A body that is not JSON at all (DRF's ParseError) is refused in the one shape of
        # every 400: the request as a whole, under non_field_errors.
        response.data = {"non_field_errors": [str(response.data["detail"])]}
    return response
