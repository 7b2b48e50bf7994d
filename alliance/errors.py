"""What an address that matches no route (404), or a request Django refuses before any view
(400: too many fields, a malformed body), answers: the API's own shapes under /api/, the
NHS.UK pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import bad_request, page_not_found


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def refused(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"non_field_errors": ["The request could not be read."]}, status=400)
    return bad_request(request, exception)
