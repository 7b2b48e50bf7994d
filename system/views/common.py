"""What whole-system working's pages share: addresses, breadcrumbs, the search box, exports,
running a service for a form, and the one form page and confirmation page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from alliance.exports import csv_response, xlsx_response
from alliance.forms import attempt as attempt  # the pages import it from here
from collectives.models import Membership

SECTION = "system"
PAGE_SIZE = 25


def slug_of(membership: Membership) -> str:
    return membership.collective.slug


def url(membership: Membership, name: str, *args: Any) -> str:
    """The address of one of the app's pages in the member's collective."""
    return reverse(f"system:{name}", args=[slug_of(membership), *args])


def crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """The collective, whole-system working, then (text, href) pairs: the page's ancestors."""
    return [
        {
            "text": membership.collective.name,
            "href": reverse("home:collective", args=[slug_of(membership)]),
        },
        {"text": "Whole-system working", "href": url(membership, "overview")},
        *({"text": text, "href": href} for text, href in extra),
    ]


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST, else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def search_text(form: forms.Form) -> str:
    """The search box's words, or nothing when the form is not valid."""
    return str(form.cleaned_data["q"]).strip() if form.is_valid() else ""


def page_of(request: HttpRequest, found: Any) -> Page[Any]:
    """The page of `found` that the request asks for (?page=), PAGE_SIZE to a page."""
    return Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))


def carried(**kept: Any) -> str:
    """The search, carried to a list's other pages: "&q=...&status=..." (empty ones left
    out), or nothing."""
    query = urlencode({k: v for k, v in kept.items() if v})
    return f"&{query}" if query else ""


def export(
    membership: Membership, fmt: str, *, name: str, sheet: str, rows: Iterable[list[Any]]
) -> HttpResponse:
    """`rows` as "<name>-<collective>.csv", or as one sheet of an .xlsx when `fmt` says so."""
    filename = f"{name}-{slug_of(membership)}"
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", {sheet: rows})
    return csv_response(f"{filename}.csv", rows)


def form_page(
    request: HttpRequest,
    membership: Membership,
    form: forms.Form,
    *,
    act: Callable[[], Any],
    done: str | Callable[[], str],
    to: str | Callable[[Any], str],
    title: str,
    submit: str,
    breadcrumbs: list[dict[str, str]],
    renames: dict[str, str] | None = None,
    template: str = "system/form.html",
    **extra: Any,
) -> HttpResponse:
    """A page with one form. On a POST with valid data it runs `act` (the service); if that
    succeeds it shows `done` and goes `to` (an address, or one made from what `act`
    returned); otherwise the page shows again with the service's errors on the form.
    `extra` goes to the template: the one form page takes `intro`, `warning` (a red
    button), `cancel` and `cancel_text`, and `empty` (shown instead of the form)."""
    result: list[Any] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(request, form, lambda: result.append(act()), done, renames)
    ):
        return redirect(to(result[0]) if callable(to) else to)
    return render(
        request,
        template,
        {
            "title": title,
            "membership": membership,
            "form": form,
            "submit": submit,
            "breadcrumbs": breadcrumbs,
            **extra,
        },
    )


def confirm_page(
    request: HttpRequest,
    membership: Membership,
    *,
    act: Callable[[], Any],
    done: str,
    to: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """A confirmation before something that cannot be undone: the page says what goes, and
    its button (a POST) runs `act`. A refusal the person can fix is shown on the page as
    `problem`; success shows `done` and goes `to`."""
    problem = ""
    if request.method == "POST":
        try:
            act()
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, done)
            return redirect(to)
    return render(request, template, {"membership": membership, "problem": problem, **context})
