"""Privacy pages, for the leadership group: a stakeholder's subject access (a readable page
and a JSON download of everything held about them), the erasure of their personal data
(after a page naming what goes and what stays), and the notes due for review.

Thin: system.services_privacy reads (audited) and erases, system.selectors_privacy reads the
rest, system.access says who may.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from collectives.decorators import collective_page
from collectives.models import Membership
from system import access, selectors_privacy, services_privacy
from system.forms_common import SearchForm
from system.models import Stakeholder
from system.views.common import SECTION, carried, confirm_page, page_of, search_text, url
from system.views.stakeholders import stakeholder_crumbs, stakeholder_name, stakeholders_crumbs


def _stakeholder(membership: Membership, pk: int) -> Stakeholder:
    """The stakeholder, for the leadership group only (403 for anyone else; 404 for another
    collective's or an erased one)."""
    access.require_leadership(membership)
    return access.get_stakeholder(membership, pk)


@collective_page(SECTION)
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
            "breadcrumbs": stakeholder_crumbs(membership, stakeholder),
        },
    )


@collective_page(SECTION)
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


@collective_page(SECTION)
def erase(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A page naming what erasure removes and keeps; erasing needs its button (confirm)."""
    stakeholder = _stakeholder(membership, pk)

    def erase_if_confirmed() -> None:
        if request.POST.get("confirm") != "true":
            raise ValidationError("Press “Erase their personal data” to erase them.")
        services_privacy.stakeholder_erase(actor_membership=membership, stakeholder=stakeholder)

    return confirm_page(
        request,
        membership,
        act=erase_if_confirmed,
        done="Their personal data is erased. The conversations before system meetings keep "
        "their stance, anonymised.",
        to=url(membership, "stakeholders"),
        template="system/erase.html",
        title=f"Erase {stakeholder_name(stakeholder)}?",
        stakeholder=stakeholder,
        preview=selectors_privacy.erasure_preview(stakeholder),
        back=url(membership, "stakeholder", pk),
        breadcrumbs=stakeholder_crumbs(membership, stakeholder),
    )


@collective_page(SECTION)
def notes_review(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SearchForm(request.GET or None, label="Search by name, role or organisation")
    q = search_text(form)
    now = timezone.now()
    found = selectors_privacy.stakeholders_with_notes_due(membership, now=now, q=q)
    page = page_of(request, found)
    return render(
        request,
        "system/privacy_notes_review.html",
        {
            "title": "Notes due for review",
            "membership": membership,
            "form": form,
            "page": page,
            "notes_due": selectors_privacy.notes_due_count(membership, now=now),
            "query": carried(q=q),
            "filtered": bool(q),
            "breadcrumbs": stakeholders_crumbs(membership),
        },
    )


C = "c/<slug:slug>/system/stakeholders/"
routes: list[URLPattern] = [
    path(C + "<id:pk>/subject-access/", subject_access, name="subject_access"),
    path(C + "<id:pk>/subject-access.json", subject_access_json, name="subject_access_json"),
    path(C + "<id:pk>/erase/", erase, name="erase"),
    path("c/<slug:slug>/system/notes-review/", notes_review, name="notes_review"),
]
