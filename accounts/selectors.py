"""Reads about accounts: whether sign-in is paused, whether a sign-in link may be used, and a
person's API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken, FailedSignIn, SignInLink, TokensRevokedBecause, User
from audit.models import AuditEntry


def normalise_email(email: str) -> str:
    return email.strip().lower()[:254]


def account_exists(*, email: str) -> bool:
    """Whether someone has an account with this e-mail address (in any case)."""
    return User.objects.filter(email__iexact=email.strip()).exists()


@dataclass(frozen=True)
class SignInLock:
    """Sign-in is paused: for one e-mail address from one client address until
    `account_until`, and/or for every e-mail address from the client address until
    `address_until`."""

    account_until: dt.datetime | None
    address_until: dt.datetime | None

    @property
    def until(self) -> dt.datetime:
        return max(t for t in (self.account_until, self.address_until) if t is not None)


def _lock_ends(
    failures: QuerySet[FailedSignIn], *, attempts: int, minutes: int, now: dt.datetime
) -> dt.datetime | None:
    """When the lock lifts: once `attempts` failures fall within `minutes`, sign-in waits
    until the oldest of the latest `attempts` failures is `minutes` old."""
    window = dt.timedelta(minutes=minutes)
    recent = list(
        failures.filter(attempted_at__gt=now - window, attempted_at__lte=now)
        .order_by("-attempted_at")
        .values_list("attempted_at", flat=True)[:attempts]
    )
    return recent[-1] + window if len(recent) >= attempts else None


def sign_in_lock(
    *, email: str, ip_address: str | None, now: dt.datetime | None = None
) -> SignInLock | None:
    """Whether sign-in with this e-mail address from this client address is paused.

    The e-mail address alone never locks: failures from other client addresses do not
    count, so a stranger cannot lock a colleague out of their own browser."""
    now = now or timezone.now()
    from_address = FailedSignIn.objects.filter(ip_address=ip_address)
    account_ends = _lock_ends(
        from_address.filter(email=normalise_email(email)),
        attempts=settings.LOGIN_LOCKOUT_ATTEMPTS,
        minutes=settings.LOGIN_LOCKOUT_MINUTES,
        now=now,
    )
    address_ends = _lock_ends(
        from_address,
        attempts=settings.LOGIN_ADDRESS_LOCKOUT_ATTEMPTS,
        minutes=settings.LOGIN_ADDRESS_LOCKOUT_MINUTES,
        now=now,
    )
    if account_ends is None and address_ends is None:
        return None
    return SignInLock(account_until=account_ends, address_until=address_ends)


def sign_in_link_usable(
    *, token: str, now: dt.datetime | None = None, for_update: bool = False
) -> SignInLink:
    """The link a token names, if it may be used now; otherwise a ValidationError that says
    why (code "invalid", "expired" or "used")."""
    now = now or timezone.now()
    try:
        link_id = tokens.sign_in_link_id(token=token)
    except tokens.TokenExpired:
        link_id, expired = None, True
    else:
        expired = False
    link = None
    if link_id is not None:
        links = SignInLink.objects.select_related("user")
        if for_update:
            links = links.select_for_update(of=("self",))
        link = links.filter(pk=link_id).first()
    if link is not None and link.used_at is not None:
        raise ValidationError(
            "This sign-in link has already been used. Each link works once.", code="used"
        )
    if expired or (link is not None and link.expires_at <= now):
        raise ValidationError(
            f"This sign-in link has expired: links work for {settings.SIGN_IN_LINK_MINUTES} "
            "minutes. Sign in with your password instead, or reset it from the sign-in page "
            "if you have forgotten it.",
            code="expired",
        )
    if link is None or not link.user.is_active:
        raise ValidationError(
            "This sign-in link is not valid. Check you copied all of it from the e-mail.",
            code="invalid",
        )
    return link


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, expired ones included (knox deletes an expired
    token only when someone next presents one of the person's tokens)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


@dataclass(frozen=True)
class TokensRevoked:
    at: dt.datetime
    count: int
    because: str


def api_tokens_last_revoked(*, user: User) -> TokensRevoked | None:
    """When all the person's tokens were last revoked at once, and why (from the audit log,
    which `accounts.services.api_tokens_revoke_all` writes)."""
    entry = (
        AuditEntry.objects.filter(
            action="api_tokens.revoked", object_type="accounts.user", object_id=str(user.pk)
        )
        .order_by("-at", "-id")
        .first()
    )
    if entry is None:
        return None
    because = (entry.after or {}).get("because", "")
    return TokensRevoked(
        at=entry.at,
        count=len((entry.before or {}).get("tokens", [])),
        because=str(TokensRevokedBecause(because).label)
        if because in TokensRevokedBecause.values
        else "",
    )
