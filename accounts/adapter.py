from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from accounts import selectors, services
from accounts.models import TokensRevokedBecause, User


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to Alliance: accounts come from invitations; sign-in locks out; a new
    password revokes every API token."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def client_address(self, request: HttpRequest) -> str:
        """The client's address as the lockout counts it: allauth's get_client_ip (which
        follows the trusted-proxy settings), with an IPv6 address as its network, the
        same prefix allauth's own rate limits use, so that one machine cannot step
        through the addresses of its network."""
        address = ipaddress.ip_address(self.get_client_ip(request))
        if isinstance(address, ipaddress.IPv6Address):
            prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
            address = ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address
        return str(address)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        lock = selectors.sign_in_lock(
            email=_email(credentials), ip_address=self.client_address(request)
        )
        if lock is not None:
            raise _locked(lock)
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        lock = services.sign_in_failure_record(
            email=_email(credentials), ip_address=self.client_address(request)
        )
        if lock is not None:
            raise _locked(lock)

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        """allauth's one way to store a new password (changed, set, or reset from the
        e-mailed link): the person's API tokens go in the same transaction."""
        assert isinstance(user, User)
        with transaction.atomic():
            super().set_password(user, password)
            revoked = services.api_tokens_revoke_all(
                user=user, because=TokensRevokedBecause.PASSWORD_CHANGED
            )
        request = getattr(self, "request", None)
        if revoked and request is not None:
            messages.info(
                request,
                f"Your {revoked} API token{'s were' if revoked != 1 else ' was'} revoked "
                "because your password changed. Make a new one on your API tokens page.",
            )


def _email(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def _locked(lock: selectors.SignInLock) -> forms.ValidationError:
    """The sign-in page's message. It is the same whether or not the e-mail address belongs
    to an account, so that the page never tells a stranger who has one."""
    until = timezone.localtime(lock.until)
    if until.second or until.microsecond:  # "until 14:32" must not mean 14:31:40
        until = until.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    time = date_format(until, "H:i")
    if lock.account_until is not None:
        return forms.ValidationError(
            f"Sign-in from this device is paused until {time} after repeated failed attempts "
            "with this e-mail address. If the address belongs to an account, we have sent "
            "an e-mail with a link to sign in to that address.",
            code="locked_out",
        )
    return forms.ValidationError(
        f"Sign-in from this device is paused until {time} after many failed attempts from "
        "its network, for any e-mail address. Try again after that time.",
        code="locked_out",
    )
