"""The register's and the ledger's API: services, their practices, stage, decisions, ways of
working (versions and answers), benefit measures (values and the run chart's figures) and
what a practice has agreed.

Thin, like the pages: every rule is in shared_services.services and shared_services.access
(an API client cannot do what the person could not), the reads in shared_services.selectors.
Services raise, and the API's exception handler answers 400 or 403; an object of another
collective is not found.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from shared_services import access, selectors, services
from shared_services.models import SharedService
from shared_services.serializers import (
    AgreementOutput,
    DecisionLinkInput,
    LeaveInput,
    MeasureInput,
    MeasureOutput,
    PracticeInput,
    ServiceChangeInput,
    ServiceDetailOutput,
    ServiceFilter,
    ServiceInput,
    ServiceOutput,
    SettingsIO,
    StageInput,
    ValuesInput,
    VersionInput,
    WayAnswerInput,
    WayInput,
    WayOutput,
)


def _reader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _service_row(service: SharedService, practices: int) -> dict[str, Any]:
    lead = service.lead
    return {
        "id": service.pk,
        "name": service.name,
        "kind": service.kind,
        "host": service.host,
        "lead": {"id": lead.pk, "display_name": lead.display_name} if lead else None,
        "stage": service.stage,
        "purpose": service.purpose,
        "service_levels": service.service_levels,
        "practices": practices,
    }


def _service_detail(membership: Membership, pk: int) -> dict[str, Any]:
    service = access.get_service_in_collective(membership, pk)
    ledger = selectors.ledger(service)
    detail = selectors.service_detail(service)
    return dict(
        ServiceDetailOutput(
            {
                **_service_row(service, ledger.participants),
                "ways": [
                    {
                        "id": c.way.pk,
                        "title": c.way.title,
                        "version": c.version.number,
                        "agreed": c.agreed,
                    }
                    for c in ledger.columns
                ],
                "ledger": [
                    {
                        "organisation": row.practice,
                        "joined_on": row.participation.joined_on,
                        "answers": [
                            {
                                "way": column.way.pk,
                                "answer": cell.answer.answer if cell.answer else None,
                                "version": cell.answer.version.number if cell.answer else None,
                                "agreed": cell.agreed,
                                "in_words": cell.label,
                            }
                            for column, cell in zip(ledger.columns, row.cells, strict=True)
                        ],
                    }
                    for row in ledger.rows
                ],
                "can_go_live": all(row.agreed_all for row in ledger.rows),
                "history": [
                    {
                        "from_stage": m.from_stage,
                        "to_stage": m.to_stage,
                        "by": m.by.display_name if m.by else None,
                        "reason": m.reason,
                        "at": m.at,
                    }
                    for m in detail["moves"]  # type: ignore[attr-defined]
                ],
                "decisions": detail["decisions"],
                "measures": detail["measures"],
            }
        ).data
    )


class ServiceList(generics.ListAPIView):
    """The collective's shared services (every member but guests), by name. POST adds one,
    at the idea stage (convenors)."""

    serializer_class = ServiceOutput

    @extend_schema(parameters=[ServiceFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(ServiceFilter, request)
        found = selectors.service_list(
            membership.collective_id, q=filters.get("q", ""), stage=filters.get("stage", "")
        )
        return paged_response(
            self,
            found,
            lambda page: (
                ServiceOutput(
                    [_service_row(s, s.practices) for s in page],  # type: ignore[attr-defined]
                    many=True,
                ).data
            ),
        )

    @extend_schema(request=ServiceInput, responses={201: ServiceDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(ServiceInput, request)
        service = services.service_create(actor_membership=membership, **data)
        return Response(_service_detail(membership, service.pk), status=status.HTTP_201_CREATED)


class ServiceDetail(APIView):
    """A service with its ways of working, each current practice's answers, its history,
    decisions and benefit measures. PATCH changes its details (its lead or a convenor; only
    a convenor names another lead)."""

    serializer_class = ServiceDetailOutput

    @extend_schema(responses=ServiceDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_service_detail(_reader(request, slug), pk))

    @extend_schema(request=ServiceChangeInput, responses=ServiceDetailOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(ServiceChangeInput, request)
        services.service_update(actor_membership=membership, service=service, **data)
        return Response(_service_detail(membership, pk))


class ServiceStage(APIView):
    """Move the service to another stage, saying why. Running only once every practice has
    agreed every way of working, unless the collective allows it sooner."""

    serializer_class = ServiceDetailOutput

    @extend_schema(request=StageInput, responses=ServiceDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(StageInput, request)
        services.stage_move(
            actor_membership=membership,
            service=service,
            to_stage=data["stage"],
            reason=data["reason"],
        )
        return Response(_service_detail(membership, pk))


class ServicePractices(APIView):
    """Add a member practice to the service."""

    serializer_class = ServiceDetailOutput

    @extend_schema(request=PracticeInput, responses={201: ServiceDetailOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(PracticeInput, request)
        services.participant_add(actor_membership=membership, service=service, **data)
        return Response(_service_detail(membership, pk), status=status.HTTP_201_CREATED)


class ServicePracticeLeave(APIView):
    """Record that a practice leaves the service (its answers are kept)."""

    serializer_class = ServiceDetailOutput

    @extend_schema(request=LeaveInput, responses=ServiceDetailOutput)
    def post(self, request: Request, slug: str, pk: int, organisation: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(LeaveInput, request)
        services.participant_leave(
            actor_membership=membership, service=service, organisation=organisation, **data
        )
        return Response(_service_detail(membership, pk))


class ServiceDecisions(APIView):
    """Link a consensus decision of the collective to the service, or remove the link."""

    serializer_class = ServiceDetailOutput

    @extend_schema(request=DecisionLinkInput, responses=ServiceDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(DecisionLinkInput, request)
        services.service_decision_link(actor_membership=membership, service=service, **data)
        return Response(_service_detail(membership, pk))


def _way(membership: Membership, pk: int) -> dict[str, Any]:
    way = access.get_way_in_collective(membership, pk)
    answers = [a for found in selectors.answers_by_practice(way).values() for a in found]
    return dict(
        WayOutput(
            {
                "id": way.pk,
                "title": way.title,
                "service": way.service_id,
                "versions": selectors.versions_of(way),
                "answers": [
                    {
                        "organisation": a.organisation,
                        "version": a.version.number,
                        "answer": a.answer,
                        "variation": a.variation,
                        "variation_reason": a.variation_reason,
                        "variation_until": a.variation_until,
                        "would_help": a.would_help,
                        "reason": a.reason,
                        "answered_at": a.answered_at,
                    }
                    for a in answers
                ],
            }
        ).data
    )


class ServiceWays(APIView):
    """Add a way of working to the service, at version 1 (its lead or a convenor)."""

    serializer_class = WayOutput

    @extend_schema(request=WayInput, responses={201: WayOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        data = valid_input(WayInput, request)
        way = services.way_add(actor_membership=membership, service=service, **data)
        return Response(_way(membership, way.pk), status=status.HTTP_201_CREATED)


class WayDetail(APIView):
    """A way of working: its versions (the current first) and every practice's answers."""

    serializer_class = WayOutput

    @extend_schema(responses=WayOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_way(_reader(request, slug), pk))


