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


#: A path parameter filled from a field of the object a response returns.
LINKED_FIELDS = {"id": "id", "slug": "slug", "ods_code": "ods_code"}


def _properties(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema.get("properties", {})


def _returned(response: dict[str, Any], components: dict[str, Any]) -> tuple[str, set[str]]:
    """Where in the body the returned object is (``""`` for the body itself, ``"/results/0"``
    for a list's first), and the fields it has."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    properties = _properties(schema, components)
    if "results" in properties and "items" in properties["results"]:
        return "/results/0", set(_properties(properties["results"]["items"], components))
    if schema.get("type") == "array" and "items" in schema:
        return "/0", set(_properties(schema["items"], components))
    return "", set(properties)


def link_objects_to_their_operations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """OpenAPI links from an operation that returns an object (a POST's 201, a list's first
    row) to each operation on that object: `POST .../proposals/` links to
    `GET .../proposals/{id}/`, `.../move/` and so on, the new path parameter taken from the
    returned object and the others from the request. A client generator (and schemathesis's
    stateful phase) follows them from creation to reading, changing and deleting."""
    components = result.get("components", {}).get("schemas", {})
    paths = result.get("paths", {})
    for path, operations in paths.items():
        for method, status in (("get", "200"), ("post", "201")):
            response = operations.get(method, {}).get("responses", {}).get(status)
            if response:
                links = _links(path, *_returned(response, components), paths)
                if links:
                    response["links"] = links
    return result


def _links(
    path: str, where: str, fields: set[str], paths: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The links from an object returned at ``path`` to the operations under `path{field}/`
    that need nothing else (an item of a proposal needs the item's id too: not linked)."""
    links: dict[str, dict[str, Any]] = {}
    above = {name[1:-1] for name in path.split("/") if name[:1] == "{"}
    for child, operations in paths.items():
        if child == path or not child.startswith(path + "{"):
            continue
        parameter = child[len(path) + 1 :].split("}", 1)[0]
        field = LINKED_FIELDS.get(parameter)
        if field is None or field not in fields:
            continue
        for target in operations.values():
            wanted = {p["name"] for p in target.get("parameters", []) if p.get("in") == "path"}
            if "operationId" in target and wanted <= above | {parameter}:
                values = {name: f"$request.path.{name}" for name in wanted - {parameter}}
                values[parameter] = f"$response.body#{where}/{field}"
                links.setdefault(
                    target["operationId"],
                    {"operationId": target["operationId"], "parameters": values},
                )
    return links
