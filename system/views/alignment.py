"""Agenda alignment: our priorities, the system organisations' and their people's, and a page
per organisation showing where our agendas meet.

Thin: system.selectors_alignment reads (a fixed number of queries), system.services_alignment
writes, system.access says who may (the leadership group; an owner of a key
relationship for their own stakeholder)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from collectives.decorators import collective_page
from collectives.models import Membership
from directory.models import Organisation, OrganisationKind
from system import access, services_alignment
from system import selectors_alignment as selectors
from system.forms_alignment import OurPriorityForm, OverlapForm, TheirPriorityForm
from system.forms_common import SearchForm
from system.models import Overlap, Priority, PriorityOwner
from system.views.common import (
    SECTION,
    attempt,
    carried,
    confirm_page,
    crumbs,
    page_of,
    posted,
    search_text,
    url,
)


def _agenda_url(membership: Membership, organisation_id: int) -> str:
    return url(membership, "organisation_agenda", organisation_id)


def _alignment_crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    return crumbs(membership, ("Where our agendas meet", url(membership, "alignment")), *extra)


@collective_page(SECTION)
def alignment(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_sees_alignment(membership)
    leadership = access.is_leadership(membership)
    decisions = selectors.decisions_to_link(membership) if leadership else []
    form = OurPriorityForm(posted(request), decisions=decisions)
    if request.method == "POST":
        access.require_leadership(membership)
        if form.is_valid() and attempt(
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
            return redirect(url(membership, "alignment"))
    search = SearchForm(request.GET or None)
    q = search_text(search)
    view = selectors.alignment_overview(membership, q=q)
    page = page_of(request, view.organisations)
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
            "query": carried(q=q),
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
    return attempt(
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
    return attempt(
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
    found = access.get_system_organisation(membership, organisation)
    view = selectors.organisation_agenda(membership, found)
    which = request.POST.get("form") if request.method == "POST" else None
    their_form = TheirPriorityForm(request.POST if which == "theirs" else None, view=view)
    overlap_form = OverlapForm(
        request.POST if which == "overlap" else None, view=view, markable=view.markable()
    )
    if request.method == "POST":
        done = (
            _their_priority(request, membership, found, their_form)
            if which == "theirs"
            else _overlap(request, membership, overlap_form, view)
            if which == "overlap"
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
    return url(membership, "alignment") if found is None else _agenda_url(membership, found.pk)


def _crumbs_to(membership: Membership, priority: Priority) -> list[dict[str, str]]:
    found = _shown_at(priority)
    if found is None:
        return _alignment_crumbs(membership)
    return _alignment_crumbs(membership, (found.name, _agenda_url(membership, found.pk)))


@collective_page(SECTION)
def priority_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    priority = access.get_priority_for(membership, pk)
    access.require_changes_priority(membership, priority)
    overlaps = selectors.overlaps_of(priority)
    marks = (
        f"It is marked as meeting {overlaps} other "
        + ("priority: that mark goes" if overlaps == 1 else "priorities: those marks go")
        + " with it. "
        if overlaps
        else ""
    )
    return confirm_page(
        request,
        membership,
        act=lambda: services_alignment.priority_delete(
            actor_membership=membership, priority=priority
        ),
        done=f"“{priority.text}” is deleted.",
        to=_back_from(membership, priority),
        template="system/confirm.html",
        title=f"Delete “{priority.text}”?",
        intro=f"{marks}The audit log keeps a record that it was deleted.",
        submit="Delete the priority",
        back=_back_from(membership, priority),
        back_text="Keep it",
        breadcrumbs=_crumbs_to(membership, priority),
    )


@collective_page(SECTION)
def overlap_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    overlap: Overlap = access.get_overlap_for(membership, pk)
    access.require_marks_overlap(membership, overlap.theirs)
    return confirm_page(
        request,
        membership,
        act=lambda: services_alignment.overlap_delete(actor_membership=membership, overlap=overlap),
        done="The overlap is no longer marked.",
        to=_back_from(membership, overlap.theirs),
        template="system/confirm.html",
        title="Remove this overlap?",
        intro=f"“{overlap.ours.text}” will no longer be marked as meeting "
        f"“{overlap.theirs.text}”. Both priorities stay.",
        submit="Remove the overlap",
        back=_back_from(membership, overlap.theirs),
        back_text="Keep it",
        breadcrumbs=_crumbs_to(membership, overlap.theirs),
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
