"""Fetch a notification and check it is the person's own, in one step."""

from __future__ import annotations

from django.http import Http404

from alliance.tenancy import ActingMembership
from notifications.models import Notification
from notifications.selectors import notifications_for


def get_notification_for(membership: ActingMembership, pk: int) -> Notification:
    """One of the person's notifications in this collective, or 404: another person's, or
    another collective's, is not found."""
    found = notifications_for(membership=membership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such notification.")
    return found
