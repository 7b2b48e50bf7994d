"""Readiness for a shared service: a practice's own placement (belief x trust) with the
evidence and what the five habits suggest, the lead's and convenors' counts and the
practices that share with them, the sharing tick, and the export of what the person sees.

Thin: shared_services.services_readiness reads (through selectors_readiness, which decides
who sees what, with the pure rules in shared_services.readiness) and writes the shares.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from alliance.exports import csv_response, export_view, xlsx_response
from collectives.decorators import collective_page
from collectives.models import Membership
from shared_services import access, readiness, selectors_readiness, services_readiness
from shared_services.models import SharedService
from shared_services.selectors_readiness import ReadinessView, SharedRow
from shared_services.views.common import PAGE_SIZE, SearchForm, crumbs, search_text


class ShareForm(forms.Form):
    share = forms.BooleanField(
        label="Share our readiness with the service lead",
        required=False,
        help_text="The service's lead and the convenors will see which of the four your "
        "practice is in, by name; never the answers behind it. You can stop at any time.",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _crumbs(membership: Membership, service: SharedService) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return crumbs(
        membership,
        (service.name, reverse("shared_services:service", args=[slug, service.pk])),
        ("Readiness", reverse("shared_services:service_readiness", args=[slug, service.pk])),
    )


def _shared_page(request: HttpRequest, view: ReadinessView) -> tuple[Any, str]:
    rows: list[SharedRow] = view.overview.shared if view.overview else []
    query = search_text(request.GET)
    if query:
        rows = [r for r in rows if query.casefold() in r.organisation.name.casefold()]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, query


@collective_page("shared_services")
def service_readiness(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    view = services_readiness.readiness_read(membership=membership, service=service)
    page, query = _shared_page(request, view)
    own = view.own
    return render(
        request,
        "shared_services/readiness.html",
        {
            "title": f"Readiness for {service.name}",
            "membership": membership,
            "service": service,
            "view": view,
            "own": own,
            "overview": view.overview,
            "labels": readiness.LABELS,
            "descriptions": readiness.DESCRIPTIONS,
            "colours": readiness.COLOURS,
            "quadrants": readiness.QUADRANTS,
            "rules": readiness,
            "share_form": ShareForm(initial={"share": own is not None and own.share is not None}),
            "search_form": SearchForm(request.GET or None),
            "page": page,
            "query": f"&q={query}" if query else "",
            "filtered": bool(query),
            "breadcrumbs": _crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def service_readiness_share(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The sharing tick: ticking shares at once; unticking asks first, then stops."""
    service = access.get_service_in_collective(membership, pk)
    back = reverse("shared_services:service_readiness", args=[membership.collective.slug, pk])
    speaker = selectors_readiness.speaker_share(membership=membership, service=service)
    if speaker is None:
        raise PermissionDenied(
            "Only the representative or deputy of a practice in the service can share the "
            "practice's readiness."
        )
    name = speaker.organisation.name
    form = ShareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["share"]:
            if speaker.share is None:
                services_readiness.readiness_share(actor_membership=membership, service=service)
                messages.success(
                    request,
                    f"{name}'s readiness is shared with the service's lead and the convenors.",
                )
            return redirect(back)
        if speaker.share is None:
            messages.info(request, f"{name}'s readiness is not shared.")
            return redirect(back)
        if form.cleaned_data["confirm"]:
            services_readiness.readiness_share_revoke(actor_membership=membership, service=service)
            messages.success(
                request, f"{name}'s readiness is no longer shared with the service's lead."
            )
            return redirect(back)
    elif speaker.share is None:
        return redirect(back)
    return render(
        request,
        "shared_services/readiness_revoke.html",
        {
            "title": "Stop sharing your readiness?",
            "membership": membership,
            "service": service,
            "speaker": speaker,
            "back": back,
            "breadcrumbs": [
                *_crumbs(membership, service),
                {"text": "Stop sharing", "href": request.path},
            ],
        },
    )


def _number(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


def readiness_rows(view: ReadinessView) -> list[list[Any]]:
    """The export: exactly what the page shows this person, as rows."""
    rows: list[list[Any]] = [
        ["What", "Organisation", "Placement", "Number of practices", "Figure", "Round"]
    ]
    own = view.own
    if own is not None:
        name = own.organisation.name
        rows.append(["Our readiness", name, readiness.LABELS[own.placement], "", "", ""])
        shared_now = "yes" if own.share else "no"
        rows.append(["Our readiness shared with the service lead", name, shared_now, "", "", ""])
        answers, ratings = own.assessment.answers, own.assessment.ratings
        if own.figures and answers is not None:
            title = answers.round.title
            rows += [
                [
                    "Continuing on our own is sustainable (1 to 5)",
                    name,
                    "",
                    "",
                    _number(answers.sustainable_alone),
                    title,
                ],
                [
                    "Joint working will make a difference to us (1 to 5)",
                    name,
                    "",
                    "",
                    _number(answers.joint_difference),
                    title,
                ],
                ["Belief (1 to 5)", name, "", "", _number(answers.belief), title],
            ]
        if own.figures and ratings is not None:
            title = ratings.round.title
            rows.append(["Trust (1 to 4)", name, "", "", _number(ratings.trust), title])
            for row in own.trust_rows:
                rows.append(
                    [
                        "Our trust in (1 to 4)",
                        row.organisation.name,
                        "",
                        "",
                        _number(row.trust),
                        title,
                    ]
                )
        for suggestion in own.suggestions:
            rows.append(["Suggested next", name, "", "", suggestion.text, ""])
    overview = view.overview
    if overview is not None:
        for shared in overview.shared:
            rows.append(
                [
                    "Shared with the service lead",
                    shared.organisation.name,
                    readiness.LABELS[shared.placement],
                    "",
                    "",
                    "",
                ]
            )
        counts = overview.figures.counts
        if counts is None:
            rows.append(
                [
                    "Practices that have not shared",
                    "",
                    "Not enough practices to show readiness",
                    "",
                    "",
                    "",
                ]
            )
        else:
            for quadrant in readiness.QUADRANTS:
                rows.append(
                    [
                        "Practices that have not shared",
                        "",
                        readiness.LABELS[quadrant],
                        counts[quadrant],
                        "",
                        "",
                    ]
                )
    return rows


@export_view
@collective_page("shared_services")
def service_readiness_export(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    view = services_readiness.readiness_read(membership=membership, service=service)
    rows = readiness_rows(view)
    name = f"readiness-{service.pk}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{name}.xlsx", {"Readiness": rows})
    return csv_response(f"{name}.csv", rows)


C = "c/<slug:slug>/shared-services/<id:pk>/readiness/"
routes: list[URLPattern] = [
    path(C, service_readiness, name="service_readiness"),
    path(C + "share/", service_readiness_share, name="service_readiness_share"),
    path(C + "export/", service_readiness_export, name="service_readiness_export"),
]
