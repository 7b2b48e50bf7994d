"""The sustainability API: the collective's practices with their national figures, one
practice against its PCN, the collective and England, and the convenors' imports of the
national files.

Thin, like the pages: who may see what is sustainability.access (every member but guests
reads the figures; convenors import), the figures are sustainability.selectors', and an
upload runs the same background import as the page (sustainability.tasks). Each answer runs
a fixed number of queries whatever the number of practices and periods.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from sustainability import access, selectors
from sustainability.models import ImportStatus, PracticeDataImport
from sustainability.serializers import (
    PracticeFigureDetailOutput,
    PracticeFigureFilter,
    PracticeFiguresOutput,
    PracticeImportInput,
    PracticeImportOutput,
)
from sustainability.tasks import practice_data_import_queue, progress_key


def _practice(found: selectors.Sustainability, practice: selectors.Practice) -> dict[str, Any]:
    profile = practice.profile
    figures = []
    for indicator in selectors.INDICATORS:
        when = found.when(indicator.key)
        if when is not None:
            figures.append(
                {
                    "indicator": indicator.key,
                    "label": indicator.label,
                    "unit": indicator.unit,
                    "period": when.label,
                    "value": practice.values.get(indicator.key),
                }
            )
    return {
        "organisation": practice.organisation_id,
        "name": practice.name,
        "ods_code": practice.ods_code,
        "pcn": practice.pcn_id,
        "pcn_name": practice.pcn_name,
        "contract_type": profile.contract_type if profile else "",
        "dispensing": profile.dispensing if profile else "",
        "rurality": profile.rurality if profile else "",
        "practice_type": profile.practice_type if profile else "",
        "profile_period": profile.period if profile else "",
        "figures": figures,
    }


class PracticeFigureList(generics.ListAPIView):
    """The collective's member practices, by name, each with its figures at the latest
    period England has for each (null where the practice's is not published). Never
    ranked. Every member but guests may read them."""

    serializer_class = PracticeFiguresOutput

    @extend_schema(parameters=[PracticeFigureFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = get_membership_for_user(request.user, self.kwargs["slug"])
        access.require_reader(membership)
        filters = valid_query(PracticeFigureFilter, request)
        found = selectors.collective_sustainability(membership.collective_id)
        rows = found.matching(filters.get("q", ""))
        return paged_response(
            self,
            rows,
            lambda page: PracticeFiguresOutput([_practice(found, p) for p in page], many=True).data,
        )


def _comparison(spine: selectors.Spine) -> dict[str, Any]:
    spread = spine.spread
    comparison = spine.chart.comparison if spine.chart else None
    return {
        "indicator": spine.indicator.key,
        "label": spine.indicator.label,
        "unit": spine.indicator.unit,
        "period": spine.when.label if spine.when else "",
        "practice": spine.practice,
        "pcn": spine.pcn,
        "collective": spine.collective,
        "england": spread.england if spread else None,
        "england_count": spread.count if spread else 0,
        "england_lowest": spread.lowest if spread else None,
        "england_25th_percentile": spread.p25 if spread else None,
        "england_median": spread.median if spread else None,
        "england_75th_percentile": spread.p75 if spread else None,
        "england_highest": spread.highest if spread else None,
        "against_england": comparison.direction if comparison else "",
        "reason": comparison.reason if comparison else spine.why_no_chart,
    }


class PracticeFigureDetail(APIView):
    """One member practice against its PCN (all of its practices in the national data),
    the collective and England, figure by figure, with England's spread over its practices
    (what the page's spine charts draw); and its figures in every period published."""

    @extend_schema(responses=PracticeFigureDetailOutput)
    def get(self, request: Request, slug: str, organisation: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        organisation_id = access.get_practice_in_collective(membership, organisation)
        page = selectors.practice_page(membership.collective_id, organisation_id)
        data = {
            **_practice(page.found, page.practice),
            "comparisons": [_comparison(spine) for spine in page.spines],
            "history": [
                {
                    "period": h.period,
                    "figures": [
                        {"indicator": key, "value": value} for key, value in h.values.items()
                    ],
                }
                for h in page.history
            ],
        }
        return Response(PracticeFigureDetailOutput(data).data)


def _with_progress(run: PracticeDataImport) -> PracticeDataImport:
    if run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        run.progress = cache.get(progress_key(run.pk))  # type: ignore[attr-defined]
    return run


class PracticeImportList(generics.ListAPIView):
    """The imports of national files the collective's convenors started, newest first.
    POST uploads one file (multipart, as the page does) and starts its import in the
    background: the answer is the queued run; follow its status at its own address. Every
    file is read before anything is written, and importing the same file again changes
    nothing. Convenors only."""

    serializer_class = PracticeImportOutput
    parser_classes = [MultiPartParser]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = get_membership_for_user(request.user, self.kwargs["slug"])
        access.require_convenor(membership)
        runs = selectors.imports_of(membership.collective_id)
        return paged_response(self, runs, lambda page: PracticeImportOutput(page, many=True).data)

    @extend_schema(request=PracticeImportInput, responses={202: PracticeImportOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        access.require_convenor(membership)
        data = valid_input(PracticeImportInput, request)
        run = practice_data_import_queue(
            actor_membership=membership, uploads=[data["file"]], period=data.get("period", "")
        )
        run = access.get_import_in_collective(membership, run.pk)
        return Response(
            PracticeImportOutput(_with_progress(run)).data, status=status.HTTP_202_ACCEPTED
        )


class PracticeImportDetail(APIView):
    """One import the collective's convenors started: queued, running (with its progress),
    imported (what it read and changed) or failed (the error names the file, row and
    column; nothing was changed). Convenors only."""

    @extend_schema(responses=PracticeImportOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        run = access.get_import_in_collective(membership, pk)
        return Response(PracticeImportOutput(_with_progress(run)).data)
