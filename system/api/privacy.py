"""The privacy API, for the leadership group: a stakeholder's subject access export (the same
data as the page's JSON download; every read audited), the erasure of their personal data
(POST with confirm=true), and the stakeholders whose notes are due for review.

Thin, like the pages: system.access decides who may (403 for anyone outside the leadership
group, 404 for another collective's or an erased stakeholder), system.services_privacy reads
and erases, system.selectors_privacy reads the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from system import access, selectors_privacy, services_privacy
from system.models import Stakeholder
from system.serializers_privacy import (
    ErasureInput,
    ErasureOutput,
    NotesDueOutput,
    NotesReviewFilter,
    SubjectAccessOutput,
)


def _leader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_leadership(membership)
    return membership


def _stakeholder(request: Request, slug: str, pk: int) -> tuple[Membership, Stakeholder]:
    membership = _leader(request, slug)
    return membership, access.get_stakeholder(membership, pk)


class SubjectAccess(APIView):
    """Everything the collective holds about the stakeholder: who they are, their role and
    agenda as learned, every note, assessment, key relationship (and its owner), their
    priorities and the overlaps with ours, the conversations before system meetings with
    them, and the logged contacts they were in. The leadership group only; each read is
    recorded in the audit log."""

    serializer_class = SubjectAccessOutput

    @extend_schema(responses=SubjectAccessOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, stakeholder = _stakeholder(request, slug, pk)
        found = services_privacy.subject_access_read(
            actor_membership=membership, stakeholder=stakeholder, via="api"
        )
        return Response(SubjectAccessOutput(selectors_privacy.subject_access_data(found)).data)


class Erase(APIView):
    """Erase the stakeholder's personal data: notes, assessments, key relationships, their
    priorities and overlaps, role and agenda, their part in logged contacts, and their
    directory record when it is the collective's own (a shared one is unlinked). The
    conversations before system meetings keep their stance, anonymised. Send
    {"confirm": true}: it cannot be undone. The leadership group only."""

    serializer_class = ErasureOutput

    @extend_schema(request=ErasureInput, responses=ErasureOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, stakeholder = _stakeholder(request, slug, pk)
        if not valid_input(ErasureInput, request)["confirm"]:
            raise ValidationError(
                {"confirm": "Send confirm: true to erase their personal data. It cannot be undone."}
            )
        erased = services_privacy.stakeholder_erase(
            actor_membership=membership, stakeholder=stakeholder
        )
        return Response(ErasureOutput({"id": erased.pk, "erased_at": erased.erased_at}).data)


class NotesReview(generics.ListAPIView):
    """The stakeholders with notes due for review (written over two years ago and not kept
    since), the longest-waiting first, with how many. The leadership group only."""

    serializer_class = NotesDueOutput

    @extend_schema(parameters=[NotesReviewFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _leader(request, self.kwargs["slug"])
        q = valid_query(NotesReviewFilter, request).get("q", "")
        found = selectors_privacy.stakeholders_with_notes_due(membership, now=timezone.now(), q=q)

        def build(page: list[Any]) -> Any:
            return NotesDueOutput(
                [
                    {
                        "id": s.pk,
                        "name": s.person.name if s.person else "",
                        "organisation": s.organisation.name,
                        "role": s.role,
                        "notes_due": s.due,
                        "oldest": s.oldest,
                    }
                    for s in page
                ],
                many=True,
            ).data

        return paged_response(self, found, build)


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


S = "collectives/<slug:slug>/stakeholders/"
routes: list[URLPattern] = [
    path(S + "<id:pk>/subject-access/", _api(SubjectAccess), name="stakeholder_subject_access"),
    path(S + "<id:pk>/erase/", _api(Erase), name="stakeholder_erase"),
    path(
        "collectives/<slug:slug>/stakeholder-notes-review/",
        _api(NotesReview),
        name="stakeholder_notes_review",
    ),
]
