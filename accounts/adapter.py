from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from accounts import services
from accounts.models import TokensRevokedBecause, User


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to Alliance: accounts come from invitations; sign-in locks out; a new
    password revokes every API token."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        email = credentials.get("email") or credentials.get("username") or ""
        locked_until = services.sign_in_locked_until(email=email)
        if locked_until is not None:
            minutes = max(1, round((locked_until - timezone.now()).total_seconds() / 60))
            local = timezone.localtime(locked_until)
            raise forms.ValidationError(
                "Too many failed sign-in attempts for this e-mail address. "
                f"You can try again at {date_format(local, 'H:i')} "
                f"(in {minutes} minute{'s' if minutes != 1 else ''}).",
                code="locked_out",
            )
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = credentials.get("email") or credentials.get("username") or ""
        services.sign_in_failure_record(email=email, ip_address=request.META.get("REMOTE_ADDR"))

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
