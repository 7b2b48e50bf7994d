"""The schema tells every status an operation can answer (a drf-spectacular postprocessing
hook, SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).

drf-spectacular documents the success of each operation. The refusals come from the one
exception handler (api/exceptions.py) and DRF, the same way for every operation, so they
are added here, by what the operation has:

- 400 with `FieldErrors` (each field named, with its messages; `non_field_errors` for the
  request as a whole) when it takes a body or query parameters;
- 401 with `Error` unless it is open to anonymous callers (its security allows none);
- 403 with `Error` for signed-in callers whose role may not do it;
- 404 with `Error` when its path names a collective or a row (one that does not exist and
  one in a collective the caller is not in answer alike, so neither is revealed), and for a
  list's page past its last;
- 415 with `Error` when it takes a body, for a media type it does not read;
- 429 with `Error` and a Retry-After header, for every operation (the throttles).
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "Why the request was refused.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field that was refused, with its messages. A refusal of the request "
    "as a whole is under `non_field_errors`.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
}
WRITES = {"post", "put", "patch", "delete"}


def _json(ref: str, description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        **extra,
    }


def document_refusals(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            takes_input = method in WRITES or any(p.get("in") == "query" for p in parameters)
            anonymous = {} in operation.get("security", [{}])
            refusals: dict[str, Any] = {}
            if takes_input:
                refusals["400"] = _json("FieldErrors", "The request has errors, named by field.")
            if operation.get("requestBody"):
                refusals["415"] = _json(
                    "Error", "A body in a media type the operation does not read."
                )
            if not anonymous:
                refusals["401"] = _json("Error", "No valid token or session.")
                refusals["403"] = _json("Error", "Your role may not do this.")
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                refusals["404"] = _json(
                    "Error",
                    "No such collective or row, or not one of your collectives'; "
                    "for a list, a page past its last.",
                )
            refusals["429"] = _json(
                "Error",
                "Too many requests: wait the seconds Retry-After says.",
                headers={"Retry-After": {"schema": {"type": "integer"}}},
            )
            for status, response in refusals.items():
                responses.setdefault(status, response)
    return result
