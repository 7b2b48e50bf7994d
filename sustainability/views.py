"""The sustainability pages: the collective's practices with their national figures and a
funnel plot, each practice's spine charts, their exports, and the convenors' upload of the
national files. Thin: the figures come from sustainability.selectors, who may see what from
sustainability.access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from alliance.exports import csv_response, export_view, xlsx_response
from collectives.decorators import collective_page
from collectives.models import Membership, Role
from sustainability import access, selectors
from sustainability.forms import SearchForm, UploadForm
from sustainability.models import ImportStatus, PracticeDataImport
from sustainability.tasks import practice_data_import_queue, progress_key

SECTION = "sustainability"
PAGE_SIZE = 25
COMMAND = "python manage.py import_practice_data FILE [FILE ...]"


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Sustainability", "href": reverse("sustainability:overview", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def _query(request: HttpRequest) -> str:
    form = SearchForm(request.GET or None)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


def _columns(found: selectors.Sustainability) -> list[dict[str, Any]]:
    """The table's figures: each headline indicator with the period it is at."""
    columns = []
    for key in selectors.HEADLINE:
        indicator = selectors.BY_KEY[key]
        when = found.when(key)
        columns.append({"key": key, "indicator": indicator, "when": when.label if when else ""})
    return columns


@require_safe
@collective_page(SECTION)
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    found = selectors.collective_sustainability(membership.collective_id)
    query = _query(request)
    rows = found.matching(query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sustainability/overview.html",
        {
            "title": "Sustainability",
            "membership": membership,
            "is_convenor": membership.role == Role.CONVENOR,
            "found": found,
            "form": SearchForm(request.GET or None),
            "query": query,
            "query_string": ("&" + urlencode({"q": query})) if query else "",
            "page": page,
            "columns": _columns(found),
            "fmt": selectors.format_value,
            "funnel": selectors.list_funnel(found) if found.imported else None,
            "command": COMMAND,
            "min_list": selectors.MIN_LIST,
            "breadcrumbs": _crumbs(membership),
        },
    )


def _number(value: float | None, indicator: selectors.Indicator) -> float | str:
    return "" if value is None else round(value, indicator.decimals + 2)


def _export_rows(found: selectors.Sustainability, query: str) -> Iterator[list[Any]]:
    indicators = [i for i in selectors.INDICATORS if found.when(i.key)]
    yield [
        "Practice",
        "ODS code",
        "PCN",
        "Contract type",
        "Dispensing",
        "Rurality",
        "Profile period",
        *(f"{i.label} ({i.unit}, {found.when(i.key).label})" for i in indicators),  # type: ignore[union-attr]
    ]
    for p in found.matching(query):
        profile = p.profile
        yield [
            p.name,
            p.ods_code,
            p.pcn_name,
            profile.contract_type if profile else "",
            profile.dispensing if profile else "",
            profile.rurality if profile else "",
            profile.period if profile else "",
            *(_number(p.values.get(i.key), i) for i in indicators),
        ]
    for name, values in (
        ("The collective", found.collective),
        ("England", {i.key: found.england(i.key) for i in indicators}),
    ):
        yield [name, "", "", "", "", "", "", *(_number(values.get(i.key), i) for i in indicators)]


def _export(membership: Membership, request: HttpRequest) -> tuple[list[list[Any]], str]:
    access.require_reader(membership)
    found = selectors.collective_sustainability(membership.collective_id)
    return list(_export_rows(found, _query(request))), (
        f"{membership.collective.slug}-practice-figures"
    )


@export_view
@require_safe
@collective_page(SECTION)
def overview_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows, name = _export(membership, request)
    return csv_response(f"{name}.csv", rows)


@export_view
@require_safe
@collective_page(SECTION)
def overview_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows, name = _export(membership, request)
    return xlsx_response(f"{name}.xlsx", {"Practice figures": rows})


@require_safe
@collective_page(SECTION)
def practice(request: HttpRequest, membership: Membership, organisation: int) -> HttpResponse:
    organisation_id = access.get_practice_in_collective(membership, organisation)
    found = selectors.practice_page(membership.collective_id, organisation_id)
    this = found.practice
    return render(
        request,
        "sustainability/practice.html",
        {
            "title": f"{this.name}: sustainability",
            "membership": membership,
            "page": found,
            "practice": this,
            "command": COMMAND,
            "min_list": selectors.MIN_LIST,
            "breadcrumbs": _crumbs(membership, (this.name, request.path)),
        },
    )


# The upload, for convenors ----------------------------------------------------------------


@collective_page(SECTION, convenor_only=True)
def imports(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        run = practice_data_import_queue(
            actor_membership=membership,
            uploads=form.cleaned_data["upload"],
            period=form.cleaned_data["period"],
        )
        messages.success(request, "The import has started. This page shows its progress.")
        return redirect("sustainability:import_run", membership.collective.slug, run.pk)
    page = Paginator(selectors.imports_of(membership.collective_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sustainability/imports.html",
        {
            "title": "Import national figures",
            "membership": membership,
            "form": form,
            "page": page,
            "latest": selectors.latest_national_import(),
            "command": COMMAND,
            "breadcrumbs": _crumbs(membership, ("Import national figures", request.path)),
        },
    )


def _run_context(run: PracticeDataImport) -> dict[str, Any]:
    running = run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    progress = cache.get(progress_key(run.pk)) if running else None
    share = 0
    if progress and progress.get("total"):
        share = int(100 * min(progress["done"], progress["total"]) / progress["total"])
    return {"run": run, "progress": progress, "share": share, "finished": not running}


@require_safe
@collective_page(SECTION, convenor_only=True)
def import_run(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    run = access.get_import_in_collective(membership, pk)
    slug = membership.collective.slug
    context = {**_run_context(run), "slug": slug}
    if request.headers.get("HX-Request"):
        return render(request, "sustainability/_import_progress.html", context)
    return render(
        request,
        "sustainability/import_run.html",
        {
            **context,
            "membership": membership,
            "title": f"Import of {run.started_at:%d %B %Y %H:%M}",
            "breadcrumbs": _crumbs(
                membership,
                ("Import national figures", reverse("sustainability:imports", args=[slug])),
                (f"Import of {run.started_at:%d %B %Y %H:%M}", request.path),
            ),
        },
    )
