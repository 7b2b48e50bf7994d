"""The register of shared services: the list, a service's page with its ledger of ways of
working, its practices, stage, decisions and benefit measures (with their run charts), and
the exports.

Thin: forms parse, shared_services.services writes (and holds every rule),
shared_services.selectors reads, shared_services.access says who may.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from alliance.exports import csv_response, export_view, xlsx_response
from collectives.decorators import collective_page
from collectives.models import Membership
from shared_services import access, selectors, services, spc
from shared_services.forms import (
    DecisionForm,
    LeaveForm,
    MeasureForm,
    NewServiceForm,
    PracticeForm,
    ServiceForm,
    SettingsForm,
    StageForm,
    UploadForm,
    ValueForm,
)
from shared_services.models import BenefitMeasure, SharedService, Stage
from shared_services.views.common import (
    PAGE_SIZE,
    ServiceSearchForm,
    attempt,
    crumbs,
    search_text,
    service_crumbs,
    slug_of,
)

# ------------------------------------------------------------------------------------------
# The list


@collective_page("shared_services")
def services_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    query = search_text(request.GET)
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    found = selectors.service_list(membership.collective_id, q=query, stage=stage)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    practice = access.practice_spoken_for(membership) or membership.organisation
    return render(
        request,
        "shared_services/services.html",
        {
            "title": "Shared services",
            "membership": membership,
            "form": ServiceSearchForm(request.GET or None),
            "page": page,
            "query": f"&q={query}&stage={stage}" if query or stage else "",
            "filtered": bool(query or stage),
            "can_add": membership.is_convenor,
            "practice": practice,
            "breadcrumbs": crumbs(membership)[:1],
        },
    )


def _service_rows(services_: Iterable[SharedService]) -> list[list[Any]]:
    rows: list[list[Any]] = [["Service", "Kind", "Host", "Lead", "Stage", "Practices"]]
    for s in services_:
        lead = (s.lead.full_name or s.lead.email) if s.lead else ""
        rows.append(
            [s.name, s.get_kind_display(), s.host.name, lead, s.get_stage_display(), s.practices]  # type: ignore[attr-defined]
        )
    return rows


@export_view
@collective_page("shared_services")
def services_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    access.require_reader(membership)
    rows = _service_rows(selectors.service_list(membership.collective_id))
    name = f"shared-services-{slug_of(membership)}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", {"Shared services": rows})
    return csv_response(f"{name}.csv", rows)


# ------------------------------------------------------------------------------------------
# A service


@collective_page("shared_services")
def service_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    access.require_convenor(membership)
    cid = membership.collective_id
    form = NewServiceForm(
        request.POST if request.method == "POST" else None,
        hosts=selectors.host_choices(cid),
        leads=selectors.lead_choices(cid),
        practices=selectors.practice_choices(cid),
    )
    created: list[SharedService] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: created.append(services.service_create(actor_membership=membership, **data)),
            f"{data['name']} is on the register, at the idea stage.",
        ):
            return redirect("shared_services:service", slug_of(membership), created[0].pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": "Add a shared service",
            "intro": "A service the collective's practices run together. It starts as an "
            "idea; you move it on as it is explored, agreed and run.",
            "membership": membership,
            "form": form,
            "submit": "Add the service",
            "breadcrumbs": crumbs(membership),
        },
    )


@collective_page("shared_services")
def service_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    ledger = selectors.ledger(service)
    outstanding = [
        (
            row.practice,
            [
                (c.way.title, cell.label)
                for c, cell in zip(ledger.columns, row.cells, strict=True)
                if not cell.agreed
            ],
        )
        for row in ledger.rows
        if not row.agreed_all
    ]
    runs = access.can_run(membership, service)
    practice = access.practice_spoken_for(membership)
    return render(
        request,
        "shared_services/service.html",
        {
            "title": service.name,
            "membership": membership,
            "service": service,
            "ledger": ledger,
            "outstanding": outstanding,
            "settings": selectors.settings_of(membership.collective_id),
            "runs": runs,
            "answers_for": practice
            if practice and any(r.practice.pk == practice.pk for r in ledger.rows)
            else None,
            **selectors.service_detail(service),
            "breadcrumbs": crumbs(membership),
        },
    )


@export_view
@collective_page("shared_services")
def service_export(request: HttpRequest, membership: Membership, pk: int, fmt: str) -> HttpResponse:
    """The service's ledger: each practice's answer to each way of working."""
    service = access.get_service_in_collective(membership, pk)
    ledger = selectors.ledger(service)
    rows: list[list[Any]] = [
        ["Practice", *(f"{c.way.title} (v{c.version.number})" for c in ledger.columns)]
    ]
    for row in ledger.rows:
        rows.append([row.practice.name, *(cell.label for cell in row.cells)])
    rows.append(["Agreed", *(c.adoption(ledger.participants) for c in ledger.columns)])
    name = f"ways-of-working-{service.pk}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", {"Ways of working": rows})
    return csv_response(f"{name}.csv", rows)


@collective_page("shared_services")
def service_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    cid = membership.collective_id
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        hosts=selectors.host_choices(cid),
        leads=selectors.lead_choices(cid),
        initial={
            "name": service.name,
            "kind": service.kind,
            "host": service.host_id,
            "lead": service.lead_id,
            "purpose": service.purpose,
            "service_levels": service.service_levels,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: services.service_update(
                actor_membership=membership, service=service, **form.cleaned_data
            ),
            "The service is changed.",
        )
    ):
        return redirect("shared_services:service", slug_of(membership), service.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Change {service.name}",
            "membership": membership,
            "form": form,
            "submit": "Save the changes",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def service_stage(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    form = StageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: services.stage_move(
                actor_membership=membership,
                service=service,
                to_stage=data["stage"],
                reason=data["reason"],
            ),
            f"{service.name} has moved to {Stage(data['stage']).label.lower()}.",
        ):
            return redirect("shared_services:service", slug_of(membership), service.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Move {service.name} on",
            "intro": f"It is at {service.get_stage_display().lower()}. Everyone sees every "
            "move, who made it and why.",
            "membership": membership,
            "form": form,
            "submit": "Move it",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def service_practices(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Add a practice to the service."""
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    current = {r.practice.pk for r in selectors.ledger(service).rows}
    choices = [
        o for o in selectors.practice_choices(membership.collective_id) if o.pk not in current
    ]
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        practices=choices,
        initial={"joined_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: services.participant_add(
                actor_membership=membership,
                service=service,
                organisation=data["organisation"],
                joined_on=data["joined_on"],
            ),
            "The practice is in the service; it is asked to answer every way of working.",
        ):
            return redirect("shared_services:service", slug_of(membership), service.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Add a practice to {service.name}",
            "membership": membership,
            "form": form,
            "submit": "Add the practice",
            "empty": None if choices else "Every member practice is already in the service.",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def service_practice_leave(
    request: HttpRequest, membership: Membership, pk: int, organisation: int
) -> HttpResponse:
    """Confirm, then record that a practice leaves the service."""
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    row = next((r for r in selectors.ledger(service).rows if r.practice.pk == organisation), None)
    if row is None:
        raise Http404("That practice is not in the service.")
    form = LeaveForm(
        request.POST if request.method == "POST" else None,
        initial={"left_on": timezone.localdate()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: services.participant_leave(
                actor_membership=membership,
                service=service,
                organisation=organisation,
                left_on=form.cleaned_data["left_on"],
            ),
            f"{row.practice.name} has left {service.name}.",
        )
    ):
        return redirect("shared_services:service", slug_of(membership), service.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"{row.practice.name} leaves {service.name}",
            "intro": "Its answers are kept; it will no longer be asked, and the service no "
            "longer waits for it.",
            "membership": membership,
            "form": form,
            "submit": "It leaves the service",
            "warning": True,
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def service_decisions(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Link a consensus decision that started or changed the service (or unlink one)."""
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        decisions=selectors.decision_choices(membership.collective_id),
    )
    if request.method == "POST" and form.is_valid():
        linked = request.POST.get("unlink") is None
        if attempt(
            request,
            form,
            lambda: services.service_decision_link(
                actor_membership=membership,
                service=service,
                decision=form.cleaned_data["decision"],
                linked=linked,
            ),
            "The decision is linked to the service." if linked else "The decision is unlinked.",
        ):
            return redirect("shared_services:service", slug_of(membership), service.pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Link a decision to {service.name}",
            "intro": "The consensus decisions that started the service or changed it.",
            "membership": membership,
            "form": form,
            "submit": "Link the decision",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


# ------------------------------------------------------------------------------------------
# Benefit measures


@collective_page("shared_services")
def service_measure_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    service = access.get_service_in_collective(membership, pk)
    access.require_runs(membership, service)
    form = MeasureForm(request.POST if request.method == "POST" else None)
    created: list[BenefitMeasure] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: created.append(
                services.measure_add(
                    actor_membership=membership, service=service, **form.cleaned_data
                )
            ),
            "The measure is added: enter its monthly values, or upload them.",
        )
    ):
        return redirect("shared_services:measure", slug_of(membership), created[0].pk)
    return render(
        request,
        "shared_services/form.html",
        {
            "title": f"Measure a benefit of {service.name}",
            "membership": membership,
            "form": form,
            "submit": "Add the measure",
            "breadcrumbs": service_crumbs(membership, service),
        },
    )


@collective_page("shared_services")
def measure_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The run chart (Making Data Count), the same figures as a table, and for the lead the
    forms to enter a month's value or upload a CSV of them."""
    measure = access.get_measure_in_collective(membership, pk)
    runs = access.can_run(membership, measure.service)
    value_form = ValueForm(request.POST if "value" in request.POST else None)
    upload_form = UploadForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
    )
    if request.method == "POST":
        if not runs:
            raise PermissionDenied("Only the service's lead or a convenor enters its values.")
        if "value" in request.POST and value_form.is_valid():
            data = value_form.cleaned_data
            if attempt(
                request,
                value_form,
                lambda: services.measure_values_set(
                    actor_membership=membership,
                    measure=measure,
                    values=[(data["month"], data["value"])],
                ),
                "The value is saved.",
                {"values[0].month": "month", "values[0].value": "value"},
            ):
                return redirect("shared_services:measure", slug_of(membership), measure.pk)
        if "upload" in request.POST and upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            changed: list[int] = []
            if attempt(
                request,
                upload_form,
                lambda: changed.append(
                    services.measure_values_upload(
                        actor_membership=membership,
                        measure=measure,
                        data=upload.read(services.MAX_UPLOAD_BYTES + 1),
                    )
                ),
                "The file is read.",
            ):
                return redirect("shared_services:measure", slug_of(membership), measure.pk)
    chart = selectors.run_chart(measure)
    return render(
        request,
        "shared_services/measure.html",
        {
            "title": measure.name,
            "membership": membership,
            "measure": measure,
            "service": measure.service,
            "chart": chart,
            "drawing": chart.chart(640, 260, 48) if chart.points else None,
            "rules": spc.RULES,
            "runs": runs,
            "value_form": value_form,
            "upload_form": upload_form,
            "breadcrumbs": service_crumbs(membership, measure.service),
        },
    )


@export_view
@collective_page("shared_services")
def measure_export(request: HttpRequest, membership: Membership, pk: int, fmt: str) -> HttpResponse:
    measure = access.get_measure_in_collective(membership, pk)
    chart = selectors.run_chart(measure)
    rows: list[list[Any]] = [["Month", f"{measure.name} ({measure.unit})", "Signals", "Variation"]]
    for point in chart.points:
        signals = "; ".join(spc.RULES[s] for s in point.signals)
        rows.append([point.label, point.value, signals, point.kind])
    name = f"measure-{measure.pk}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", {measure.name: rows})
    return csv_response(f"{name}.csv", rows)


@collective_page("shared_services")
def settings_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    access.require_convenor(membership)
    current = selectors.settings_of(membership.collective_id)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"may_run_before_all_agree": current.may_run_before_all_agree},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            form,
            lambda: services.settings_update(actor_membership=membership, **form.cleaned_data),
            "The settings are saved.",
        )
    ):
        return redirect("shared_services:services", slug_of(membership))
    return render(
        request,
        "shared_services/form.html",
        {
            "title": "Shared services settings",
            "intro": "By default a service goes live only when every practice in it has "
            "agreed every way of working: one way of doing things is the point.",
            "membership": membership,
            "form": form,
            "submit": "Save the settings",
            "breadcrumbs": crumbs(membership),
        },
    )


