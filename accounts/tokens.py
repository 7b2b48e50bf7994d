"""The token in a one-time sign-in link: the link's row id, signed with SECRET_KEY and
timestamped by Django's TimestampSigner (ADR 0006). The token proves the link came from us
and is recent; the `SignInLink` row makes it work only once."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

_SALT = "accounts.sign-in-link"


def sign_in_link_token(*, link_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"link": link_id})


class TokenExpired(Exception):
    pass


def sign_in_link_id(*, token: str) -> int | None:
    """The link the token names, or None if it was not made by us.

    Raises TokenExpired when the signature is good but older than a link lives."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            token, max_age=settings.SIGN_IN_LINK_MINUTES * 60
        )
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        return None
    link = data.get("link") if isinstance(data, dict) else None
    return link if isinstance(link, int) else None
