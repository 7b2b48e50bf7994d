"""The one way to write to the audit log: call audit_record() from a domain service."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from alliance.changes import collective_changed
from audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values as JSON-ready data (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _jsonable(getattr(obj, field.attname))
    return data


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    collective: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. Call inside the same transaction as the write it describes.
    ``collective`` is the collective whose log it belongs in, or None for the service's own
    entries."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if collective is not None:
        collective_changed(collective.pk)  # what its pages keep is out of date
    # An entry of no collective (a sign-in, a token, the shared directory) changes nothing a
    # collective's pages keep, except the directory, whose services say so themselves.
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=str(getattr(actor_obj, "email", "") or "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:254],
        collective=collective,
        before=before,
        after=after,
    )
