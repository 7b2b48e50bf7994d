"""Coverage, the warmth × sway grid and the key system organisations.

Thin: system.selectors_coverage reads (a fixed number of queries), system.coverage decides,
system.services_coverage writes, and system.access says who may:
the leadership group sees everyone; the owner of a key relationship outside it sees their own
stakeholders; only a convenor chooses the key organisations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from alliance.exports import export_view
from collectives.decorators import collective_page
from collectives.models import Membership
from directory.models import OrganisationKind
from system import access, services_coverage
from system import coverage as coverage_rules
from system import selectors_coverage as selectors
from system.forms_alignment import GridFilterForm, OrganisationSearchForm
from system.models import SWAY, WARM
from system.views.common import (
    SECTION,
    carried,
    confirm_page,
    crumbs,
    export,
    page_of,
    search_text,
    url,
)


def _export_kind(request: HttpRequest) -> str:
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        raise Http404("Export as csv or xlsx.")
    return kind


def _scales() -> dict[str, Any]:
    return {
        "warm": WARM,
        "sway": SWAY,
        "names": coverage_rules.QUADRANT_NAMES,
        "advice": coverage_rules.QUADRANT_ADVICE,
        "kinds": dict(OrganisationKind.choices),
        "kind_words": coverage_rules.kind_words,
    }


# Coverage ---------------------------------------------------------------------------------


@require_safe
@collective_page(SECTION)
def coverage(request: HttpRequest, membership: Membership) -> HttpResponse:
    view = selectors.coverage_for(membership)
    return render(
        request,
        "system/coverage.html",
        {
            "title": "Coverage of the key organisations",
            "membership": membership,
            "view": view,
            "statuses": coverage_rules.STATUS_NAMES,
            "leadership": view.everyone,  # the leadership group sees everyone
            "breadcrumbs": crumbs(membership),
            **_scales(),
        },
    )


@export_view
@require_safe
@collective_page(SECTION)
def coverage_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = selectors.coverage_export_rows(selectors.coverage_for(membership))
    return export(membership, _export_kind(request), name="coverage", sheet="Coverage", rows=rows)


# The grid ---------------------------------------------------------------------------------


def _grid(request: HttpRequest, membership: Membership) -> tuple[GridFilterForm, Any]:
    # The organisations for the filter come with the people: read them once, filter after.
    everyone = selectors.grid_for(membership)
    form = GridFilterForm(request.GET or None, organisations=everyone.organisations)
    q, organisation = form.filters()
    if not q and organisation is None:
        return form, everyone
    return form, selectors.filtered_grid(everyone, q=q, organisation=organisation)


@require_safe
@collective_page(SECTION)
def grid(request: HttpRequest, membership: Membership) -> HttpResponse:
    form, view = _grid(request, membership)
    q, organisation = form.filters()
    page = page_of(request, view.grid.placements)
    return render(
        request,
        "system/coverage_grid.html",
        {
            "title": "Warmth and sway",
            "membership": membership,
            "form": form,
            "view": view,
            "page": page,
            "filtered": bool(q or organisation),
            "query": carried(q=q, organisation=organisation),
            "breadcrumbs": crumbs(membership),
            **_scales(),
        },
    )


@export_view
@require_safe
@collective_page(SECTION)
def grid_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    _, view = _grid(request, membership)
    rows = selectors.grid_export_rows(view)
    kind = _export_kind(request)
    return export(membership, kind, name="warmth-and-sway", sheet="Warmth and sway", rows=rows)


# Key organisations ------------------------------------------------------------------------


class KeyOrganisationAction(forms.Form):
    action = forms.ChoiceField(choices=[("add", "Add"), ("up", "Move up"), ("down", "Move down")])
    organisation = forms.IntegerField(min_value=1)


def _key_url(membership: Membership) -> str:
    return url(membership, "key_organisations")


def _act(request: HttpRequest, membership: Membership) -> None:
    form = KeyOrganisationAction(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an organisation, then what to do with it.")
        return
    organisation, action = form.cleaned_data["organisation"], form.cleaned_data["action"]
    try:
        if action == "add":
            services_coverage.key_organisation_add(
                actor_membership=membership, organisation=organisation
            )
            messages.success(request, "The organisation is now a key one.")
        else:
            services_coverage.key_organisation_move(
                actor_membership=membership,
                organisation=organisation,
                by=-1 if action == "up" else 1,
            )
            messages.success(request, "The order is saved.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@collective_page(SECTION)
def key_organisations(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_key_organisations_reader(membership)
    can_set = access.may_set_key_organisations(membership)
    if request.method == "POST":
        access.require_convenor(membership)
        _act(request, membership)
        return redirect(_key_url(membership))
    found = selectors.key_organisations(membership.collective_id)
    form = OrganisationSearchForm(request.GET or None)
    q = search_text(form) if can_set else ""
    return render(
        request,
        "system/coverage_key_organisations.html",
        {
            "title": "Key system organisations",
            "membership": membership,
            "found": found,
            "can_set": can_set,
            "form": form,
            "q": q,
            "candidates": selectors.key_organisation_candidates(membership, q),
            "breadcrumbs": crumbs(membership, ("Coverage", url(membership, "coverage"))),
            **_scales(),
        },
    )


@collective_page(SECTION, convenor_only=True)
def key_organisation_remove(
    request: HttpRequest, membership: Membership, organisation: int
) -> HttpResponse:
    found = selectors.key_organisations(membership.collective_id)
    shown = {s.organisation_id: s.organisation_name for s in found.slots if s.organisation_id}
    if organisation not in shown:
        raise Http404("That organisation is not a key one.")
    name = shown[organisation]
    return confirm_page(
        request,
        membership,
        act=lambda: services_coverage.key_organisation_remove(
            actor_membership=membership, organisation=organisation
        ),
        done=f"{name} is no longer a key organisation.",
        to=_key_url(membership),
        template="system/confirm.html",
        title=f"Remove {name} from the key organisations?",
        intro="Coverage will no longer check it. The stakeholders there, their assessments and "
        "our key relationships with them stay as they are."
        + (
            " The other organisations shown now are kept, and the list becomes our own: the "
            "defaults no longer apply."
            if found.is_default
            else ""
        ),
        submit="Remove it",
        back=_key_url(membership),
        back_text="Keep it",
        breadcrumbs=crumbs(membership, ("Key organisations", _key_url(membership))),
    )


P = "c/<slug:slug>/system/"
routes: list[URLPattern] = [
    path(P + "coverage/", coverage, name="coverage"),
    path(P + "coverage/export/", coverage_export, name="coverage_export"),
    path(P + "warmth-and-sway/", grid, name="grid"),
    path(P + "warmth-and-sway/export/", grid_export, name="grid_export"),
    path(P + "key-organisations/", key_organisations, name="key_organisations"),
    path(
        P + "key-organisations/<id:organisation>/remove/",
        key_organisation_remove,
        name="key_organisation_remove",
    ),
]
