"""Reads of a person's notifications in one collective."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.tenancy import ActingMembership
from notifications.models import Notification


def notifications_for(*, membership: ActingMembership) -> QuerySet[Notification]:
    """The person's notifications in this collective, newest first."""
    return Notification.objects.filter(
        user_id=membership.user_id, collective_id=membership.collective_id
    ).order_by("-created_at", "-id")


def unread_count(*, membership: ActingMembership) -> int:
    return notifications_for(membership=membership).filter(read_at__isnull=True).count()