C = "c/<slug:slug>/shared-services/"
CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}
routes: list[URLPattern] = [
    path(C, services_list, name="services"),
    path(C + "services.csv", services_export, CSV, name="services_csv"),
    path(C + "services.xlsx", services_export, XLSX, name="services_xlsx"),
    path(C + "new/", service_new, name="service_new"),
    path(C + "settings/", settings_page, name="settings"),
    path(C + "<id:pk>/", service_detail, name="service"),
    path(C + "<id:pk>/ways-of-working.csv", service_export, CSV, name="service_csv"),
    path(C + "<id:pk>/ways-of-working.xlsx", service_export, XLSX, name="service_xlsx"),
    path(C + "<id:pk>/edit/", service_edit, name="service_edit"),
    path(C + "<id:pk>/stage/", service_stage, name="service_stage"),
    path(C + "<id:pk>/practices/", service_practices, name="service_practices"),
    path(
        C + "<id:pk>/practices/<id:organisation>/leave/",
        service_practice_leave,
        name="service_practice_leave",
    ),
    path(C + "<id:pk>/decisions/", service_decisions, name="service_decisions"),
    path(C + "<id:pk>/measures/new/", service_measure_new, name="service_measure_new"),
    path(C + "measures/<id:pk>/", measure_detail, name="measure"),
    path(C + "measures/<id:pk>/values.csv", measure_export, CSV, name="measure_csv"),
    path(C + "measures/<id:pk>/values.xlsx", measure_export, XLSX, name="measure_xlsx"),
]
