"""Reads about accounts: a person's API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import ApiToken, TokensRevokedBecause, User
from audit.models import AuditEntry


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
