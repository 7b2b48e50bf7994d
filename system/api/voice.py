"""The provider voice's API: the needs with their ranking, raising one, a practice's support
(and taking it back), the leadership group's priorities, negotiation mandates, their
meetings, offers and notes, and their outcome; and what became of a practice's needs.

Thin, like the pages: every rule is in system.services_voice and system.access (an API
client cannot do what the person could not), the reads in system.selectors_voice. A
mandate's limits are in the answer only for the leadership group: anyone else's answer is
written by a serializer that has no such field.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from system import access
from system import selectors_voice as selectors
from system import services_voice as services
from system.models import Mandate, NegotiationEvent
from system.selectors_voice import RankedNeed
from system.serializers_voice import (
    LeadershipMandateDetailOutput,
    LeadershipMandateOutput,
    MandateChangeInput,
    MandateDetailOutput,
    MandateFilter,
    MandateInput,
    MandateOutcomeInput,
    MandateOutput,
    NeedDetailOutput,
    NeedFilter,
    NeedInput,
    NeedOutput,
    NeedPrioritiseInput,
    NeedSupportInput,
    NegotiationEventInput,
    NegotiationEventOutput,
    PracticeNeedOutput,
)


def _reader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _need_row(row: RankedNeed) -> dict[str, Any]:
    need = row.need
    return {
        "id": need.pk,
        "title": need.title,
        "detail": need.detail,
        "practice": need.practice,
        "raised_at": need.raised_at,
        "status": need.status,
        "priority": need.priority,
        "outcome": need.outcome,
        "outcome_at": need.outcome_at,
        "practices": row.practices,
        "patients": row.patients,
        "supporters": [
            {"practice": s.practice, "evidence": s.evidence, "at": s.at} for s in row.supports
        ],
    }


def _need_detail(membership: Membership, pk: int) -> dict[str, Any]:
    need = access.get_need(membership, pk)
    row, _ = selectors.need_ranked(need)
    return dict(
        NeedDetailOutput(
            {
                **_need_row(row),
                "mandates": [
                    {"id": m.pk, "of_whom": m.of_whom, "status": m.status}
                    for m in selectors.mandates_of_need(need)
                ],
            }
        ).data
    )


class NeedList(generics.ListAPIView):
    """The collective's needs (every member but guests), the open ones first, ranked by the
    practices behind them (the raiser and its supporters) and then the registered patients
    they serve. POST raises one for the caller's practice (a member practice's
    representative or deputy)."""

    serializer_class = NeedOutput

    @extend_schema(parameters=[NeedFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(NeedFilter, request)
        ranking = selectors.needs_ranked(
            collective_id=membership.collective_id,
            q=filters.get("q", ""),
            status=filters.get("status", ""),
        )
        return paged_response(
            self,
            ranking.needs,
            lambda page: NeedOutput([_need_row(r) for r in page], many=True).data,
        )

    @extend_schema(request=NeedInput, responses={201: NeedDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        need = services.need_raise(actor_membership=membership, **valid_input(NeedInput, request))
        return Response(_need_detail(membership, need.pk), status=status.HTTP_201_CREATED)


class NeedDetail(APIView):
    """A need with the practices behind it, their evidence, the patients they serve and its
    mandates."""

    serializer_class = NeedDetailOutput

    @extend_schema(responses=NeedDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_need_detail(_reader(request, slug), pk))


class NeedSupportView(APIView):
    """PUT: the caller's practice supports the need, with one line of evidence (a member
    practice's representative or deputy; not the practice that raised it). DELETE: it takes
    its support back."""

    serializer_class = NeedDetailOutput

    @extend_schema(request=NeedSupportInput, responses=NeedDetailOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        need = access.get_need(membership, pk)
        data = valid_input(NeedSupportInput, request)
        services.need_support(actor_membership=membership, need=need, **data)
        return Response(_need_detail(membership, pk))

    # A DELETE is documented as 204 unless told: this one answers 200 with the need.
    @extend_schema(request=None, responses={200: NeedDetailOutput})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        need = access.get_need(membership, pk)
        services.need_support_withdraw(actor_membership=membership, need=need)
        return Response(_need_detail(membership, pk))


class NeedPrioritise(APIView):
    """The leadership group prioritises the need (1 first) or sets it aside, saying why."""

    serializer_class = NeedDetailOutput

    @extend_schema(request=NeedPrioritiseInput, responses=NeedDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        need = access.get_need(membership, pk)
        data = valid_input(NeedPrioritiseInput, request)
        services.need_prioritise(actor_membership=membership, need=need, **data)
        return Response(_need_detail(membership, pk))


class PracticeNeeds(generics.ListAPIView):
    """Every need a member practice raised or supported, newest first, with what became of
    it."""

    serializer_class = PracticeNeedOutput

    @extend_schema(responses=PracticeNeedOutput(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        practice = selectors.member_practice(membership.collective_id, self.kwargs["organisation"])
        if practice is None:
            raise Http404("No such member practice.")
        found = selectors.practice_needs(
            collective_id=membership.collective_id, organisation_id=practice.pk
        )
        patients = selectors.patients_of_practices(membership.collective_id)

        def build(page: list[Any]) -> Any:
            rows = selectors.practice_rows(page, practice.pk)
            needs = selectors.with_patients([r.need for r in rows], patients)
            return PracticeNeedOutput(
                [
                    {
                        "how": "raised" if item.raised else "supported",
                        "evidence": item.evidence,
                        "need": _need_row(ranked),
                    }
                    for item, ranked in zip(rows, needs, strict=True)
                ],
                many=True,
            ).data

        return paged_response(self, found, build)


# Mandates -----------------------------------------------------------------------------------


def _mandate_row(mandate: Mandate, events: int, limits: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": mandate.pk,
        "need": {
            "id": mandate.need.pk,
            "title": mandate.need.title,
            "practice": mandate.need.practice,
        },
        "ask": mandate.ask,
        "of_whom": mandate.of_whom,
        "opening_position": mandate.opening_position,
        "status": mandate.status,
        "outcome": mandate.outcome,
        "outcome_at": mandate.outcome_at,
        "briefing": mandate.briefing_id,
        "created_at": mandate.created_at,
        "events": events,
    }
    if limits:
        row["limits"] = mandate.limits
    return row


def _event_row(event: NegotiationEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "happened_on": event.happened_on,
        "text": event.text,
        "recorded_by": event.recorded_by.display_name if event.recorded_by else None,
        "recorded_at": event.recorded_at,
    }


def _mandate_detail(membership: Membership, pk: int) -> dict[str, Any]:
    mandate = access.get_mandate(membership, pk)
    limits = access.may_see_limits(membership)
    events = selectors.events_of(mandate)
    row = {**_mandate_row(mandate, len(events), limits), "history": [_event_row(e) for e in events]}
    output = LeadershipMandateDetailOutput if limits else MandateDetailOutput
    return dict(output(row).data)


class MandateList(generics.ListAPIView):
    """The collective's negotiation mandates, newest first (every member but guests; the
    limits only for the leadership group). POST makes one from a need (the leadership
    group)."""

    serializer_class = LeadershipMandateOutput

    @extend_schema(parameters=[MandateFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(MandateFilter, request)
        found = selectors.mandates_list(
            collective_id=membership.collective_id,
            q=filters.get("q", ""),
            status=filters.get("status", ""),
        )
        limits = access.may_see_limits(membership)
        output = LeadershipMandateOutput if limits else MandateOutput
        return paged_response(
            self,
            found,
            lambda page: (
                output(
                    [_mandate_row(m, m.event_count, limits) for m in page],  # type: ignore[attr-defined]
                    many=True,
                ).data
            ),
        )

    @extend_schema(request=MandateInput, responses={201: LeadershipMandateDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(MandateInput, request)
        need = access.get_need(membership, data.pop("need"))
        mandate = services.mandate_create(actor_membership=membership, need=need, **data)
        return Response(_mandate_detail(membership, mandate.pk), status=status.HTTP_201_CREATED)


class MandateDetail(APIView):
    """A mandate with its meetings, offers and notes; its limits only for the leadership
    group. PATCH changes it while it is being negotiated (the leadership group)."""

    serializer_class = LeadershipMandateDetailOutput

    @extend_schema(responses=LeadershipMandateDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_mandate_detail(_reader(request, slug), pk))

    @extend_schema(request=MandateChangeInput, responses=LeadershipMandateDetailOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        mandate = access.get_mandate(membership, pk)
        data = valid_input(MandateChangeInput, request, partial=True)
        services.mandate_update(actor_membership=membership, mandate=mandate, **data)
        return Response(_mandate_detail(membership, pk))


class MandateEvents(APIView):
    """Record a meeting, an offer or a note in the negotiation, with its date (the
    leadership group, while it is open)."""

    serializer_class = NegotiationEventOutput

    @extend_schema(request=NegotiationEventInput, responses={201: NegotiationEventOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        mandate = access.get_mandate(membership, pk)
        data = valid_input(NegotiationEventInput, request)
        event = services.negotiation_event_record(
            actor_membership=membership, mandate=mandate, **data
        )
        return Response(
            NegotiationEventOutput(_event_row(event)).data, status=status.HTTP_201_CREATED
        )


class MandateOutcome(APIView):
    """End the negotiation (concluded or abandoned) with its outcome (the leadership group).
    The need closes; the practices behind it are told; every practice gets the outcome
    through the golden thread (the mandate's `briefing`). An outcome that reads harder than
    the collective's threshold needs `confirm_hard`."""

    serializer_class = LeadershipMandateDetailOutput
    service_fields = {"summary": "outcome"}

    @extend_schema(request=MandateOutcomeInput, responses=LeadershipMandateDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        mandate = access.get_mandate(membership, pk)
        data = valid_input(MandateOutcomeInput, request)
        services.mandate_outcome_record(actor_membership=membership, mandate=mandate, **data)
        return Response(_mandate_detail(membership, pk))


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


N = "collectives/<slug:slug>/system/needs/"
M = "collectives/<slug:slug>/system/mandates/"
routes: list[URLPattern] = [
    path(N, _api(NeedList), name="system_needs"),
    path(N + "practices/<id:organisation>/", _api(PracticeNeeds), name="system_practice_needs"),
    path(N + "<id:pk>/", _api(NeedDetail), name="system_need"),
    path(N + "<id:pk>/support/", _api(NeedSupportView), name="system_need_support"),
    path(N + "<id:pk>/prioritise/", _api(NeedPrioritise), name="system_need_prioritise"),
    path(M, _api(MandateList), name="system_mandates"),
    path(M + "<id:pk>/", _api(MandateDetail), name="system_mandate"),
    path(M + "<id:pk>/events/", _api(MandateEvents), name="system_mandate_events"),
    path(M + "<id:pk>/outcome/", _api(MandateOutcome), name="system_mandate_outcome"),
]
