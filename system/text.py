"""The one check of free text for whole-system working's services: trimmed, present when
required, no longer than its limit, with a message that names the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from alliance.limits import TEXT_MAX


def clean_text(
    value: str | None,
    field: str,
    *,
    required: bool = False,
    most: int = TEXT_MAX,
    empty: str = "This cannot be empty.",
    what: str = "this",
    one_line: bool = False,
) -> str:
    """`value` trimmed (with `one_line`, every run of white space made one space), or a
    ValidationError on `field`: `empty` when it is required and blank, and one naming
    `what` when it is longer than `most` characters."""
    text = str(value or "")
    text = " ".join(text.split()) if one_line else text.strip()
    if required and not text:
        raise ValidationError({field: [empty]})
    if len(text) > most:
        raise ValidationError(
            {field: [f"Keep {what} to {most:,} characters: it has {len(text):,}."]}
        )
    return text
