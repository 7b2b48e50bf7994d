"""What every app's API shares: reading a request's body and query string, checked, and
documenting a choice field's values.

Service errors need no wrapper: services raise Django's ValidationError and PermissionDenied,
and the API's one exception handler (api.exceptions) turns them into 400 and 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from alliance.converters import ID_MAX


def valid_input(
    serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """The request body, checked: a bad field is a 400 naming it. ``partial`` (a PATCH)
    leaves out the fields not sent, defaults included."""
    data = serializer_class(data=request.data, partial=partial)
    text_errors = _text_errors(data, request.data)
    if text_errors:
        raise serializers.ValidationError(text_errors)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _text_errors(serializer: serializers.Serializer, data: Any) -> dict[str, Any]:
    """The text fields given a number, a true or false or a list (DRF would turn a number
    into its digits), or longer than their limit with the spaces around them: the schema
    says a string of at most so many characters, and a client sending anything else has
    made a mistake it should hear about. A null is left to the field (allowed or not)."""
    errors: dict[str, Any] = {}
    if not isinstance(data, dict):
        return errors
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]
        if isinstance(field, serializers.Serializer):
            nested = _text_errors(field, value)
            if nested:
                errors[name] = nested
        elif isinstance(field, serializers.CharField) and not isinstance(value, str | None):
            errors[name] = ["Not a valid string: give it in quotes."]
        elif (
            isinstance(field, serializers.CharField)
            and isinstance(value, str)
            and field.max_length is not None
            and len(value) > field.max_length  # as sent: DRF measures it trimmed
        ):
            errors[name] = [f"Ensure this field has no more than {field.max_length} characters."]
    return errors


def valid_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query string's filters, checked: a bad one is a 400 naming it. A filter given
    empty (``?until=``) is refused like any other bad value, not taken as left out (as DRF
    takes an empty form field), so that the query means what the schema says."""
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def paged_response(
    view: GenericAPIView, queryset: Any, build: Callable[[list[Any]], Any]
) -> Response:
    """A page of the queryset (every row when the view is not paginated), its rows made into
    data by ``build``: for lists whose rows are built in one go rather than one by one."""
    page = view.paginate_queryset(queryset)
    data = build(list(page if page is not None else queryset))
    return view.get_paginated_response(data) if page is not None else Response(data)


def ids_not_found(field: str, what: str, ids: Iterable[int]) -> ValidationError:
    """The error for ids a request names that are not ``what`` (a ValidationError on
    ``field``, so that the 400 names it), listing them in order."""
    listed = ", ".join(str(pk) for pk in sorted(ids))
    return ValidationError({field: [f"Not {what}: {listed}."]})


def enum_choices(choices: Any) -> list[tuple[str, str]]:
    """A TextChoices' (value, label) pairs, or some of them as a list, without a blank value."""
    return [(value, label) for value, label in getattr(choices, "choices", choices) if value]


def inline_enum(choices: Any, *, blank: str = "") -> dict[str, Any]:
    """The schema of a choice field that lists its values inline, for extend_schema_field.

    "kind", "status" and other common names already name enums in the schema, and a second
    choice set under the same property name makes drf-spectacular warn; an output that may be
    blank also has other values than its input. So the values are written out in the field
    (wrapped in allOf so that no shared enum is made). ``blank`` describes an empty value,
    where an output may have one."""
    values = [value for value, _ in enum_choices(choices)]
    lines = [f"* `{value}` - {label}" for value, label in enum_choices(choices)]
    if blank:
        values.append("")
        lines.append(f"* empty - {blank}")
    return {"allOf": [{"type": "string", "enum": values}], "description": "\n".join(lines)}


class EnumChoiceField(serializers.ChoiceField):
    """A ChoiceField of a TextChoices' non-blank values (made by ``choice_field``)."""

    enum: Any

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=enum_choices(self.enum), **kwargs)


def choice_field(choices: Any) -> type[EnumChoiceField]:
    """An input field of the (non-blank) choices, its values written out in the schema."""
    field = type(f"{choices.__name__}Field", (EnumChoiceField,), {"enum": choices})
    return extend_schema_field(inline_enum(choices))(field)  # type: ignore[no-any-return]


def choice_output_field(choices: Any, *, blank: str = "") -> type[serializers.CharField]:
    """An output field holding one of the choices (or blank, described by ``blank``), its
    values written out in the schema."""

    @extend_schema_field(inline_enum(choices, blank=blank))
    class ChoiceOutputField(serializers.CharField):
        pass

    return ChoiceOutputField


class IdField(serializers.IntegerField):
    """The id of a row named in a request body: a positive whole number in the database's
    range, so that a larger one is a 400 naming the field, never a database error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)
