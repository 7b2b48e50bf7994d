"""The API documentation page, drawn from the OpenAPI schema in the NHS.UK style.

Swagger UI and Redoc fail axe-core (nested interactive controls, low contrast) and need
inline styles; this page is plain HTML from the same schema that /api/v1/schema/ serves.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " & ".join(_type(s) for s in schema["allOf"])
    if "oneOf" in schema:
        return " or ".join(_type(s) for s in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: one of {', '.join(str(v) for v in schema['enum'] if v)}"
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def _body(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    first = next(iter(content.values()))
    return _type(first.get("schema", {}))


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operations.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "request": _body(operation.get("requestBody", {}).get("content")),
                    "responses": [
                        {
                            "code": code,
                            "description": r.get("description", ""),
                            "body": _body(r.get("content")),
                        }
                        for code, r in operation.get("responses", {}).items()
                    ],
                }
            )
    return operations


def _components(schema: dict[str, Any]) -> list[dict[str, Any]]:
    components = []
    for name, definition in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(definition.get("required", []))
        components.append(
            {
                "name": name,
                "description": definition.get("description", ""),
                "enum": definition.get("enum"),
                "properties": [
                    {
                        "name": prop,
                        "type": _type(spec),
                        "required": prop in required,
                        "read_only": spec.get("readOnly", False),
                        "nullable": spec.get("nullable", False),
                    }
                    for prop, spec in definition.get("properties", {}).items()
                ],
            }
        )
    return components


@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {
            "title": "API documentation",
            "info": schema.get("info", {}),
            "operations": _operations(schema),
            "components": _components(schema),
        },
    )
