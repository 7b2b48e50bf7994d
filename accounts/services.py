"""Writes about accounts: sign-in lockout and its one-time sign-in links, API tokens."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import selectors
from accounts.models import FailedSignIn, SignInLink, User
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


@transaction.atomic
def api_token_mint(*, user: User) -> str:
    """Create a new API token for the user, replacing any earlier one, and return its key."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="api_token.minted", obj=user, collective=None)
    return token.key
