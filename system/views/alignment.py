"""Agenda alignment: our priorities, the system organisations' and their people's, and a page
per organisation showing where our agendas meet.

Thin: system.selectors_alignment reads (a fixed number of queries), system.services_alignment
writes, system.access_alignment says who may (the leadership group; an owner of a key
relationship for their own stakeholder)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from directory.models import Organisation, OrganisationKind
from system import access, services_alignment
from system import access_alignment as rules
from system import selectors_alignment as selectors
from system.forms_alignment import OurPriorityForm, OverlapForm, SearchForm, TheirPriorityForm
from system.models import Overlap, Priority, PriorityOwner
from system.views.coverage import crumbs, slug_of

SECTION = "system"
PER_PAGE = 25


def _alignment_url(membership: Membership) -> str:
    return reverse("system:alignment", args=[slug_of(membership)])


def _agenda_url(membership: Membership, organisation_id: int) -> str:
    return reverse("system:organisation_agenda", args=[slug_of(membership), organisation_id])


def _alignment_crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    return crumbs(membership, ("Where our agendas meet", _alignment_url(membership)), *extra)


def _attempt(request: HttpRequest, form: Any, act: Any, done: str) -> bool:
    try:
        act()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, done)
    return True


@collective_page(SECTION)
def alignment(request: HttpRequest, membership: Membership) -> HttpResponse:
    rules.require_sees_alignment(membership)
    leadership = access.is_leadership(membership)
    decisions = selectors.decisions_to_link(membership) if leadership else []
    form = OurPriorityForm(request.POST if request.method == "POST" else None, decisions=decisions)
    if request.method == "POST":
        access.require_leadership(membership)
        if form.is_valid() and _attempt(
            request,
            form,
            lambda: services_alignment.priority_add(
                actor_membership=membership,
                whose=PriorityOwner.COLLECTIVE,
                text=form.cleaned_data["text"],
                decision=form.cleaned_data["decision"],
            ),
            "Our priority is added.",
        ):
            return redirect(_alignment_url(membership))
    search = SearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    view = selectors.alignment_overview(membership, q=q)
    page = Paginator(view.organisations, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "system/alignment.html",
        {
            "title": "Where our agendas meet",
            "membership": membership,
            "view": view,
            "page": page,
            "organisation_rows": view.rows(page),
            "q": q,
            "search": search,
            "query": ("&" + urlencode({"q": q})) if q else "",
            "form": form,
            "leadership": leadership,
            "kinds": dict(OrganisationKind.choices),
            "breadcrumbs": crumbs(membership),
        },
    )


def _their_priority(
    request: HttpRequest, membership: Membership, organisation: Organisation, form: Any
) -> bool:
    if not form.is_valid():
        return False
    return _attempt(
        request,
        form,
        lambda: services_alignment.priority_add(
            actor_membership=membership,
            text=form.cleaned_data["text"],
            organisation=organisation.pk,
            **form.owner(),
        ),
        "Their priority is added.",
    )


def _overlap(request: HttpRequest, membership: Membership, form: Any, view: Any) -> bool:
    if not form.is_valid():
        return False
    ours = {p.pk: p for p in view.ours}
    theirs = {p.pk: p for p in view.markable()}
    return _attempt(
        request,
        form,
        lambda: services_alignment.overlap_mark(
            actor_membership=membership,
            ours=ours[form.cleaned_data["ours"]],
            theirs=theirs[form.cleaned_data["theirs"]],
            note=form.cleaned_data["note"],
        ),
        "Marked: our agendas meet there.",
    )


@collective_page(SECTION)
def organisation_agenda(
    request: HttpRequest, membership: Membership, organisation: int
) -> HttpResponse:
    found = rules.get_system_organisation(membership, organisation)
    view = selectors.organisation_agenda(membership, found)
    posted = request.POST.get("form") if request.method == "POST" else None
    their_form = TheirPriorityForm(request.POST if posted == "theirs" else None, view=view)
    overlap_form = OverlapForm(
        request.POST if posted == "overlap" else None, view=view, markable=view.markable()
    )
    if request.method == "POST":
        done = (
            _their_priority(request, membership, found, their_form)
            if posted == "theirs"
            else _overlap(request, membership, overlap_form, view)
            if posted == "overlap"
            else False
        )
        if done:
            return redirect(_agenda_url(membership, found.pk))
    return render(
        request,
        "system/alignment_organisation.html",
        {
            "title": f"Where our agendas meet: {found.name}",
            "membership": membership,
            "view": view,
            "their_form": their_form,
            "overlap_form": overlap_form,
            "leadership": access.is_leadership(membership),
            "kinds": dict(OrganisationKind.choices),
            "breadcrumbs": _alignment_crumbs(membership),
        },
    )


def _shown_at(priority: Priority) -> Organisation | None:
    """The organisation whose page shows the priority (None: ours, on the alignment page)."""
    if priority.whose == PriorityOwner.ORGANISATION:
        return priority.organisation
    if priority.whose == PriorityOwner.STAKEHOLDER and priority.stakeholder is not None:
        return priority.stakeholder.organisation
    return None


def _back_from(membership: Membership, priority: Priority) -> str:
    """Where a priority is shown: our list, or its organisation's page."""
    found = _shown_at(priority)
    return _alignment_url(membership) if found is None else _agenda_url(membership, found.pk)


def _crumbs_to(membership: Membership, priority: Priority) -> list[dict[str, str]]:
    found = _shown_at(priority)
    if found is None:
        return _alignment_crumbs(membership)
    return _alignment_crumbs(membership, (found.name, _agenda_url(membership, found.pk)))


@collective_page(SECTION)
def priority_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    priority = rules.get_priority_for(membership, pk)
    rules.require_changes_priority(membership, priority)
    back = _back_from(membership, priority)
    problem = ""
    if request.method == "POST":
        try:
            services_alignment.priority_delete(actor_membership=membership, priority=priority)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"“{priority.text}” is deleted.")
            return redirect(back)
    return render(
        request,
        "system/alignment_priority_delete.html",
        {
            "title": "Delete a priority",
            "membership": membership,
            "priority": priority,
            "overlaps": selectors.overlaps_of(priority),
            "back": back,
            "problem": problem,
            "breadcrumbs": _crumbs_to(membership, priority),
        },
    )


@collective_page(SECTION)
def overlap_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    overlap: Overlap = rules.get_overlap_for(membership, pk)
    rules.require_marks_overlap(membership, overlap.theirs)
    back = _back_from(membership, overlap.theirs)
    if request.method == "POST":
        services_alignment.overlap_delete(actor_membership=membership, overlap=overlap)
        messages.success(request, "The overlap is no longer marked.")
        return redirect(back)
    return render(
        request,
        "system/alignment_overlap_delete.html",
        {
            "title": "Remove an overlap",
            "membership": membership,
            "overlap": overlap,
            "back": back,
            "breadcrumbs": _crumbs_to(membership, overlap.theirs),
        },
    )


P = "c/<slug:slug>/system/"
routes: list[URLPattern] = [
    path(P + "alignment/", alignment, name="alignment"),
    path(
        P + "organisations/<id:organisation>/agenda/",
        organisation_agenda,
        name="organisation_agenda",
    ),
    path(P + "alignment/priorities/<id:pk>/delete/", priority_delete, name="priority_delete"),
    path(P + "alignment/overlaps/<id:pk>/delete/", overlap_delete, name="overlap_delete"),
]
