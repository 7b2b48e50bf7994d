"""What whole-system working's services share: the audit entry of a write, made by the acting
membership in its collective's log."""

from __future__ import annotations

from typing import Any

from django.db import models

from audit.models import AuditEntry
from audit.services import audit_record
from collectives.models import Membership


def audited(
    actor_membership: Membership,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record `action` on `obj` by the acting member, in their collective's audit log. Call
    it inside the transaction of the write it describes."""
    return audit_record(
        actor=actor_membership.user,
        action=action,
        obj=obj,
        collective=actor_membership.collective,
        before=before,
        after=after,
    )
