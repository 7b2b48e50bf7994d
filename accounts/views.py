"""The signed-in person's API tokens: list, make (the key shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import access, selectors, services
from accounts.forms import ApiTokenForm
from alliance.forms import add_service_errors


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
