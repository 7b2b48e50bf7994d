"""Fetch an account's object and check it is the signed-in person's, in one step."""

from __future__ import annotations

from django.http import Http404

from accounts.models import ApiToken, User


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """One of the person's own tokens; anyone else's is not found (404, never 403)."""
    token = ApiToken.objects.filter(user_id=user.pk, pk=pk).first()
    if token is None:
        raise Http404("No such API token.")
    return token
