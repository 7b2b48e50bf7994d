"""Token authentication: django-rest-knox's, behind the failed-token throttle.

A request that sends `Authorization: Token ...` from an address that has sent too many wrong
tokens lately is refused with 429 before its token is looked at; a wrong token counts one
more failure. A good token notes when it was last used (at most once a minute).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

from accounts.services import api_token_note_use
from accounts.throttling import FailedTokenThrottle


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.authenticate_header(request).lower().encode():
            return None  # no token: session authentication may apply
        throttle = FailedTokenThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(
                wait=throttle.wait(), detail="Too many wrong API tokens from your address."
            )
        try:
            user, token = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.failure(request)
            raise
        api_token_note_use(token=token)
        return user, token

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    """The schema's (and /api/v1/docs/') description of the header: `Authorization: Token`."""

    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"
