"""Privacy pages, for the leadership group: a stakeholder's subject access (a readable page
and a JSON download of everything held about them), the erasure of their personal data
(after a page naming what goes and what stays), and the notes due for review.

Thin: system.services_privacy reads (audited) and erases, system.selectors_privacy reads the
rest, system.access says who may.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from collectives.decorators import collective_page
from collectives.models import Membership
from system import access, selectors_privacy, services_privacy
from system.models import Stakeholder

PAGE_SIZE = 25


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name, role or organisation", required=False, max_length=200
    )


def _slug(membership: Membership) -> str:
    return membership.collective.slug


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = _slug(membership)
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Stakeholders", "href": reverse("system:stakeholders", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def _stakeholder_crumbs(membership: Membership, stakeholder: Stakeholder) -> list[dict[str, str]]:
    name = stakeholder.person.name if stakeholder.person else "An erased stakeholder"
    href = reverse("system:stakeholder", args=[_slug(membership), stakeholder.pk])
    return _crumbs(membership, (name, href))


def _stakeholder(membership: Membership, pk: int) -> Stakeholder:
    """The stakeholder, for the leadership group only (403 for anyone else; 404 for another
    collective's or an erased one)."""
    access.require_leadership(membership)
    return access.get_stakeholder(membership, pk)


@collective_page("system")
def subject_access(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = _stakeholder(membership, pk)
    found = services_privacy.subject_access_read(
        actor_membership=membership, stakeholder=stakeholder, via="page"
    )
    return render(
        request,
        "system/subject_access.html",
        {
            "title": f"Everything held about {found.person.name if found.person else 'them'}",
            "membership": membership,
            "found": found,
            "stakeholder": stakeholder,
            "breadcrumbs": _stakeholder_crumbs(membership, stakeholder),
        },
    )


@collective_page("system")
def subject_access_json(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = _stakeholder(membership, pk)
    found = services_privacy.subject_access_read(
        actor_membership=membership, stakeholder=stakeholder, via="json"
    )
    data = selectors_privacy.subject_access_data(found)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pk}.json"'
    return response


@collective_page("system")
def erase(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A page naming what erasure removes and keeps; erasing needs its button (confirm)."""
    stakeholder = _stakeholder(membership, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"]:
        try:
            services_privacy.stakeholder_erase(actor_membership=membership, stakeholder=stakeholder)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                "Their personal data is erased. The conversations before system meetings keep "
                "their stance, anonymised.",
            )
            return redirect("system:stakeholders", _slug(membership))
    return render(
        request,
        "system/erase.html",
        {
            "title": f"Erase {stakeholder.person.name if stakeholder.person else 'them'}?",
            "membership": membership,
            "stakeholder": stakeholder,
            "preview": selectors_privacy.erasure_preview(stakeholder),
            "error": error,
            "back": reverse("system:stakeholder", args=[_slug(membership), pk]),
            "breadcrumbs": _stakeholder_crumbs(membership, stakeholder),
        },
    )


@collective_page("system")
def notes_review(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    now = timezone.now()
    found = selectors_privacy.stakeholders_with_notes_due(membership, now=now, q=q)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "system/privacy_notes_review.html",
        {
            "title": "Notes due for review",
            "membership": membership,
            "form": form,
            "page": page,
            "notes_due": selectors_privacy.notes_due_count(membership, now=now),
            "query": ("&" + urlencode({"q": q})) if q else "",
            "filtered": bool(q),
            "breadcrumbs": _crumbs(membership),
        },
    )


C = "c/<slug:slug>/system/stakeholders/"
routes: list[URLPattern] = [
    path(C + "<id:pk>/subject-access/", subject_access, name="subject_access"),
    path(C + "<id:pk>/subject-access.json", subject_access_json, name="subject_access_json"),
    path(C + "<id:pk>/erase/", erase, name="erase"),
    path("c/<slug:slug>/system/notes-review/", notes_review, name="notes_review"),
]
