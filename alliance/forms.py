"""Helpers shared by every app's views for running a service for a form and showing its
errors on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


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


def attempt(
    request: HttpRequest,
    form: BaseForm,
    act: Callable[[], Any],
    done: str | Callable[[], str],
    renames: dict[str, str] | None = None,
) -> bool:
    """Run a service for a valid form: True if it succeeded (its message, or what `done`
    returns, is shown), else its errors are on the form."""
    try:
        act()
    except ValidationError as error:
        add_service_errors(form, error, renames)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, done() if callable(done) else done)
    return True
