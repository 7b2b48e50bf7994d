"""The system meetings API: series (and scheduling their meetings), meetings with their
attendees and agenda, agenda items and their order, the conversations beforehand (the
leadership group only: null for everyone else), outcomes and their publication to practices.

Thin, like the pages: every rule is in system.services_meetings and system.access (an API
client cannot do what the person could not), the reads in system.selectors_meetings.
Services raise, and the API's exception handler answers 400 or 403; an object of another
collective is not found.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
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
from system import selectors_meetings as selectors
from system import services_meetings as services
from system.models import AgendaItem, MeetingSeries, PrepConversation, SystemMeeting
from system.rules_meetings import describe
from system.serializers_meetings import (
    AgendaItemChangeInput,
    AgendaItemInput,
    AgendaItemOutput,
    AgendaOrderInput,
    AgendaOutcomeInput,
    MeetingScheduleInput,
    MeetingSeriesChangeInput,
    MeetingSeriesFilter,
    MeetingSeriesInput,
    MeetingSeriesOutput,
    OutcomePublishInput,
    PrepConversationChangeInput,
    PrepConversationInput,
    PrepConversationOutput,
    SystemMeetingChangeInput,
    SystemMeetingDetailOutput,
    SystemMeetingFilter,
    SystemMeetingOutput,
)


def _reader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _organisation(organisation: Any) -> dict[str, Any] | None:
    return {"id": organisation.pk, "name": organisation.name} if organisation else None


def _user(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.display_name} if user else None


# Rows -------------------------------------------------------------------------------------


def _series_row(series: MeetingSeries, spread: selectors.Spread | None) -> dict[str, Any]:
    return {
        "id": series.pk,
        "name": series.name,
        "organisation": _organisation(series.organisation),
        "recurrence": series.recurrence,
        "recurrence_in_words": describe(series.recurrence),
        "next_meeting": series.next_at,  # type: ignore[attr-defined]
        "upcoming": series.upcoming,  # type: ignore[attr-defined]
        "leaders_last_12_months": spread.leaders if spread else 0,
        "spread_thin": bool(spread and spread.thin),
        "warning": spread.warning if spread and spread.thin else "",
    }


def _series(membership: Membership, pk: int) -> dict[str, Any]:
    now = timezone.now()
    cid = membership.collective_id
    access.get_series(membership, pk)
    series = selectors.series_list(cid, now=now).get(pk=pk)
    spread = selectors.spread_by_series(cid, now=now)
    return dict(MeetingSeriesOutput(_series_row(series, spread.get(pk))).data)


def _meeting_row(meeting: SystemMeeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "series": {"id": meeting.series.pk, "name": meeting.series.name},
        "organisation": _organisation(meeting.series.organisation),
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "attendees": meeting.attendee_count,  # type: ignore[attr-defined]
        "items": meeting.item_count,  # type: ignore[attr-defined]
        "outcomes": meeting.outcome_count,  # type: ignore[attr-defined]
    }


def _conversation_row(conversation: PrepConversation) -> dict[str, Any]:
    stakeholder = conversation.stakeholder
    erased = stakeholder is None or stakeholder.erased_at is not None or not stakeholder.person
    return {
        "id": conversation.pk,
        "item": conversation.item_id,
        "stakeholder": None
        if erased
        else {
            "id": stakeholder.pk,  # type: ignore[union-attr]
            "name": stakeholder.person.name,  # type: ignore[union-attr]
            "role": stakeholder.role,  # type: ignore[union-attr]
            "organisation": _organisation(stakeholder.organisation),  # type: ignore[union-attr]
        },
        "with_whom": selectors.stakeholder_label(stakeholder),
        "by": _user(conversation.by),
        "stance": conversation.stance,
        "done": conversation.done,
    }


def _item_row(
    item: AgendaItem, position: int, conversations: list[PrepConversation] | None
) -> dict[str, Any]:
    decision = item.decision
    return {
        "id": item.pk,
        "meeting": item.meeting_id,
        "position": position,
        "title": item.title,
        "our_position": item.our_position,
        "decision": {"id": decision.pk, "title": decision.title, "summary": decision.summary}
        if decision
        else None,
        "mandate": {"id": item.mandate.pk, "need": item.mandate.need.title}
        if item.mandate
        else None,
        "outcome": item.outcome,
        "outcome_recorded_at": item.outcome_recorded_at,
        "briefing": item.briefing_id,
        "conversations": None
        if conversations is None
        else [_conversation_row(c) for c in conversations],
    }


def _meeting(membership: Membership, pk: int) -> dict[str, Any]:
    found = access.get_meeting(membership, pk)
    (row,) = selectors.counted([found])
    view = selectors.meeting_view(membership, found)
    return dict(
        SystemMeetingDetailOutput(
            {
                **_meeting_row(row),
                "attendee_list": [_user(u) for u in view.attendees],
                "agenda": [
                    _item_row(item, n, view.conversations_of(item) if view.prep else None)
                    for n, item in enumerate(view.items, start=1)
                ],
                "preparation_visible": view.prep,
            }
        ).data
    )


def _item(membership: Membership, pk: int) -> dict[str, Any]:
    item = access.get_item(membership, pk)
    view = selectors.meeting_view(membership, item.meeting)
    for n, found in enumerate(view.items, start=1):
        if found.pk == item.pk:
            conversations = view.conversations_of(found) if view.prep else None
            return dict(AgendaItemOutput(_item_row(found, n, conversations)).data)
    raise AssertionError("An item is on its meeting's agenda.")  # pragma: no cover


def _conversation(membership: Membership, pk: int) -> dict[str, Any]:
    return dict(
        PrepConversationOutput(_conversation_row(access.get_conversation(membership, pk))).data
    )


# Series -----------------------------------------------------------------------------------


class SeriesList(generics.ListAPIView):
    """The collective's meeting series by name (every member but guests), each with how many
    different GP leaders attended its meetings in the last 12 months. POST adds one, and
    with `starts_at` schedules a year of its meetings (the leadership group)."""

    serializer_class = MeetingSeriesOutput

    @extend_schema(parameters=[MeetingSeriesFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(MeetingSeriesFilter, request)
        now = timezone.now()
        cid = membership.collective_id
        found = selectors.series_list(cid, now=now, q=filters.get("q", ""))
        spread = selectors.spread_by_series(cid, now=now)
        return paged_response(
            self,
            found,
            lambda page: (
                MeetingSeriesOutput(
                    [_series_row(s, spread.get(s.pk)) for s in page], many=True
                ).data
            ),
        )

    @extend_schema(request=MeetingSeriesInput, responses={201: MeetingSeriesOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        series = services.series_create(
            actor_membership=membership, **valid_input(MeetingSeriesInput, request)
        )
        return Response(_series(membership, series.pk), status=status.HTTP_201_CREATED)


class SeriesDetail(APIView):
    """A meeting series. PATCH changes its name, holder or recurrence; DELETE deletes it
    with all its meetings (the leadership group)."""

    serializer_class = MeetingSeriesOutput

    @extend_schema(responses=MeetingSeriesOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_series(_reader(request, slug), pk))

    @extend_schema(request=MeetingSeriesChangeInput, responses=MeetingSeriesOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        series = access.get_series(membership, pk)
        services.series_update(
            actor_membership=membership,
            series=series,
            **valid_input(MeetingSeriesChangeInput, request, partial=True),
        )
        return Response(_series(membership, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        series = access.get_series(membership, pk)
        services.series_delete(actor_membership=membership, series=series)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SeriesSchedule(APIView):
    """Schedule the series' meetings for the 12 months from `starts_at` (a one-off: its one
    meeting). Meetings already scheduled are kept, not doubled; the answer lists those
    added."""

    serializer_class = SystemMeetingOutput

    @extend_schema(request=MeetingScheduleInput, responses={201: SystemMeetingOutput(many=True)})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        series = access.get_series(membership, pk)
        added = services.series_schedule(
            actor_membership=membership, series=series, **valid_input(MeetingScheduleInput, request)
        )
        rows = selectors.counted(added)
        return Response(
            SystemMeetingOutput([_meeting_row(m) for m in rows], many=True).data,
            status=status.HTTP_201_CREATED,
        )


# Meetings ---------------------------------------------------------------------------------


class MeetingList(generics.ListAPIView):
    """The collective's system meetings: upcoming first (soonest first), then past (latest
    first); searchable by the series' name, filtered by upcoming or past and by series."""

    serializer_class = SystemMeetingOutput

    @extend_schema(parameters=[SystemMeetingFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = _reader(request, self.kwargs["slug"])
        filters = valid_query(SystemMeetingFilter, request)
        found = selectors.meeting_list(
            membership.collective_id,
            now=timezone.now(),
            q=filters.get("q", ""),
            when=filters.get("when", ""),
            series=filters.get("series"),
        )
        return paged_response(
            self,
            found,
            lambda page: (
                SystemMeetingOutput(
                    [_meeting_row(m) for m in selectors.counted(page)], many=True
                ).data
            ),
        )


class MeetingDetail(APIView):
    """A meeting with its attendees and agenda; the conversations beforehand only for the
    leadership group. PATCH moves it, changes its place or sets its attendees; DELETE
    deletes it (the leadership group)."""

    serializer_class = SystemMeetingDetailOutput

    @extend_schema(responses=SystemMeetingDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_meeting(_reader(request, slug), pk))

    @extend_schema(request=SystemMeetingChangeInput, responses=SystemMeetingDetailOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        meeting = access.get_meeting(membership, pk)
        services.meeting_update(
            actor_membership=membership,
            meeting=meeting,
            **valid_input(SystemMeetingChangeInput, request, partial=True),
        )
        return Response(_meeting(membership, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        meeting = access.get_meeting(membership, pk)
        services.meeting_delete(actor_membership=membership, meeting=meeting)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeetingItems(APIView):
    """Add an item at the end of the meeting's agenda (the leadership group)."""

    serializer_class = AgendaItemOutput

    @extend_schema(request=AgendaItemInput, responses={201: AgendaItemOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        meeting = access.get_meeting(membership, pk)
        item = services.item_add(
            actor_membership=membership, meeting=meeting, **valid_input(AgendaItemInput, request)
        )
        return Response(_item(membership, item.pk), status=status.HTTP_201_CREATED)


class MeetingItemsOrder(APIView):
    """Put the meeting's agenda in a new order: every item, once (the leadership group)."""

    serializer_class = SystemMeetingDetailOutput

    @extend_schema(request=AgendaOrderInput, responses=SystemMeetingDetailOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        meeting = access.get_meeting(membership, pk)
        services.items_reorder(
            actor_membership=membership, meeting=meeting, **valid_input(AgendaOrderInput, request)
        )
        return Response(_meeting(membership, pk))


# Items ------------------------------------------------------------------------------------


class ItemDetail(APIView):
    """An agenda item: our position, its decision or mandate, its outcome and, for the
    leadership group, the conversations beforehand. PATCH changes it; DELETE takes it off the
    agenda (the leadership group)."""

    serializer_class = AgendaItemOutput

    @extend_schema(responses=AgendaItemOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_item(_reader(request, slug), pk))

    @extend_schema(request=AgendaItemChangeInput, responses=AgendaItemOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        item = access.get_item(membership, pk)
        services.item_update(
            actor_membership=membership,
            item=item,
            **valid_input(AgendaItemChangeInput, request, partial=True),
        )
        return Response(_item(membership, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        item = access.get_item(membership, pk)
        services.item_delete(actor_membership=membership, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemConversations(APIView):
    """Plan a conversation before the meeting about the item: with which stakeholder, by
    which GP leader, what they think (the leadership group)."""

    serializer_class = PrepConversationOutput

    @extend_schema(request=PrepConversationInput, responses={201: PrepConversationOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        access.require_preparation(membership)
        item = access.get_item(membership, pk)
        conversation = services.conversation_add(
            actor_membership=membership, item=item, **valid_input(PrepConversationInput, request)
        )
        return Response(_conversation(membership, conversation.pk), status=status.HTTP_201_CREATED)


class ItemOutcome(APIView):
    """Record what came of the item at the meeting (the leadership group); it no longer
    changes once published."""

    serializer_class = AgendaItemOutput

    @extend_schema(request=AgendaOutcomeInput, responses=AgendaItemOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        item = access.get_item(membership, pk)
        services.outcome_record(
            actor_membership=membership, item=item, **valid_input(AgendaOutcomeInput, request)
        )
        return Response(_item(membership, pk))


class ItemPublish(APIView):
    """Publish the item's outcome to every practice through the golden thread (the
    leadership group). Text that reads hard is refused (400) unless `confirm_hard`."""

    serializer_class = AgendaItemOutput

    @extend_schema(request=OutcomePublishInput, responses={201: AgendaItemOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        item = access.get_item(membership, pk)
        services.outcome_publish(
            actor_membership=membership, item=item, **valid_input(OutcomePublishInput, request)
        )
        return Response(_item(membership, pk), status=status.HTTP_201_CREATED)


# Conversations ----------------------------------------------------------------------------


class ConversationDetail(APIView):
    """A conversation before a meeting (the leadership group only). PATCH changes it (mark it
    done with {"done": true}); DELETE stops planning it."""

    serializer_class = PrepConversationOutput

    @extend_schema(responses=PrepConversationOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_conversation(_reader(request, slug), pk))

    @extend_schema(request=PrepConversationChangeInput, responses=PrepConversationOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        conversation = access.get_conversation(membership, pk)
        services.conversation_update(
            actor_membership=membership,
            conversation=conversation,
            **valid_input(PrepConversationChangeInput, request, partial=True),
        )
        return Response(_conversation(membership, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        conversation = access.get_conversation(membership, pk)
        services.conversation_delete(actor_membership=membership, conversation=conversation)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


S = "collectives/<slug:slug>/system/"
routes: list[URLPattern] = [
    path(S + "series/", _api(SeriesList), name="system_series_list"),
    path(S + "series/<id:pk>/", _api(SeriesDetail), name="system_series"),
    path(S + "series/<id:pk>/schedule/", _api(SeriesSchedule), name="system_series_schedule"),
    path(S + "meetings/", _api(MeetingList), name="system_meetings"),
    path(S + "meetings/<id:pk>/", _api(MeetingDetail), name="system_meeting"),
    path(S + "meetings/<id:pk>/items/", _api(MeetingItems), name="system_meeting_items"),
    path(
        S + "meetings/<id:pk>/items/order/",
        _api(MeetingItemsOrder),
        name="system_meeting_items_order",
    ),
    path(S + "agenda-items/<id:pk>/", _api(ItemDetail), name="system_item"),
    path(
        S + "agenda-items/<id:pk>/conversations/",
        _api(ItemConversations),
        name="system_item_conversations",
    ),
    path(S + "agenda-items/<id:pk>/outcome/", _api(ItemOutcome), name="system_item_outcome"),
    path(S + "agenda-items/<id:pk>/publish/", _api(ItemPublish), name="system_item_publish"),
    path(S + "conversations/<id:pk>/", _api(ConversationDetail), name="system_conversation"),
]
