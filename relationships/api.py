"""The relationships' API: the contact log and the weekly e-mail counts, agreed rhythms and
how they were kept, nudges, asks for help and offers, put-it-right records.

Thin, like the pages: every rule is in relationships.services, the reads in
relationships.selectors (the contacts' selectors blank a contact's note for whoever was not
in it; community decides who sees which nudges and asks), and every object is fetched through
relationships.access within the caller's collective (an object of another collective is not
found), and so are the organisations, people and decisions named in a request. Each list
runs a fixed number of queries however many rows it holds. Services raise, and the API's
exception handler answers 400 or 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from decisions.access import get_decision_named
from relationships import access, services
from relationships.ics import ICSError
from relationships.models import Ask, Nudge, PutItRight, Rhythm
from relationships.nudges import thresholds_for
from relationships.selectors import community
from relationships.selectors import contacts as selectors
from relationships.serializers import (
    AskAnswerInput,
    AskDetailOutput,
    AskFilter,
    AskInput,
    AskOutput,
    CalendarImportInput,
    CalendarImportOutput,
    ContactDetailOutput,
    ContactFilter,
    ContactInput,
    ContactOutput,
    EmailCountInput,
    EmailCountOutput,
    HabitSettingsIO,
    NudgeOutput,
    OfferInput,
    OfferOutput,
    PutItRightDetailOutput,
    PutItRightInput,
    PutItRightOutput,
    PutItRightResponseInput,
    PutItRightResponseOutput,
    RhythmEndInput,
    RhythmInput,
    RhythmOutput,
    SnoozeInput,
)

# Contacts ---------------------------------------------------------------------------------


def _contact_detail(membership: Membership, pk: int) -> dict[str, Any]:
    found = selectors.contact_page(membership, pk)
    return dict(ContactDetailOutput(found.row, context={"people": found.people}).data)


class ContactList(generics.ListAPIView):
    """The contacts involving the caller's organisation (every contact for a convenor),
    newest first. A contact's note is shown only to the people who were in it; for
    everyone else it is null. POST logs a contact between member organisations, one of
    them the caller's own (a convenor may log any); the caller is one of its people."""

    serializer_class = ContactOutput

    @extend_schema(parameters=[ContactFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = get_membership_for_user(request.user, self.kwargs["slug"])
        filters = valid_query(ContactFilter, request)
        organisation = filters.get("organisation")
        if organisation is not None and not selectors.is_member_organisation(
            membership.collective_id, organisation
        ):
            raise ValidationError(
                {"organisation": "Choose a member organisation of the collective."}
            )
        since, until = filters.get("since"), filters.get("until")
        if since and until and until < since:
            raise ValidationError({"until": "The end cannot be before the start."})
        contacts = selectors.contacts_for(
            membership,
            organisation=organisation,
            mode=filters.get("mode", ""),
            since=since,
            until=until,
        )
        return paged_response(
            self, contacts, lambda page: ContactOutput(selectors.rows(page), many=True).data
        )

    @extend_schema(request=ContactInput, responses={201: ContactDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(ContactInput, request)
        wanted = set(data["participants"])
        people = selectors.members_among(membership.collective_id, wanted)
        if wanted - {u.pk for u in people}:
            raise ValidationError(
                {"participants": "Choose people who are members of the collective."}
            )
        contact = services.contact_add(
            actor_membership=membership,
            organisations=data["organisations"],
            mode=data["mode"],
            happened_at=data["happened_at"],
            duration_minutes=data["duration_minutes"],
            participants=list({u.pk: u for u in people}.values()),
            note=data["note"],
        )
        return Response(_contact_detail(membership, contact.pk), status=status.HTTP_201_CREATED)


class ContactDetail(APIView):
    """A contact the caller may see, with its people; the note only for them."""

    serializer_class = ContactDetailOutput

    @extend_schema(responses=ContactDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(_contact_detail(membership, pk))


class ContactEmailCounts(APIView):
    """'We exchanged 9 e-mails with Riverside this week': the caller's organisation sets
    its count of e-mails with another for a week (one per pair and week; 0 removes it)."""

    serializer_class = EmailCountOutput
    service_fields = {"organisations": "other_organisation"}

    @extend_schema(request=EmailCountInput, responses=EmailCountOutput)
    def put(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(EmailCountInput, request)
        contact = services.email_count_set(actor_membership=membership, **data)
        week_of = data["week_of"]
        return Response(
            EmailCountOutput(
                {
                    "other_organisation": data["other_organisation"],
                    "week_of": week_of - dt.timedelta(days=week_of.weekday()),
                    "count": data["count"],
                    "contact": contact.pk if contact else None,
                }
            ).data
        )


# Rhythms ----------------------------------------------------------------------------------


def _rhythm_detail(membership: Membership, pk: int) -> dict[str, Any]:
    rhythm = access.get_rhythm_in_collective(membership, pk)
    row = selectors.rhythm_rows([rhythm], now=timezone.now(), last=None)[0]
    return dict(RhythmOutput(row).data)


class RhythmList(generics.ListAPIView):
    """The rhythms the caller's organisation is in (every one for a convenor), each with
    its latest periods kept or missed. POST agrees a rhythm: between a pair of
    organisations, a PCN's practices or the leadership group."""

    serializer_class = RhythmOutput

    def get_queryset(self) -> QuerySet[Rhythm]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        return selectors.rhythms_for(membership).order_by("name", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        now = timezone.now()
        return paged_response(
            self,
            self.get_queryset(),
            lambda page: RhythmOutput(selectors.rhythm_rows(page, now=now), many=True).data,
        )

    @extend_schema(request=RhythmInput, responses={201: RhythmOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(RhythmInput, request)
        organisations = access.rhythm_organisations(
            membership, scope=data["scope"], pcn=data["pcn"], organisations=data["organisations"]
        )
        rhythm = services.rhythm_agree(
            actor_membership=membership,
            name=data["name"],
            scope=data["scope"],
            organisations=organisations,
            modes=data["modes"],
            period=data["period"],
            starts_on=data["starts_on"],
            min_minutes=data["min_minutes"],
            pcn=data["pcn"],
        )
        return Response(_rhythm_detail(membership, rhythm.pk), status=status.HTTP_201_CREATED)


class RhythmDetail(APIView):
    """A rhythm with every period since it started."""

    serializer_class = RhythmOutput

    @extend_schema(responses=RhythmOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(_rhythm_detail(membership, pk))


class RhythmEnd(APIView):
    """Someone of one of the rhythm's organisations (or a convenor) ends it."""

    serializer_class = RhythmOutput

    @extend_schema(request=RhythmEndInput, responses=RhythmOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        rhythm = access.get_rhythm_in_collective(membership, pk)
        data = valid_input(RhythmEndInput, request)
        services.rhythm_end(actor_membership=membership, rhythm=rhythm, ends_on=data["ends_on"])
        return Response(_rhythm_detail(membership, rhythm.pk))


# Nudges -----------------------------------------------------------------------------------


class NudgeList(generics.ListAPIView):
    """The open nudges (neither dismissed nor snoozed) about the caller's organisation;
    every open nudge for a convenor."""

    serializer_class = NudgeOutput

    def get_queryset(self) -> QuerySet[Nudge]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        return community.open_nudges_visible_to(membership)


class NudgeDismiss(APIView):
    """Someone of one of the nudge's organisations (or a convenor) dismisses it."""

    serializer_class = NudgeOutput

    @extend_schema(request=None, responses=NudgeOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        nudge = access.get_nudge_in_collective(membership, pk)
        services.nudge_dismiss(actor_membership=membership, nudge=nudge)
        return Response(NudgeOutput(access.get_nudge_in_collective(membership, pk)).data)


class NudgeSnooze(APIView):
    """Someone of one of the nudge's organisations (or a convenor; for a nudge for one person,
    that person) snoozes it for 1 to 90 days (7 unless told), or until a date."""

    serializer_class = NudgeOutput

    @extend_schema(request=SnoozeInput, responses=NudgeOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        nudge = access.get_nudge_in_collective(membership, pk)
        data = valid_input(SnoozeInput, request)
        services.nudge_snooze(
            actor_membership=membership, nudge=nudge, days=data["days"], until=data["until"]
        )
        return Response(NudgeOutput(access.get_nudge_in_collective(membership, pk)).data)


# Asks and offers --------------------------------------------------------------------------


class AskList(generics.ListAPIView):
    """Asks for help the caller sees, newest first: those to everyone, those to the
    caller's organisation and its own (every ask for a convenor). POST asks for help for the
    caller's organisation: to everyone, or to chosen organisations."""

    serializer_class = AskOutput
    service_fields = {"organisations": "to_organisations"}

    @extend_schema(parameters=[AskFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Ask]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        filters = valid_query(AskFilter, self.request)
        asks = community.asks_listed_for(membership)
        if filters.get("status"):
            asks = asks.filter(status=filters["status"])
        return asks

    @extend_schema(request=AskInput, responses={201: AskDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(AskInput, request)
        ask = services.ask_post(
            actor_membership=membership,
            what=data["what"],
            needed_by=data["needed_by"],
            to_organisations=data["to_organisations"],
        )
        return Response(
            AskDetailOutput(access.get_ask_visible_to(membership, ask.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class AskDetail(APIView):
    """An ask the caller sees, with the offers of help."""

    serializer_class = AskDetailOutput

    @extend_schema(responses=AskDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(AskDetailOutput(access.get_ask_visible_to(membership, pk)).data)


class AskOffers(APIView):
    """The caller's organisation offers help with another's open ask."""

    serializer_class = OfferOutput

    @extend_schema(request=OfferInput, responses={201: OfferOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        ask = access.get_ask_visible_to(membership, pk)
        data = valid_input(OfferInput, request)
        offer = services.offer_make(actor_membership=membership, ask=ask, text=data["text"])
        found = community.offers_on(ask=ask).get(pk=offer.pk)
        return Response(OfferOutput(found).data, status=status.HTTP_201_CREATED)


class AskAnswer(APIView):
    """The organisation that asked marks its ask answered, naming the offer that helped
    (if one did) and thanking the helper."""

    serializer_class = AskDetailOutput

    @extend_schema(request=AskAnswerInput, responses=AskDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        ask = access.get_ask_visible_to(membership, pk)
        data = valid_input(AskAnswerInput, request)
        offer = access.get_offer_on_ask(ask, data["offer"])
        services.ask_answer(
            actor_membership=membership, ask=ask, offer=offer, thanks=data["thanks"]
        )
        return Response(AskDetailOutput(access.get_ask_visible_to(membership, pk)).data)


# Put it right -----------------------------------------------------------------------------


class PutItRightList(generics.ListAPIView):
    """'We got this wrong': the collective's put-it-right records, newest first. POST
    records one for the caller's organisation: the mistake, its impact, what it will do and
    the organisations it apologises to."""

    serializer_class = PutItRightOutput
    service_fields = {"organisations": "apologises_to"}

    def get_queryset(self) -> QuerySet[PutItRight]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        return community.put_it_rights_in(collective_id=membership.collective_id)

    @extend_schema(request=PutItRightInput, responses={201: PutItRightDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(PutItRightInput, request)
        decision = None
        if data["decision"] is not None:
            decision = get_decision_named(membership, data["decision"])
        record = services.put_it_right_record(
            actor_membership=membership,
            mistake=data["mistake"],
            impact=data["impact"],
            will_do=data["will_do"],
            apologises_to=data["apologises_to"],
            decision=decision,
        )
        return Response(
            PutItRightDetailOutput(
                access.get_put_it_right_in_collective(membership, record.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class PutItRightDetail(APIView):
    """A put-it-right record with the responses of the organisations it apologises to."""

    serializer_class = PutItRightDetailOutput

    @extend_schema(responses=PutItRightDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(
            PutItRightDetailOutput(access.get_put_it_right_in_collective(membership, pk)).data
        )


class PutItRightResponses(APIView):
    """An organisation the record apologises to responds: 201 the first time, 200 when it
    replaces its response."""

    serializer_class = PutItRightResponseOutput

    @extend_schema(
        request=PutItRightResponseInput,
        responses={201: PutItRightResponseOutput, 200: PutItRightResponseOutput},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        record = access.get_put_it_right_in_collective(membership, pk)
        data = valid_input(PutItRightResponseInput, request)
        replacing = community.has_responded(
            record=record, organisation_id=membership.organisation_id
        )
        response = services.put_it_right_respond(
            actor_membership=membership, record=record, text=data["text"]
        )
        found = community.responses_to(record=record).get(pk=response.pk)
        return Response(
            PutItRightResponseOutput(found).data,
            status=status.HTTP_200_OK if replacing else status.HTTP_201_CREATED,
        )


# Calendar import and the nudge thresholds ---------------------------------------------------


class CalendarImport(APIView):
    """Import an exported calendar (multipart, as the page does): each meeting that brought
    together two or more member organisations is logged once, and each past occurrence of
    a repeating one (relationships.services.calendar_import). Addresses Alliance did not
    know come back as `unmatched`: send the file again with `matches` to log those."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=CalendarImportInput, responses={201: CalendarImportOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(CalendarImportInput, request)
        upload = data["file"]
        try:
            outcome = services.calendar_import(
                actor_membership=membership,
                data=upload.chunks(),
                filename=upload.name or "calendar.ics",
                matches=data.get("matches"),
            )
        except ICSError as error:
            raise ValidationError({"file": [str(error)]}) from None
        output = {
            "created": [contact.pk for contact in outcome.created],
            "already_logged": outcome.already_logged,
            "unmatched": outcome.unmatched,
            "not_between_organisations": outcome.not_between_organisations,
            "skipped": outcome.skipped,
            "repeating": outcome.repeating,
        }
        return Response(CalendarImportOutput(output).data, status=status.HTTP_201_CREATED)


class NudgeThresholds(APIView):
    """The collective's nudge thresholds: anyone in the collective reads them; a convenor
    changes them (fields left out keep their value)."""

    @extend_schema(responses=HabitSettingsIO)
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(HabitSettingsIO(thresholds_for(membership.collective)).data)

    @extend_schema(request=HabitSettingsIO, responses=HabitSettingsIO)
    def patch(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        values = valid_input(HabitSettingsIO, request, partial=True)
        services.habit_settings_change(actor_membership=membership, **values)
        return Response(HabitSettingsIO(thresholds_for(membership.collective)).data)
