"""Writes about accounts: sign-in lockout, API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, FailedSignIn, TokensRevokedBecause, User
from audit.services import audit_record, snapshot


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


# What the audit log keeps of a token: never its digest nor the start of its key.
API_TOKEN_FIELDS = ["name", "user", "created", "expiry"]


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    key: str  # shown once: only its digest is kept


@transaction.atomic
def api_token_mint(
    *, user: User, name: str, days: int | None = None, actor: User | None = None
) -> NewApiToken:
    """Make an API token for the user and return its key, which is not kept: show it once.

    The actor is the user themself (their API tokens page), or None for an operator at the
    command line (`manage.py mint_token`). The token expires after `days` (API_TOKEN_DAYS
    unless chosen, at most API_TOKEN_MAX_DAYS).
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("You can make API tokens only for yourself.")
    name = name.strip()
    days = settings.API_TOKEN_DAYS if days is None else days
    errors = {}
    if not name:
        errors["name"] = "Give the token a name, such as the program that uses it."
    elif len(name) > 100:
        errors["name"] = "A token's name can be at most 100 characters long."
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"A token can last from 1 to {settings.API_TOKEN_MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)
    if not user.is_active:
        raise ValidationError(f"{user.email}'s account is deactivated: it cannot have tokens.")
    token, key = ApiToken.objects.create(user=user, expiry=dt.timedelta(days=days), name=name)
    audit_record(
        actor=actor,
        action="api_token.minted",
        obj=token,
        collective=None,
        after=snapshot(token, API_TOKEN_FIELDS),
    )
    return NewApiToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """The owner revokes one of their tokens: it stops working at once."""
    if token.user_id != actor.pk:
        raise PermissionDenied("You can revoke only your own API tokens.")
    if not ApiToken.objects.select_for_update().filter(pk=token.pk).exists():
        return  # revoked a moment ago (two clicks, two tabs)
    before = snapshot(token, API_TOKEN_FIELDS)
    audit_record(actor=actor, action="api_token.revoked", obj=token, collective=None, before=before)
    ApiToken.objects.filter(pk=token.pk).delete()


@transaction.atomic
def api_tokens_revoke_all(
    *, user: User, because: TokensRevokedBecause, actor: User | None = None
) -> int:
    """Revoke every token the user has, when their password changes or their account is
    deactivated; return how many there were. One audit entry on the user names them all."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user).order_by("created"))
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    audit_record(
        actor=actor or user,
        action="api_tokens.revoked",
        obj=user,
        collective=None,
        before={"tokens": [snapshot(t, API_TOKEN_FIELDS) for t in tokens]},
        after={"because": because.value},
    )
    return len(tokens)


def api_token_note_use(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record when a token was last used, at most once a minute so that a busy client does
    not write on every request. Not audited: using a token changes nothing."""
    now = now or timezone.now()
    if token.last_used is None or now - token.last_used >= dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
