"""Relationship-health endpoints: the contact log and the weekly e-mail counts, agreed
rhythms and how they were kept, nudges, asks for help and offers, put-it-right records.

Thin, like the rest of the API: every rule is in relationships.services and the contact and rhythm
reads in relationships.selectors.contacts (which blanks a contact's note for whoever was not in
it). Every object is fetched within the caller's collective (an object of another
collective is not found), and so are the organisations, people and decisions named in a
request. Each list runs a fixed number of queries however many rows it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import call_service, valid_input, valid_query
from api.habit_serializers import (
    AskAnswerInput,
    AskDetailOutput,
    AskFilter,
    AskInput,
    AskOutput,
    ContactDetailOutput,
    ContactFilter,
    ContactInput,
    ContactOutput,
    EmailCountInput,
    EmailCountOutput,
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
from collectives.access import get_membership_for_user
from collectives.models import CollectiveOrganisation, Membership
from decisions.models import Decision
from directory.models import OrganisationKind
from relationships import services
from relationships.models import (
    Ask,
    Nudge,
    Offer,
    PutItRight,
    PutItRightResponse,
    Rhythm,
    Scope,
)
from relationships.nudges import open_nudges_for
from relationships.selectors import contacts as selectors

T = TypeVar("T")


# Input and errors -------------------------------------------------------------------------


def _refuse(field: str, message: str) -> drf_exceptions.ValidationError:
    return drf_exceptions.ValidationError({field: [message]})


def _is_member(membership: Membership, organisation_id: int) -> bool:
    return CollectiveOrganisation.objects.filter(
        collective_id=membership.collective_id, organisation_id=organisation_id
    ).exists()


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _paged(view: generics.GenericAPIView, queryset: Any, build: Callable[[list[Any]], Any]) -> Any:
    """A page of the queryset (every row when unpaginated), its rows built by ``build``."""
    page = view.paginate_queryset(queryset)
    rows = build(list(page if page is not None else queryset))
    return view.get_paginated_response(rows) if page is not None else Response(rows)


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
        if organisation is not None and not _is_member(membership, organisation):
            raise _refuse("organisation", "Choose a member organisation of the collective.")
        since, until = filters.get("since"), filters.get("until")
        if since and until and until < since:
            raise _refuse("until", "The end cannot be before the start.")
        contacts = selectors.contacts_for(
            membership, organisation=organisation, mode=filters.get("mode", "")
        )
        if since:
            contacts = contacts.filter(happened_at__gte=_local_midnight(since))
        if until:
            contacts = contacts.filter(
                happened_at__lt=_local_midnight(until + dt.timedelta(days=1))
            )
        return _paged(
            self, contacts, lambda page: ContactOutput(selectors.rows(page), many=True).data
        )

    @extend_schema(request=ContactInput, responses={201: ContactDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(ContactInput, request)
        wanted = set(data["participants"])
        people = [
            m.user
            for m in Membership.objects.filter(
                collective_id=membership.collective_id, user_id__in=wanted
            ).select_related("user")
        ]
        if wanted - {u.pk for u in people}:
            raise _refuse("participants", "Choose people who are members of the collective.")
        contact = call_service(
            services.contact_add,
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

    @extend_schema(request=EmailCountInput, responses=EmailCountOutput)
    def put(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(EmailCountInput, request)
        contact = call_service(
            services.email_count_set,
            renames={"organisations": "other_organisation"},
            actor_membership=membership,
            **data,
        )
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


def _rhythm(membership: Membership, pk: int) -> Rhythm:
    found = selectors.rhythms_for(membership, pk=pk).first()
    if found is None:
        raise Http404("No such rhythm.")
    return found


def _rhythm_detail(membership: Membership, pk: int) -> dict[str, Any]:
    row = selectors.rhythm_rows([_rhythm(membership, pk)], now=timezone.now(), last=None)[0]
    return dict(RhythmOutput(row).data)


def _rhythm_organisations(membership: Membership, data: dict[str, Any]) -> list[int]:
    """The organisations of a new rhythm: as given, or a PCN's practices, or the
    leadership group's organisations."""
    scope, pcn, organisations = data["scope"], data["pcn"], list(data["organisations"])
    collective_id = membership.collective_id
    if scope == Scope.PCN:
        if pcn is None:
            raise _refuse("pcn", "Choose the PCN.")
        if not CollectiveOrganisation.objects.filter(
            collective_id=collective_id,
            organisation_id=pcn,
            organisation__kind=OrganisationKind.PCN,
        ).exists():
            raise _refuse("pcn", "Choose a PCN that is a member of the collective.")
        if not organisations:
            organisations = selectors.pcn_practices(collective_id, pcn)
            if not organisations:
                raise _refuse("pcn", "None of this PCN's practices is a member of the collective.")
    elif pcn is not None:
        raise _refuse("pcn", "Only a PCN's rhythm names a PCN.")
    elif scope == Scope.LEADERSHIP and not organisations:
        organisations = selectors.leadership_organisations(collective_id)
        if not organisations:
            raise _refuse("scope", "The collective has no leadership group yet.")
    if not organisations:
        raise _refuse("organisations", "Choose the two organisations.")
    return organisations


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
        return _paged(
            self,
            self.get_queryset(),
            lambda page: RhythmOutput(selectors.rhythm_rows(page, now=now), many=True).data,
        )

    @extend_schema(request=RhythmInput, responses={201: RhythmOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(RhythmInput, request)
        rhythm = call_service(
            services.rhythm_agree,
            actor_membership=membership,
            name=data["name"],
            scope=data["scope"],
            organisations=_rhythm_organisations(membership, data),
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
        rhythm = _rhythm(membership, pk)
        data = valid_input(RhythmEndInput, request)
        call_service(
            services.rhythm_end,
            actor_membership=membership,
            rhythm=rhythm,
            ends_on=data["ends_on"],
        )
        return Response(_rhythm_detail(membership, rhythm.pk))


# Nudges -----------------------------------------------------------------------------------


def _nudge(membership: Membership, pk: int) -> Nudge:
    found = (
        Nudge.objects.filter(collective_id=membership.collective_id, pk=pk)
        .prefetch_related("organisations")
        .first()
    )
    if found is None:
        raise Http404("No such nudge.")
    return found


class NudgeList(generics.ListAPIView):
    """The open nudges (neither dismissed nor snoozed) about the caller's organisation;
    every open nudge for a convenor."""

    serializer_class = NudgeOutput

    def get_queryset(self) -> QuerySet[Nudge]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        now = timezone.now()
        if membership.is_convenor:
            nudges = (
                Nudge.objects.filter(
                    collective_id=membership.collective_id, dismissed_at__isnull=True
                )
                .exclude(snoozed_until__gt=now)
                .order_by("-created_at", "-id")
            )
        elif membership.organisation_id is None:
            nudges = Nudge.objects.none()
        else:
            nudges = open_nudges_for(
                collective=membership.collective,
                organisation_id=membership.organisation_id,
                now=now,
            )
        return nudges.prefetch_related("organisations")


class NudgeDismiss(APIView):
    """Someone of one of the nudge's organisations (or a convenor) dismisses it."""

    serializer_class = NudgeOutput

    @extend_schema(request=None, responses=NudgeOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        nudge = _nudge(membership, pk)
        call_service(services.nudge_dismiss, actor_membership=membership, nudge=nudge)
        return Response(NudgeOutput(_nudge(membership, pk)).data)


class NudgeSnooze(APIView):
    """Someone of one of the nudge's organisations (or a convenor) snoozes it for 1 to 90
    days (7 unless told)."""

    serializer_class = NudgeOutput

    @extend_schema(request=SnoozeInput, responses=NudgeOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        nudge = _nudge(membership, pk)
        data = valid_input(SnoozeInput, request)
        call_service(
            services.nudge_snooze, actor_membership=membership, nudge=nudge, days=data["days"]
        )
        return Response(NudgeOutput(_nudge(membership, pk)).data)


# Asks and offers --------------------------------------------------------------------------


def _asks(membership: Membership) -> QuerySet[Ask]:
    """The asks the caller sees: those to everyone, those addressed to the caller's
    organisation and its own (every ask for a convenor)."""
    asks = Ask.objects.filter(collective_id=membership.collective_id)
    if not membership.is_convenor:
        own = membership.organisation_id
        visible = Q(to_everyone=True)
        if own is not None:
            addressed = Ask.addressed_to.through.objects.filter(organisation_id=own)
            visible |= Q(organisation_id=own) | Q(pk__in=addressed.values("ask_id"))
        asks = asks.filter(visible)
    return (
        asks.select_related("organisation", "asked_by")
        .prefetch_related("addressed_to")
        .annotate(offer_count=Count("offers"))
        .order_by("-asked_at", "-id")
    )


def _ask(membership: Membership, pk: int, *, offers: bool = False) -> Ask:
    asks = _asks(membership).filter(pk=pk)
    if offers:
        asks = asks.prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.select_related("organisation", "offered_by").order_by(
                    "offered_at", "id"
                ),
            )
        )
    found = asks.first()
    if found is None:
        raise Http404("No such ask.")
    return found


class AskList(generics.ListAPIView):
    """Asks for help the caller sees, newest first: those to everyone, those to the
    caller's organisation and its own (every ask for a convenor). POST asks for help for the
    caller's organisation: to everyone, or to chosen organisations."""

    serializer_class = AskOutput

    @extend_schema(parameters=[AskFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Ask]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        filters = valid_query(AskFilter, self.request)
        asks = _asks(membership)
        if filters.get("status"):
            asks = asks.filter(status=filters["status"])
        return asks

    @extend_schema(request=AskInput, responses={201: AskDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(AskInput, request)
        ask = call_service(
            services.ask_post,
            actor_membership=membership,
            what=data["what"],
            needed_by=data["needed_by"],
            to_organisations=data["to_organisations"],
            renames={"organisations": "to_organisations"},
        )
        return Response(
            AskDetailOutput(_ask(membership, ask.pk, offers=True)).data,
            status=status.HTTP_201_CREATED,
        )


class AskDetail(APIView):
    """An ask the caller sees, with the offers of help."""

    serializer_class = AskDetailOutput

    @extend_schema(responses=AskDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(AskDetailOutput(_ask(membership, pk, offers=True)).data)


class AskOffers(APIView):
    """The caller's organisation offers help with another's open ask."""

    serializer_class = OfferOutput

    @extend_schema(request=OfferInput, responses={201: OfferOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        ask = _ask(membership, pk)
        data = valid_input(OfferInput, request)
        offer = call_service(
            services.offer_make, actor_membership=membership, ask=ask, text=data["text"]
        )
        found = Offer.objects.select_related("organisation", "offered_by").get(pk=offer.pk)
        return Response(OfferOutput(found).data, status=status.HTTP_201_CREATED)


class AskAnswer(APIView):
    """The organisation that asked marks its ask answered, naming the offer that helped
    (if one did) and thanking the helper."""

    serializer_class = AskDetailOutput

    @extend_schema(request=AskAnswerInput, responses=AskDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        ask = _ask(membership, pk)
        data = valid_input(AskAnswerInput, request)
        offer = None
        if data["offer"] is not None:
            offer = Offer.objects.filter(ask=ask, pk=data["offer"]).first()
            if offer is None:
                raise _refuse("offer", "Choose an offer made on this ask.")
        call_service(
            services.ask_answer,
            actor_membership=membership,
            ask=ask,
            offer=offer,
            thanks=data["thanks"],
        )
        return Response(AskDetailOutput(_ask(membership, pk, offers=True)).data)


# Put it right -----------------------------------------------------------------------------


def _put_it_rights(membership: Membership) -> QuerySet[PutItRight]:
    return (
        PutItRight.objects.filter(collective_id=membership.collective_id)
        .select_related("organisation", "decision", "recorded_by")
        .prefetch_related("apologises_to")
        .annotate(response_count=Count("responses"))
        .order_by("-recorded_at", "-id")
    )


def _put_it_right(membership: Membership, pk: int, *, responses: bool = False) -> PutItRight:
    records = _put_it_rights(membership).filter(pk=pk)
    if responses:
        records = records.prefetch_related(
            Prefetch(
                "responses",
                queryset=PutItRightResponse.objects.select_related(
                    "organisation", "responded_by"
                ).order_by("responded_at", "id"),
            )
        )
    found = records.first()
    if found is None:
        raise Http404("No such put-it-right record.")
    return found


class PutItRightList(generics.ListAPIView):
    """'We got this wrong': the collective's put-it-right records, newest first. POST
    records one for the caller's organisation: the mistake, its impact, what it will do and
    the organisations it apologises to."""

    serializer_class = PutItRightOutput

    def get_queryset(self) -> QuerySet[PutItRight]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        return _put_it_rights(membership)

    @extend_schema(request=PutItRightInput, responses={201: PutItRightDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(PutItRightInput, request)
        decision = None
        if data["decision"] is not None:
            decision = Decision.objects.filter(
                collective_id=membership.collective_id, pk=data["decision"]
            ).first()
            if decision is None:
                raise _refuse(
                    "decision", f"No decision of this collective has id {data['decision']}."
                )
        record = call_service(
            services.put_it_right_record,
            actor_membership=membership,
            mistake=data["mistake"],
            impact=data["impact"],
            will_do=data["will_do"],
            apologises_to=data["apologises_to"],
            decision=decision,
            renames={"organisations": "apologises_to"},
        )
        return Response(
            PutItRightDetailOutput(_put_it_right(membership, record.pk, responses=True)).data,
            status=status.HTTP_201_CREATED,
        )


class PutItRightDetail(APIView):
    """A put-it-right record with the responses of the organisations it apologises to."""

    serializer_class = PutItRightDetailOutput

    @extend_schema(responses=PutItRightDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(PutItRightDetailOutput(_put_it_right(membership, pk, responses=True)).data)


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
        record = _put_it_right(membership, pk)
        data = valid_input(PutItRightResponseInput, request)
        replacing = (
            membership.organisation_id is not None
            and PutItRightResponse.objects.filter(
                record=record, organisation_id=membership.organisation_id
            ).exists()
        )
        response = call_service(
            services.put_it_right_respond,
            actor_membership=membership,
            record=record,
            text=data["text"],
        )
        found = PutItRightResponse.objects.select_related("organisation", "responded_by").get(
            pk=response.pk
        )
        return Response(
            PutItRightResponseOutput(found).data,
            status=status.HTTP_200_OK if replacing else status.HTTP_201_CREATED,
        )
