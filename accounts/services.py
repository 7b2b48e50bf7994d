"""Writes about accounts: sign-in lockout and its one-time sign-in links, API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import selectors
from accounts.models import ApiToken, FailedSignIn, SignInLink, TokensRevokedBecause, User
from audit.services import audit_record, snapshot


@transaction.atomic
def sign_in_failure_record(
    *, email: str, ip_address: str | None, now: dt.datetime | None = None
) -> selectors.SignInLock | None:
    """Record a failed sign-in from a client address; return the lock now in force, if any.

    The failure that locks the e-mail address from this client address is audited, and the
    person whose address it is, if it belongs to an active account, is sent a one-time
    sign-in link (at most one per lock window). The failure that locks the client address
    for every e-mail address is audited too."""
    now = now or timezone.now()
    email = selectors.normalise_email(email)
    before = selectors.sign_in_lock(email=email, ip_address=ip_address, now=now)
    failure = FailedSignIn.objects.create(email=email, ip_address=ip_address, attempted_at=now)
    # Keep the table small: anything older than a day has no bearing on a lock.
    FailedSignIn.objects.filter(attempted_at__lt=now - dt.timedelta(days=1)).delete()
    lock = selectors.sign_in_lock(email=email, ip_address=ip_address, now=now)
    if lock is None:
        return None
    details = {"email": email, "ip_address": ip_address, "until": lock.until.isoformat()}
    if lock.account_until and not (before and before.account_until):
        audit_record(
            actor=None, action="sign_in.locked", obj=failure, collective=None, after=details
        )
        _sign_in_link_offer(email=email, ip_address=ip_address, now=now)
    if lock.address_until and not (before and before.address_until):
        audit_record(
            actor=None,
            action="sign_in.address_locked",
            obj=failure,
            collective=None,
            after=details,
        )
    return lock


def _sign_in_link_offer(*, email: str, ip_address: str | None, now: dt.datetime) -> None:
    """E-mail a one-time sign-in link to the account with this address, if there is an
    active one and it has had no link within the last lock window."""
    user = User.objects.select_for_update().filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if SignInLink.objects.filter(user=user, created_at__gt=now - window).exists():
        return
    link = SignInLink.objects.create(
        user=user,
        ip_address=ip_address,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.SIGN_IN_LINK_MINUTES),
    )
    audit_record(
        actor=None,
        action="sign_in_link.created",
        obj=link,
        collective=None,
        after=snapshot(link, ["user", "ip_address", "created_at", "expires_at"]),
    )
    from accounts.tasks import send_sign_in_link

    transaction.on_commit(partial(send_sign_in_link, link.pk))


@transaction.atomic
def sign_in_link_use(*, token: str, now: dt.datetime | None = None) -> User:
    """Use a one-time sign-in link: it stops working, and the failed sign-ins that locked
    its account are cleared (from every client address). Returns the person to sign in;
    the caller signs them in through allauth, so two-factor authentication still applies.

    Raises ValidationError (from selectors.sign_in_link_usable) for a link that is not
    valid, has expired or was used."""
    now = now or timezone.now()
    link = selectors.sign_in_link_usable(token=token, now=now, for_update=True)
    link.used_at = now
    link.save(update_fields=["used_at"])
    FailedSignIn.objects.filter(email=selectors.normalise_email(link.user.email)).delete()
    audit_record(
        actor=link.user,
        action="sign_in_link.used",
        obj=link,
        collective=None,
        after=snapshot(link, ["used_at"]),
    )
    return link.user


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
