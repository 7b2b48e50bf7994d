"""The autonomy ledger's pages: a way of working with its versions and every practice's
answers, a new version, a practice's answer, and "What we have agreed to do the shared way"
for one practice (with its export)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from alliance.exports import csv_response, export_view, xlsx_response
from collectives.decorators import collective_page
from collectives.models import Membership
from shared_services import access, selectors, services
from shared_services.forms import AnswerForm, ReviseForm, WayForm
from shared_services.models import WayOfWorking
from shared_services.views.common import attempt, crumbs, service_crumbs, slug_of


def _way_crumbs(membership: Membership, way: WayOfWorking) -> list[dict[str, str]]:
    return [
        *service_crumbs(membership, way.service),
        {
            "text": way.title,
            "href": reverse("shared_services:way", args=[slug_of(membership), way.pk]),
        },
    ]


@collective_page("shared_services")
def service_way_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    form = WayForm(request.POST if request.method == "POST" else None)
    created: list[WayOfWorking] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: created.append(
                services.way_add(actor_membership=membership, service=service, **form.cleaned_data)
            ),
            "The way of working is written, at version 1: every practice in the service is asked.",
        )
    ):
        return redirect("shared_services:way", slug_of(membership), created[0].pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Add a way of working to {service.name}",
            "intro": "One thing every practice in the service will do the same way. Each "
            "practice's representative or deputy answers for it.",
            "membership": membership,
            "form": form,
            "submit": "Add it",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def way_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    way = access.get_way_in_collective(membership, pk)
    ledger = selectors.ledger(way.service)
    column = next((i for i, c in enumerate(ledger.columns) if c.way.pk == way.pk), None)
    versions = selectors.versions_of(way)
    practice = access.practice_spoken_for(membership)
    in_service = practice is not None and any(r.practice.pk == practice.pk for r in ledger.rows)
    history = selectors.answers_by_practice(way)
    return render(
        request,
        "shared_services/way.html",
        {
            "title": way.title,
            "membership": membership,
            "way": way,
            "service": way.service,
            "current": versions[0] if versions else None,
            "versions": versions,
            "rows": [
                (row, row.cells[column], history.get(row.practice.pk, [])) for row in ledger.rows
            ]
            if column is not None
            else [],
            "adoption": ledger.columns[column].adoption(ledger.participants)
            if column is not None
            else "",
            "runs": access.can_run(membership, way.service),
            "answers_for": practice if in_service else None,
            "breadcrumbs": service_crumbs(membership, way.service),
        },
    )


@collective_page("shared_services")
def way_revise(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    way = access.get_way_in_collective(membership, pk)
    access.require_runs(membership, way.service)
    versions = selectors.versions_of(way)
    latest = versions[0] if versions else None
    form = ReviseForm(
        request.POST if request.method == "POST" else None,
        initial={"text": latest.text if latest else ""},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: services.way_revise(actor_membership=membership, way=way, **form.cleaned_data),
            "The new version is out: every practice is asked again.",
        )
    ):
        return redirect("shared_services:way", slug_of(membership), way.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"A new version of {way.title}",
            "intro": "Every practice will be asked to answer the new version; their answers "
            "to this one are kept, marked with its version.",
            "membership": membership,
            "form": form,
            "submit": "Send the new version",
            "breadcrumbs": _way_crumbs(membership, way),
        },
    )


@collective_page("shared_services")
def way_answer(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    way = access.get_way_in_collective(membership, pk)
    practice = access.practice_spoken_for(membership)
    if practice is None:
        raise PermissionDenied("Only a practice's representative or deputy answers for it.")
    versions = selectors.versions_of(way)
    latest = versions[0] if versions else None
    given = selectors.answer_of(latest, practice.pk)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial={
            "answer": given.answer,
            "variation": given.variation,
            "variation_reason": given.variation_reason,
            "variation_until": given.variation_until,
            "would_help": given.would_help,
            "reason": given.reason,
        }
        if given
        else None,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: services.way_answer(actor_membership=membership, way=way, **form.cleaned_data),
            f"{practice.name}'s answer is recorded.",
        )
    ):
        return redirect("shared_services:way", slug_of(membership), way.pk)
    return render(
        request,
        "shared_services/answer.html",
        {
            "title": f"{practice.name}'s answer: {way.title}",
            "membership": membership,
            "way": way,
            "version": latest,
            "practice": practice,
            "form": form,
            "breadcrumbs": _way_crumbs(membership, way),
        },
    )


@collective_page("shared_services")
def agreed(request: HttpRequest, membership: Membership, organisation: int) -> HttpResponse:
    """What a practice has agreed to do the shared way: every way of working it has given
    up, to whom, since when, with its variations."""
    practice = access.get_member_organisation(membership, organisation)
    return render(
        request,
        "shared_services/agreed.html",
        {
            "title": f"What {practice.name} has agreed to do the shared way",
            "membership": membership,
            "practice": practice,
            "agreements": selectors.agreements_of(membership.collective_id, practice.pk),
            "waiting": selectors.waiting_for(membership.collective_id, practice.pk),
            "breadcrumbs": crumbs(membership),
        },
    )


@export_view
@collective_page("shared_services")
def agreed_export(
    request: HttpRequest, membership: Membership, organisation: int, fmt: str
) -> HttpResponse:
    practice = access.get_member_organisation(membership, organisation)
    rows: list[list[Any]] = [
        [
            "Service",
            "Hosted by",
            "Way of working",
            "Version",
            "Answer",
            "Since",
            "Variation",
            "Why",
            "Until",
        ]
    ]
    for a in selectors.agreements_of(membership.collective_id, practice.pk):
        answer = a.answer
        rows.append(
            [
                a.way.service.name,
                a.way.service.host.name,
                a.way.title,
                answer.version.number,
                answer.get_answer_display(),
                answer.answered_at.date(),
                answer.variation,
                answer.variation_reason,
                answer.variation_until,
            ]
        )
    name = f"agreed-{practice.ods_code or practice.pk}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", {"What we have agreed": rows})
    return csv_response(f"{name}.csv", rows)


C = "c/<slug:slug>/shared-services/"
CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}
routes: list[URLPattern] = [
    path(C + "<id:pk>/ways/new/", service_way_new, name="service_way_new"),
    path(C + "ways/<id:pk>/", way_detail, name="way"),
    path(C + "ways/<id:pk>/revise/", way_revise, name="way_revise"),
    path(C + "ways/<id:pk>/answer/", way_answer, name="way_answer"),
    path(C + "agreed/<id:organisation>/", agreed, name="agreed"),
    path(C + "agreed/<id:organisation>/agreed.csv", agreed_export, CSV, name="agreed_csv"),
    path(C + "agreed/<id:organisation>/agreed.xlsx", agreed_export, XLSX, name="agreed_xlsx"),
]
