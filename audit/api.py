"""The audit log's API: a collective's entries, for its convenors."""

from __future__ import annotations

from typing import Any

from rest_framework import generics, serializers

from alliance.tenancy import tenancy
from audit.models import AuditEntry
from audit.selectors import audit_entries_for_collective


class AuditEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
        ]


class AuditEntryList(generics.ListAPIView):
    serializer_class = AuditEntryOutput

    def get_queryset(self) -> Any:
        membership = tenancy().membership_for_user(
            self.request.user, self.kwargs["slug"], convenor_only=True
        )
        return audit_entries_for_collective(
            collective=membership.collective,
            action=self.request.query_params.get("action", ""),
            actor=self.request.query_params.get("actor", ""),
        )
