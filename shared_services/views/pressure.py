"""Practices under pressure, and the shared services they are and are not in.

The national figures and the flags are sustainability's (sustainability.selectors.pressures,
on sustainability.comparisons' flag functions); the thresholds are the collective's
(SharedServicesSettings, the defaults until a convenor changes them); the services are this
app's. A fixed number of queries whatever the number of practices, services and periods.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from alliance.exports import csv_response, export_view, xlsx_response
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership, Role
from shared_services import access, selectors, services
from shared_services.models import SharedService, SharedServicesSettings, Stage
from shared_services.views.common import PAGE_SIZE, SearchForm, search_text
from sustainability import selectors as figures

SECTION = "sustainability"


@dataclass
class Row:
    pressure: figures.Pressure
    services_in: list[SharedService] = field(default_factory=list)
    services_not_in: list[SharedService] = field(default_factory=list)

    @property
    def practice(self) -> figures.Practice:
        return self.pressure.practice


@dataclass
class Pressures:
    settings: SharedServicesSettings
    found: figures.Sustainability
    rows: list[Row]  # the flagged practices, by name
    judged: int  # practices with the figures for at least one flag
    services: list[SharedService]


def thresholds_of(settings: SharedServicesSettings) -> figures.Thresholds:
    return figures.Thresholds(
        list_fall_per_year=float(settings.list_fall_per_year),
        locum_centile=float(settings.locum_centile),
        min_gp_fte_per_1000=float(settings.min_gp_fte_per_1000),
    )


def pressures_of(membership: Membership) -> Pressures:
    """The collective's flagged practices with the open services they are and are not in."""
    access.require_reader(membership)
    settings = selectors.settings_of(membership.collective_id)
    found = figures.collective_sustainability(membership.collective_id, with_values=True)
    judged = figures.pressures(found, thresholds_of(settings))
    open_services = [
        s
        for s in selectors.service_list(membership.collective_id).prefetch_related("participations")
        if s.stage != Stage.CLOSED
    ]
    taking_part: dict[int, set[int]] = defaultdict(set)
    for service in open_services:
        for participation in service.participations.all():
            if participation.left_on is None:
                taking_part[participation.organisation_id].add(service.pk)
    rows = []
    for pressure in judged:
        if pressure.flagged:
            mine = taking_part[pressure.practice.organisation_id]
            rows.append(
                Row(
                    pressure,
                    [s for s in open_services if s.pk in mine],
                    [s for s in open_services if s.pk not in mine],
                )
            )
    return Pressures(settings, found, rows, sum(1 for p in judged if p.flags), open_services)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _matching(rows: list[Row], query: str) -> list[Row]:
    text = " ".join(query.lower().split())
    if not text:
        return rows
    return [
        r
        for r in rows
        if any(
            text in part.lower()
            for part in (r.practice.name, r.practice.ods_code, r.practice.pcn_name)
        )
    ]


@require_safe
@collective_page(SECTION)
def pressure(request: HttpRequest, membership: Membership) -> HttpResponse:
    found = pressures_of(membership)
    query = search_text(request.GET)
    rows = _matching(found.rows, query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    slug = membership.collective.slug
    return render(
        request,
        "shared_services/pressure.html",
        {
            "title": "Practices under pressure",
            "membership": membership,
            "is_convenor": membership.role == Role.CONVENOR,
            "found": found,
            "centile": ordinal(found.settings.locum_centile),
            "form": SearchForm(request.GET or None),
            "query": query,
            "query_string": ("&" + urlencode({"q": query})) if query else "",
            "page": page,
            "breadcrumbs": _crumbs(slug, membership, ("Practices under pressure", request.path)),
        },
    )


def _crumbs(slug: str, membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Sustainability", "href": reverse("sustainability:overview", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def _export_rows(found: Pressures, query: str) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "Practice",
            "ODS code",
            "PCN",
            "List falling",
            "Locum allowances",
            "GP FTE",
            "Shared services it is in",
            "Shared services it is not in",
        ]
    ]
    for row in _matching(found.rows, query):
        p = row.pressure
        rows.append(
            [
                row.practice.name,
                row.practice.ods_code,
                row.practice.pcn_name,
                *(
                    (flag.reason if flag.flagged else "") if flag else ""
                    for flag in (p.list_falling, p.locum, p.gp_fte)
                ),
                "; ".join(s.name for s in row.services_in),
                "; ".join(s.name for s in row.services_not_in),
            ]
        )
    return rows


@export_view
@require_safe
@collective_page(SECTION)
def pressure_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = _export_rows(pressures_of(membership), search_text(request.GET))
    return csv_response(f"{membership.collective.slug}-practices-under-pressure.csv", rows)


@export_view
@require_safe
@collective_page(SECTION)
def pressure_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = _export_rows(pressures_of(membership), search_text(request.GET))
    return xlsx_response(
        f"{membership.collective.slug}-practices-under-pressure.xlsx",
        {"Practices under pressure": rows},
    )


class ThresholdsForm(forms.Form):
    list_fall_per_year = forms.DecimalField(
        label="Flag a practice whose registered list fell by more than this, in % a year",
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text="From its list a year or more before its latest, as a compound rate a year. "
        "The default is 5.",
    )
    locum_centile = forms.IntegerField(
        label="Flag a practice whose locum allowances per patient are above this centile of "
        "England's practices",
        min_value=1,
        max_value=99,
        help_text="A whole number from 1 to 99. The default is 90: above 9 in 10 practices.",
    )
    min_gp_fte_per_1000 = forms.DecimalField(
        label="Flag a practice with fewer GP FTE per 1,000 patients than this",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text="Full-time equivalent GPs in the latest workforce census. The default is 0.4.",
    )


@collective_page(SECTION, convenor_only=True)
def pressure_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    current = selectors.settings_of(membership.collective_id)
    fields = list(ThresholdsForm.base_fields)
    form = ThresholdsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(current, name) for name in fields},
    )
    slug = membership.collective.slug
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor_membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The thresholds are saved.")
            return redirect("shared_services:pressure", slug)
    return render(
        request,
        "shared_services/pressure_settings.html",
        {
            "title": "Thresholds for practices under pressure",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(
                slug,
                membership,
                ("Practices under pressure", reverse("shared_services:pressure", args=[slug])),
                ("Thresholds", request.path),
            ),
        },
    )


C = "c/<slug:slug>/sustainability/"
routes: list[URLPattern] = [
    path(C + "pressure/", pressure, name="pressure"),
    path(C + "pressure.csv", pressure_csv, name="pressure_csv"),
    path(C + "pressure.xlsx", pressure_xlsx, name="pressure_xlsx"),
    path(C + "pressure/thresholds/", pressure_settings, name="pressure_settings"),
]
