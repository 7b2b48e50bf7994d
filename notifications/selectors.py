"""Reads of a person's notifications in one collective."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from notifications.models import Notification

if TYPE_CHECKING:
    from collectives.models import Membership


def notifications_for(*, membership: Membership) -> QuerySet[Notification]:
    """The person's notifications in this collective, newest first."""
    return Notification.objects.filter(
        user_id=membership.user_id, collective_id=membership.collective_id
    ).order_by("-created_at", "-id")


def unread_count(*, membership: Membership) -> int:
    return notifications_for(membership=membership).filter(read_at__isnull=True).count()
