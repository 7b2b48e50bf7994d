"""Reads of a person's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from notifications.models import Notification


def notifications_for(*, user_id: int, collective_id: int) -> QuerySet[Notification]:
    """A person's notifications in one collective, newest first."""
    return Notification.objects.filter(user_id=user_id, collective_id=collective_id).order_by(
        "-created_at", "-id"
    )


def get_notification_for(membership: Any, pk: int) -> Notification | None:
    """One of the member's notifications in the collective, or None."""
    return (
        notifications_for(user_id=membership.user_id, collective_id=membership.collective_id)
        .filter(pk=pk)
        .first()
    )
