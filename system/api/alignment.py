"""The agenda alignment API: priorities (ours, a system organisation's, a stakeholder's own)
and the overlaps where ours meet theirs.

Thin, like the pages: system.selectors_alignment reads, system.services_alignment writes,
system.access says who may. The leadership group sees and changes everything; the
owner of a key relationship outside it sees our priorities, their stakeholders' and those
stakeholders' organisations', and changes their stakeholders' priorities and overlaps.
Guests, members and observers: 403. Another collective's priority or overlap: 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from system import access, services_alignment
from system import selectors_alignment as selectors
from system.models import Overlap, Priority
from system.serializers_alignment import (
    OverlapFilter,
    OverlapInput,
    OverlapOutput,
    PriorityFilter,
    PriorityInput,
    PriorityOutput,
)


def _member(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    access.require_sees_alignment(membership)
    return membership


def _named(membership: Membership, field: str, pk: int) -> Priority:
    """A priority a request names: one the caller sees, or a 400 naming the field."""
    try:
        return access.get_priority_for(membership, pk)
    except Http404:
        raise ValidationError({field: [f"No priority you can see has id {pk}."]}) from None


class PriorityList(generics.ListAPIView):
    """The priorities the caller sees (filters: whose, organisation, stakeholder, q). POST
    adds one: ours (optionally with one of our decisions), an organisation's, or a
    stakeholder's own."""

    serializer_class = PriorityOutput

    @extend_schema(parameters=[PriorityFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Priority]:
        membership = _member(self.request, self.kwargs["slug"])
        filters = valid_query(PriorityFilter, self.request)
        return selectors.priorities_filtered(
            membership,
            whose=filters.get("whose", ""),
            organisation=filters.get("organisation"),
            stakeholder=filters.get("stakeholder"),
            q=filters.get("q", ""),
        )

    @extend_schema(request=PriorityInput, responses={201: PriorityOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _member(request, slug)
        data = valid_input(PriorityInput, request)
        priority = services_alignment.priority_add(
            actor_membership=membership,
            whose=data["whose"],
            text=data["text"],
            organisation=data.get("organisation"),
            stakeholder=data.get("stakeholder"),
            decision=data.get("decision"),
        )
        found = access.get_priority_for(membership, priority.pk)
        return Response(PriorityOutput(found).data, status=status.HTTP_201_CREATED)


class PriorityDetail(APIView):
    """A priority. DELETE deletes it with the overlaps marked with it (ours and an
    organisation's: the leadership group; a stakeholder's: also their key relationship's
    owner)."""

    serializer_class = PriorityOutput

    @extend_schema(responses=PriorityOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = _member(request, slug)
        return Response(PriorityOutput(access.get_priority_for(membership, pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _member(request, slug)
        priority = access.get_priority_for(membership, pk)
        services_alignment.priority_delete(actor_membership=membership, priority=priority)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OverlapList(generics.ListAPIView):
    """Where our priorities meet theirs (filters: organisation, ours). POST marks one."""

    serializer_class = OverlapOutput

    @extend_schema(parameters=[OverlapFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Overlap]:
        membership = _member(self.request, self.kwargs["slug"])
        filters = valid_query(OverlapFilter, self.request)
        return selectors.overlaps_filtered(
            membership, organisation=filters.get("organisation"), ours=filters.get("ours")
        )

    @extend_schema(request=OverlapInput, responses={201: OverlapOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _member(request, slug)
        data = valid_input(OverlapInput, request)
        overlap = services_alignment.overlap_mark(
            actor_membership=membership,
            ours=_named(membership, "ours", data["ours"]),
            theirs=_named(membership, "theirs", data["theirs"]),
            note=data.get("note", ""),
        )
        found = access.get_overlap_for(membership, overlap.pk)
        return Response(OverlapOutput(found).data, status=status.HTTP_201_CREATED)


class OverlapDetail(APIView):
    """An overlap. DELETE removes the mark (both priorities stay)."""

    serializer_class = OverlapOutput

    @extend_schema(responses=OverlapOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = _member(request, slug)
        return Response(OverlapOutput(access.get_overlap_for(membership, pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _member(request, slug)
        overlap = access.get_overlap_for(membership, pk)
        services_alignment.overlap_delete(actor_membership=membership, overlap=overlap)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _api(view: Any) -> Any:
    # The API authenticates by token itself (401 for anonymous), not by redirect to sign in.
    return login_not_required(view)


C = "collectives/<slug:slug>/"
routes: list[URLPattern] = [
    path(C + "priorities/", _api(PriorityList.as_view()), name="system_priorities"),
    path(C + "priorities/<id:pk>/", _api(PriorityDetail.as_view()), name="system_priority"),
    path(C + "overlaps/", _api(OverlapList.as_view()), name="system_overlaps"),
    path(C + "overlaps/<id:pk>/", _api(OverlapDetail.as_view()), name="system_overlap"),
]
