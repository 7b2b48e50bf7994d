"""Writes about accounts: sign-in lockout, API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import FailedSignIn, User
from audit.services import audit_record


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def sign_in_locked_until(*, email: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the e-mail address may next try to sign in, or None if it may now.

    Locked once LOGIN_LOCKOUT_ATTEMPTS failures fall within LOGIN_LOCKOUT_MINUTES; the lock
    lifts when the oldest of those failures leaves the window.
    """
    now = now or timezone.now()
    recent = list(
        FailedSignIn.objects.filter(email=email.strip().lower(), attempted_at__gt=now - _window())
        .order_by("-attempted_at")
        .values_list("attempted_at", flat=True)[: settings.LOGIN_LOCKOUT_ATTEMPTS]
    )
    if len(recent) < settings.LOGIN_LOCKOUT_ATTEMPTS:
        return None
    return recent[-1] + _window()


def sign_in_failure_record(*, email: str, ip_address: str | None) -> None:
    FailedSignIn.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)
    # Keep the table small: anything older than a day has no bearing on a lock.
    FailedSignIn.objects.filter(attempted_at__lt=timezone.now() - dt.timedelta(days=1)).delete()


@transaction.atomic
def api_token_mint(*, user: User) -> str:
    """Create a new API token for the user, replacing any earlier one, and return its key."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="api_token.minted", obj=user, collective=None)
    return token.key
