"""An API request's query string holds only the parameters its operation has: any other is
a 400 naming it. Otherwise a mistyped filter (`?stauts=open`) would be ignored without a
word, and the client would take the whole list for the filtered one.

What each operation takes is read from the OpenAPI schema itself, once per process, so the
rule and the documentation cannot disagree.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission

#: The query parameters every API operation accepts (DRF's format override).
ALWAYS = frozenset({"format"})


@functools.cache
def declared_query_parameters() -> dict[tuple[str, str], frozenset[str]]:
    """(schema path, METHOD) -> the query parameters the schema gives that operation."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper()): frozenset(
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter.get("in") == "query"
        )
        | ALWAYS
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def schema_path(route: str) -> str:
    """The schema's path for a URL route: `api/v1/collectives/<slug:slug>/x/<id:pk>/` is
    `/api/v1/collectives/{slug}/x/{id}/` (drf-spectacular calls a `pk` `id`)."""
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)
    return "/" + path.replace("{pk}", "{id}")


class KnownQueryParameters(BasePermission):
    """A DRF permission (after IsAuthenticated in DEFAULT_PERMISSION_CLASSES, so that an
    anonymous caller hears 401 first): a query parameter the operation does not have is a
    400 naming it. The same for a row that exists and one that does not: it reveals
    nothing."""

    def has_permission(self, request: Any, view: Any) -> bool:
        match = request.resolver_match
        if match is None:
            return True
        allowed = declared_query_parameters().get((schema_path(match.route), request.method))
        if allowed is None:  # not an operation of the schema
            return True
        unknown = [name for name in request.query_params if name not in allowed]
        if unknown:
            message = (
                f"This operation has no such parameter. It takes: {', '.join(sorted(allowed))}."
                if allowed - ALWAYS
                else "This operation takes no query parameters."
            )
            raise ValidationError({name: [message] for name in unknown})
        return True
