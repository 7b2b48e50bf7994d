"""Account pages of our own (the others are allauth's): the page a one-time sign-in link
opens, and the signed-in person's API tokens (list, make with the key shown once, revoke)."""

from __future__ import annotations

from allauth.account import app_settings as allauth_account_settings
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access, selectors, services
from accounts.forms import ApiTokenForm
from alliance.forms import add_service_errors


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


def _crumbs(request: HttpRequest, here: str) -> list[dict[str, str]]:
    return [
        {"text": "API tokens", "href": reverse("accounts:api_tokens")},
        {"text": here, "href": request.path},
    ]


def api_tokens(request: HttpRequest) -> HttpResponse:
    tokens = list(selectors.api_tokens_for_user(user=request.user))  # type: ignore[arg-type]
    revoked = selectors.api_tokens_last_revoked(user=request.user)  # type: ignore[arg-type]
    if revoked is not None and tokens and tokens[0].created > revoked.at:
        revoked = None  # old news: the person has made tokens since
    return render(
        request,
        "accounts/api_tokens.html",
        {"title": "API tokens", "tokens": tokens, "revoked": revoked},
    )


def api_token_new(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.api_token_mint(
                user=request.user,  # type: ignore[arg-type]
                actor=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown in this response only: the key is not kept, so there is no page to
            # come back to (and every page is sent with Cache-Control: no-store).
            return render(
                request,
                "accounts/api_token_made.html",
                {
                    "title": "Your new API token",
                    "new": new,
                    "breadcrumbs": _crumbs(request, "Your new API token"),
                },
            )
    return render(
        request,
        "accounts/api_token_new.html",
        {
            "title": ("Error: " if form.errors else "") + "Make an API token",
            "form": form,
            "breadcrumbs": _crumbs(request, "Make an API token"),
        },
    )


def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.get_api_token_for_user(request.user, pk)  # type: ignore[arg-type]
    if request.method == "POST":
        services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        messages.success(request, f"The API token ‘{token.name}’ was revoked.")
        return redirect("accounts:api_tokens")
    return render(
        request,
        "accounts/api_token_revoke.html",
        {
            "title": f"Revoke the API token ‘{token.name}’",
            "token": token,
            "breadcrumbs": _crumbs(request, "Revoke a token"),
        },
    )
