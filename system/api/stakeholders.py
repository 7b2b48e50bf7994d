"""The stakeholders API: stakeholders (list, add, detail, change), their assessments, the
caller's key relationships (mark, end), notes (list, add, keep, delete) and logging a
contact with them.

Thin, like the pages: every rule is in system.services_stakeholders and system.access (an
API client cannot do what the person could not), the reads in system.selectors_stakeholders.
Services raise, and the API's exception handler answers 400 or 403; a stakeholder of another
collective is not found. Notes come only from their own endpoint, and each read of them is
recorded (services_stakeholders.notes_read) like a read of the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from system import access
from system import selectors_stakeholders as selectors
from system import services_stakeholders as services
from system.models import Assessment, KeyRelationship, Stakeholder, StakeholderNote
from system.serializers_stakeholders import (
    KeyRelationshipEndQuery,
    KeyRelationshipOutput,
    StakeholderAssessmentInput,
    StakeholderAssessmentOutput,
    StakeholderChangeInput,
    StakeholderContactInput,
    StakeholderContactOutput,
    StakeholderDetailOutput,
    StakeholderFilter,
    StakeholderInput,
    StakeholderNoteInput,
    StakeholderNoteOutput,
    StakeholderOutput,
)


def _reader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _assessment(a: Assessment | None, movement: str | None = None) -> dict[str, Any] | None:
    if a is None:
        return None
    row: dict[str, Any] = {
        "id": a.pk,
        "warmth": a.warmth,
        "sway": a.sway,
        "assessed_on": a.assessed_on,
        "assessed_by": a.assessed_by,
    }
    if movement is not None:
        row["movement"] = movement
    return row


def _row(
    s: Stakeholder,
    assessed: tuple[Assessment, Assessment | None] | None,
    last: Any,
    owners: list[Any],
) -> dict[str, Any]:
    person = s.person
    current, previous = assessed if assessed else (None, None)
    return {
        "id": s.pk,
        "person": s.person_id,
        "name": person.name if person else "",
        "job_title": person.job_title if person else "",
        "email": person.email if person else "",
        "organisation": s.organisation,
        "role": s.role,
        "agenda_learned": s.agenda_learned,
        "current": _assessment(current, selectors.movement(current, previous) if current else None),
        "previous": _assessment(previous),
        "key_relationship_of": owners,
        "last_contact": last,
    }


def _detail(membership: Membership, pk: int) -> dict[str, Any]:
    stakeholder = access.get_stakeholder(membership, pk)
    history = selectors.assessment_history(stakeholder)
    keys = selectors.key_relationships_of(stakeholder)
    current = history[0].assessment if history else None
    previous = history[1].assessment if len(history) > 1 else None
    last = selectors.last_contacts(membership.collective_id).get(stakeholder.pk)
    return dict(
        StakeholderDetailOutput(
            {
                **_row(
                    stakeholder,
                    (current, previous) if current else None,
                    last,
                    [k.owner for k in keys],
                ),
                "assessments": [_assessment(r.assessment, r.movement) for r in history],
                "is_mine": any(k.owner_id == membership.user_id for k in keys),
            }
        ).data
    )


class StakeholderList(generics.ListAPIView):
    """The stakeholders the caller may see (the leadership group: all; the owner of a key
    relationship outside it: their own), by name, with their current assessment, the
    owners of key relationships with them and their last contact. No notes. POST adds one
    (the leadership group): someone the collective knows at the organisation (`person`), or
    someone new (`name`)."""

    serializer_class = StakeholderOutput

    @extend_schema(parameters=[StakeholderFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(StakeholderFilter, request)
        found = selectors.stakeholder_list(
            membership, q=filters.get("q", ""), organisation=filters.get("organisation")
        )
        cid = membership.collective_id

        def build(page: list[Stakeholder]) -> Any:
            assessed = selectors.current_assessments(cid, among=[s.pk for s in page])
            last = selectors.last_contacts(cid)
            return StakeholderOutput(
                [
                    _row(
                        s,
                        assessed.get(s.pk),
                        last.get(s.pk),
                        [k.owner for k in s.key_relationships.all()],
                    )
                    for s in page
                ],
                many=True,
            ).data

        return paged_response(self, found, build)

    @extend_schema(request=StakeholderInput, responses={201: StakeholderDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(StakeholderInput, request)
        stakeholder = services.stakeholder_add(actor_membership=membership, **data)
        return Response(_detail(membership, stakeholder.pk), status=status.HTTP_201_CREATED)


class StakeholderDetail(APIView):
    """A stakeholder with every assessment (newest first, each with its movement). PATCH
    changes their role or what we learned of their agenda (the leadership group and the
    owners of a key relationship with them)."""

    serializer_class = StakeholderDetailOutput

    @extend_schema(responses=StakeholderDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_detail(_reader(request, slug), pk))

    @extend_schema(request=StakeholderChangeInput, responses=StakeholderDetailOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        data = valid_input(StakeholderChangeInput, request, partial=True)
        services.stakeholder_update(actor_membership=membership, stakeholder=stakeholder, **data)
        return Response(_detail(membership, pk))


class StakeholderAssessments(APIView):
    """Their assessments, newest first, each with its movement since the one before. POST
    records a new one (warmth and sway, 1 to 5; dated today unless given)."""

    serializer_class = StakeholderAssessmentOutput

    @extend_schema(responses=StakeholderAssessmentOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        stakeholder = access.get_stakeholder(_reader(request, slug), pk)
        rows = [
            _assessment(r.assessment, r.movement) for r in selectors.assessment_history(stakeholder)
        ]
        return Response(StakeholderAssessmentOutput(rows, many=True).data)

    @extend_schema(request=StakeholderAssessmentInput, responses={201: StakeholderAssessmentOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        made = services.assessment_add(
            actor_membership=membership,
            stakeholder=stakeholder,
            **valid_input(StakeholderAssessmentInput, request),
        )
        history = selectors.assessment_history(stakeholder)
        row = next(r for r in history if r.assessment.pk == made.pk)
        return Response(
            StakeholderAssessmentOutput(_assessment(row.assessment, row.movement)).data,
            status=status.HTTP_201_CREATED,
        )


def _key_row(key: KeyRelationship) -> dict[str, Any]:
    s = key.stakeholder
    return {
        "stakeholder": s.pk,
        "name": s.person.name if s.person else "",
        "organisation": s.organisation,
        "role": s.role,
        "since": key.since,
    }


class KeyRelationships(APIView):
    """The caller's own key relationships in the collective, oldest first."""

    serializer_class = KeyRelationshipOutput

    @extend_schema(responses=KeyRelationshipOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        rows = [_key_row(k) for k in selectors.my_key_relationships(membership)]
        return Response(KeyRelationshipOutput(rows, many=True).data)


class StakeholderKey(APIView):
    """POST makes the stakeholder one of the caller's key relationships (GP leaders, at most
    five each). DELETE ends it: the caller's own, or with `owner` anyone's (a convenor)."""

    serializer_class = KeyRelationshipOutput

    @extend_schema(request=None, responses={201: KeyRelationshipOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        key = services.key_relationship_mark(actor_membership=membership, stakeholder=stakeholder)
        key.stakeholder = stakeholder
        return Response(KeyRelationshipOutput(_key_row(key)).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[KeyRelationshipEndQuery], responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        query = valid_query(KeyRelationshipEndQuery, request)
        services.key_relationship_unmark(
            actor_membership=membership, stakeholder=stakeholder, owner=query.get("owner")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _note_row(note: StakeholderNote, due: bool) -> dict[str, Any]:
    return {
        "id": note.pk,
        "text": note.text,
        "author": note.author,
        "written_at": note.written_at,
        "reviewed_at": note.reviewed_at,
        "due_for_review": due,
    }


def _note(membership: Membership, pk: int, note: int) -> StakeholderNote:
    stakeholder = access.get_stakeholder(membership, pk)
    found = selectors.get_note(stakeholder, note)
    if found is None:
        raise Http404("No such note.")
    found.stakeholder = stakeholder
    return found


class StakeholderNotes(APIView):
    """The notes about a stakeholder, newest first: personal data, for the leadership group
    and the owners of a key relationship with them. Each read by anyone but an owner is
    recorded in the audit log. POST adds one."""

    serializer_class = StakeholderNoteOutput

    @extend_schema(responses=StakeholderNoteOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        services.notes_read(membership=membership, stakeholder=stakeholder)
        rows = [
            _note_row(r.note, r.due_for_review)
            for r in selectors.notes_of(stakeholder, timezone.now())
        ]
        return Response(StakeholderNoteOutput(rows, many=True).data)

    @extend_schema(request=StakeholderNoteInput, responses={201: StakeholderNoteOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        note = services.note_add(
            actor_membership=membership,
            stakeholder=stakeholder,
            **valid_input(StakeholderNoteInput, request),
        )
        return Response(
            StakeholderNoteOutput(_note_row(note, False)).data, status=status.HTTP_201_CREATED
        )


class NoteDelete(APIView):
    """DELETE removes a note for good."""

    serializer_class = StakeholderNoteOutput

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int, note: int) -> Response:
        membership = _reader(request, slug)
        services.note_delete(actor_membership=membership, note=_note(membership, pk, note))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoteKeep(APIView):
    """Keep a note after review: it is not offered for review again for two years."""

    serializer_class = StakeholderNoteOutput

    @extend_schema(request=None, responses=StakeholderNoteOutput)
    def post(self, request: Request, slug: str, pk: int, note: int) -> Response:
        membership = _reader(request, slug)
        kept = services.note_keep(actor_membership=membership, note=_note(membership, pk, note))
        return Response(StakeholderNoteOutput(_note_row(kept, False)).data)


class StakeholderContacts(APIView):
    """Log a contact with the stakeholder in the collective's contact log: they and the
    caller take part. The first contact with someone's key relationship must say what we
    learned of their agenda."""

    serializer_class = StakeholderContactOutput

    @extend_schema(request=StakeholderContactInput, responses={201: StakeholderContactOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        stakeholder = access.get_stakeholder(membership, pk)
        first = not selectors.has_had_contact(stakeholder)
        contact = services.contact_log(
            actor_membership=membership,
            stakeholder=stakeholder,
            **valid_input(StakeholderContactInput, request),
        )
        return Response(
            StakeholderContactOutput(
                {
                    "contact": contact.pk,
                    "happened_at": contact.happened_at,
                    "first": first,
                    "agenda_learned": stakeholder.agenda_learned,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


S = "collectives/<slug:slug>/stakeholders/"
routes: list[URLPattern] = [
    path(S, _api(StakeholderList), name="stakeholders"),
    path(S + "key-relationships/", _api(KeyRelationships), name="stakeholder_key_relationships"),
    path(S + "<id:pk>/", _api(StakeholderDetail), name="stakeholder"),
    path(S + "<id:pk>/assessments/", _api(StakeholderAssessments), name="stakeholder_assessments"),
    path(S + "<id:pk>/key/", _api(StakeholderKey), name="stakeholder_key"),
    path(S + "<id:pk>/notes/", _api(StakeholderNotes), name="stakeholder_notes"),
    path(S + "<id:pk>/notes/<id:note>/", _api(NoteDelete), name="stakeholder_note"),
    path(
        S + "<id:pk>/notes/<id:note>/keep/",
        _api(NoteKeep),
        name="stakeholder_note_keep",
    ),
    path(S + "<id:pk>/contacts/", _api(StakeholderContacts), name="stakeholder_contacts"),
]
