"""The page a one-time sign-in link opens (the other sign-in pages are allauth's)."""

from __future__ import annotations

from allauth.account import app_settings as allauth_account_settings
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import selectors, services


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows a button; only pressing it uses the link. Mail systems that
    open links to scan them (as NHSmail's does) would otherwise use it up first."""
    try:
        if request.method == "POST":
            user = services.sign_in_link_use(token=token)
        else:
            selectors.sign_in_link_usable(token=token)
    except ValidationError as exc:
        context = {"title": "This sign-in link cannot be used", "problem": exc.messages[0]}
        return render(request, "account/sign_in_link.html", context, status=410)
    if request.method == "GET":
        return render(request, "account/sign_in_link.html", {"title": "Sign in with your link"})
    # As the sign-in page does: the session ends when the browser closes.
    if allauth_account_settings.SESSION_REMEMBER is False:
        request.session.set_expiry(0)
    # allauth's login stages run as after a password: two-factor authentication still asks
    # for a code, and an inactive or unconfirmed account is stopped.
    return perform_login(
        request, user, redirect_url=reverse(settings.LOGIN_REDIRECT_URL), email=user.email
    )
