from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entries_for_collective(
    *, collective: Any, action: str = "", actor: str = "", object_type: str = ""
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(collective=collective)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries.order_by("-at", "-id")


def audit_actions_for_collective(*, collective: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(collective=collective)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
