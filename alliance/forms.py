"""Helpers shared by every app's views for showing a service's errors on a form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_errors(
    form: BaseForm, error: ValidationError, renames: dict[str, str] | None = None
) -> None:
    """Put a domain service's ValidationError on the form: field errors beside their fields
    (when the form has that field), everything else at the top. `renames` maps a service's
    field names to the form's where they differ."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = (renames or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