class WayVersions(APIView):
    """Send a new version: every practice is asked again; older answers are kept."""

    serializer_class = WayOutput

    @extend_schema(request=VersionInput, responses={201: WayOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        way = access.get_way_in_collective(membership, pk)
        services.way_revise(
            actor_membership=membership, way=way, **valid_input(VersionInput, request)
        )
        return Response(_way(membership, pk), status=status.HTTP_201_CREATED)


class WayAnswer(APIView):
    """The caller's practice's answer to the current version (its representative or
    deputy): agreed; agreed with a variation (what, why, until when); not yet (what would
    help); or declined (why)."""

    serializer_class = WayOutput

    @extend_schema(request=WayAnswerInput, responses=WayOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        way = access.get_way_in_collective(membership, pk)
        services.way_answer(
            actor_membership=membership, way=way, **valid_input(WayAnswerInput, request)
        )
        return Response(_way(membership, pk))


def _measure(membership: Membership, pk: int) -> dict[str, Any]:
    measure = access.get_measure_in_collective(membership, pk)
    chart = selectors.run_chart(measure)
    return dict(
        MeasureOutput(
            {
                "id": measure.pk,
                "service": measure.service_id,
                "name": measure.name,
                "unit": measure.unit,
                "better": measure.better,
                "baseline": measure.baseline,
                "target": measure.target,
                "mean": chart.mean,
                "lower_limit": chart.limits.lower if chart.limits else None,
                "upper_limit": chart.limits.upper if chart.limits else None,
                "variation": chart.variation,
                "points": [
                    {"month": p.label, "value": p.value, "signals": list(p.signals), "kind": p.kind}
                    for p in chart.points
                ],
            }
        ).data
    )


class ServiceMeasures(APIView):
    """Add a benefit measure to the service (its lead or a convenor)."""

    serializer_class = MeasureOutput

    @extend_schema(request=MeasureInput, responses={201: MeasureOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        service = access.get_service_in_collective(membership, pk)
        measure = services.measure_add(
            actor_membership=membership, service=service, **valid_input(MeasureInput, request)
        )
        return Response(_measure(membership, measure.pk), status=status.HTTP_201_CREATED)


class MeasureDetail(APIView):
    """A benefit measure's monthly values with the run chart's mean, process limits and
    special-cause signals (Making Data Count)."""

    serializer_class = MeasureOutput

    @extend_schema(responses=MeasureOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_measure(_reader(request, slug), pk))


class MeasureValues(APIView):
    """Enter or correct monthly values (its lead or a convenor)."""

    serializer_class = MeasureOutput

    @extend_schema(request=ValuesInput, responses=MeasureOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        measure = access.get_measure_in_collective(membership, pk)
        data = valid_input(ValuesInput, request)
        services.measure_values_set(
            actor_membership=membership,
            measure=measure,
            values=[(v["month"], v["value"]) for v in data["values"]],
        )
        return Response(_measure(membership, pk))


class Agreed(APIView):
    """What a member practice has agreed to do the shared way: every way of working it has
    given up, to whom, since when, with its variations."""

    serializer_class = AgreementOutput

    @extend_schema(responses=AgreementOutput(many=True))
    def get(self, request: Request, slug: str, organisation: int) -> Response:
        membership = _reader(request, slug)
        practice = access.get_member_organisation(membership, organisation)
        rows = [
            {
                "service": a.way.service.name,
                "host": a.way.service.host,
                "way": a.way.pk,
                "title": a.way.title,
                "version": a.answer.version.number,
                "current_version": a.latest_version,
                "answer": a.answer.answer,
                "since": a.answer.answered_at,
                "variation": a.answer.variation,
                "variation_until": a.answer.variation_until,
                "expired": a.expired,
            }
            for a in selectors.agreements_of(membership.collective_id, practice.pk)
        ]
        return Response(AgreementOutput(rows, many=True).data)


class Settings(APIView):
    """The collective's shared services settings: whether a service may go live before
    every practice agrees, and the thresholds of practices under pressure. PATCH is for
    convenors."""

    serializer_class = SettingsIO

    @extend_schema(responses=SettingsIO)
    def get(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        return Response(SettingsIO(selectors.settings_of(membership.collective_id)).data)

    @extend_schema(request=SettingsIO, responses=SettingsIO)
    def patch(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        changed = services.settings_update(
            actor_membership=membership, **valid_input(SettingsIO, request)
        )
        return Response(SettingsIO(changed).data)


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


S = "collectives/<slug:slug>/shared-services/"
routes: list[URLPattern] = [
    path(S, _api(ServiceList), name="shared_services"),
    path(S + "settings/", _api(Settings), name="shared_services_settings"),
    path(S + "<id:pk>/", _api(ServiceDetail), name="shared_service"),
    path(S + "<id:pk>/stage/", _api(ServiceStage), name="shared_service_stage"),
    path(S + "<id:pk>/practices/", _api(ServicePractices), name="shared_service_practices"),
    path(
        S + "<id:pk>/practices/<id:organisation>/leave/",
        _api(ServicePracticeLeave),
        name="shared_service_practice_leave",
    ),
    path(S + "<id:pk>/decisions/", _api(ServiceDecisions), name="shared_service_decisions"),
    path(S + "<id:pk>/ways/", _api(ServiceWays), name="shared_service_ways"),
    path(S + "<id:pk>/measures/", _api(ServiceMeasures), name="shared_service_measures"),
    path(S + "ways/<id:pk>/", _api(WayDetail), name="shared_way"),
    path(S + "ways/<id:pk>/versions/", _api(WayVersions), name="shared_way_versions"),
    path(S + "ways/<id:pk>/answer/", _api(WayAnswer), name="shared_way_answer"),
    path(S + "measures/<id:pk>/", _api(MeasureDetail), name="shared_measure"),
    path(S + "measures/<id:pk>/values/", _api(MeasureValues), name="shared_measure_values"),
    path(S + "agreed/<id:organisation>/", _api(Agreed), name="shared_agreed"),
]
