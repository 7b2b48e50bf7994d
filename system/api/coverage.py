"""The coverage API: the key system organisations (a convenor sets them), the coverage of
each against our key relationships, and the warmth × sway grid.

Thin, like the pages: system.selectors_coverage reads, system.coverage decides,
system.services_coverage writes, and the access rules are system.access and
system.access: the leadership group sees everyone, the owner of a key relationship
outside it their own stakeholders, guests, members and observers nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from system import access, services_coverage
from system import selectors_coverage as selectors
from system.serializers_coverage import (
    CoverageOutput,
    GridFilter,
    GridItemOutput,
    KeyOrganisationsInput,
    KeyOrganisationsOutput,
    coverage_data,
    grid_item,
    key_organisations_data,
)


def _member(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _key_organisations(membership: Membership) -> dict[str, Any]:
    found = selectors.key_organisations(membership.collective_id)
    return dict(KeyOrganisationsOutput(key_organisations_data(found)).data)


class KeyOrganisations(APIView):
    """The collective's key system organisations, in order (the leadership group reads).
    Until a convenor sets them they are the defaults: for each kind (ICB, community trust,
    acute trust, council, public health) the organisations of that kind where we know
    someone, or an empty slot. PUT sets the list (a convenor); an empty list goes back to
    the defaults."""

    @extend_schema(responses=KeyOrganisationsOutput)
    def get(self, request: Request, slug: str) -> Response:
        membership = _member(request, slug)
        access.require_key_organisations_reader(membership)
        return Response(_key_organisations(membership))

    @extend_schema(request=KeyOrganisationsInput, responses=KeyOrganisationsOutput)
    def put(self, request: Request, slug: str) -> Response:
        membership = _member(request, slug)
        data = valid_input(KeyOrganisationsInput, request)
        services_coverage.key_organisations_set(
            actor_membership=membership, organisations=data["organisations"]
        )
        return Response(_key_organisations(membership))


class Coverage(APIView):
    """Each key organisation against our key relationships: covered when one there is warm
    (warmth 4 or more) and holds sway (sway 3 or more), else a gap, with the other people
    known there as suggestions, best first (most sway, then warmest)."""

    @extend_schema(responses=CoverageOutput)
    def get(self, request: Request, slug: str) -> Response:
        membership = _member(request, slug)
        view = selectors.coverage_for(membership)
        return Response(CoverageOutput(coverage_data(view)).data)


class Grid(generics.ListAPIView):
    """The warmth × sway grid: each stakeholder the caller sees, quadrant by quadrant (key
    allies, win over, keep warm, monitor, then those not assessed yet), most sway first,
    with their movement since the assessment before."""

    serializer_class = GridItemOutput

    @extend_schema(parameters=[GridFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _member(request, self.kwargs["slug"])
        filters = valid_query(GridFilter, request)
        view = selectors.filtered_grid(
            selectors.grid_for(membership),
            q=filters.get("q", ""),
            organisation=filters.get("organisation"),
        )
        placements = view.grid.placements
        quadrant = filters.get("quadrant")
        if quadrant == "unassessed":
            placements = view.grid.unassessed
        elif quadrant:
            placements = [p for p in placements if p.quadrant == quadrant]
        return paged_response(
            self,
            placements,
            lambda page: GridItemOutput([grid_item(p) for p in page], many=True).data,
        )


def _api(view: Any) -> Any:
    # The API authenticates by token itself (401 for anonymous), not by redirect to sign in.
    return login_not_required(view)


C = "collectives/<slug:slug>/"
routes: list[URLPattern] = [
    path(
        C + "key-organisations/",
        _api(KeyOrganisations.as_view()),
        name="system_key_organisations",
    ),
    path(C + "coverage/", _api(Coverage.as_view()), name="system_coverage"),
    path(C + "warmth-and-sway/", _api(Grid.as_view()), name="system_grid"),
]
