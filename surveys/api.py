"""The trust surveys' API: rounds, the caller's own answers, and aggregates only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import valid_input
from collectives.access import get_convenor_membership_for_user, get_membership_for_user
from surveys import access, selectors, services
from surveys.models import RATING_ITEMS, SurveyRound
from surveys.models import Response as SurveyResponse
from surveys.serializers import (
    ExtendInput,
    PairConsentInput,
    PairViewOutput,
    RatingIO,
    ResultsOutput,
    RoundInput,
    RoundOutput,
    SelfAssessmentIO,
)


def _round(request: Request, slug: str, pk: int) -> tuple[Any, SurveyRound]:
    membership = get_membership_for_user(request.user, slug)
    return membership, access.get_round_in_collective(membership, pk)


def _convenors_round(request: Request, slug: str, pk: int) -> tuple[Any, SurveyRound]:
    membership = get_convenor_membership_for_user(request.user, slug)
    return membership, access.get_round_in_collective(membership, pk)


class RoundList(APIView):
    """The collective's rounds; a POST opens (or schedules) one, for convenors."""

    serializer_class = RoundOutput

    @extend_schema(responses=RoundOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        rounds = selectors.rounds_for_collective(collective=membership.collective)
        return Response(RoundOutput(rounds, many=True).data)

    @extend_schema(request=RoundInput, responses={201: RoundOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_convenor_membership_for_user(request.user, slug)
        data = valid_input(RoundInput, request)
        participants = access.get_participants_named(membership, data.pop("participants"))
        survey = services.round_open(actor_membership=membership, participants=participants, **data)
        return Response(RoundOutput(survey).data, status=status.HTTP_201_CREATED)


class RoundDetail(APIView):
    """A round. It is changed only by its verbs: extend/ (while it is open) and close/;
    a closed round is never extended or reopened."""

    serializer_class = RoundOutput

    @extend_schema(responses=RoundOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(RoundOutput(_round(request, slug, pk)[1]).data)


class RoundExtend(APIView):
    """Move an open round's closing date later (convenors). A closed round, by hand or by
    date, cannot be extended: its results may have been seen (400 naming closes_on)."""

    serializer_class = RoundOutput

    @extend_schema(request=ExtendInput, responses=RoundOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _convenors_round(request, slug, pk)
        closes_on = valid_input(ExtendInput, request)["closes_on"]
        extended = services.round_extend(
            actor_membership=membership, survey=survey, closes_on=closes_on
        )
        return Response(RoundOutput(extended).data)


class RoundClose(APIView):
    """Close the round now, for good (convenors): answers stop changing, and its results are
    published. Closing a closed round changes nothing."""

    serializer_class = RoundOutput

    @extend_schema(request=None, responses=RoundOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _convenors_round(request, slug, pk)
        closed = services.round_close(actor_membership=membership, survey=survey)
        return Response(RoundOutput(closed).data)


class SelfAssessment(APIView):
    """The answers about one's own organisation: read and saved only by those who answer
    for it in this round (403 for anyone else), and each read and save is audited. A PUT
    saves the questions it names; the others stay as they are."""

    serializer_class = SelfAssessmentIO

    @extend_schema(responses=SelfAssessmentIO)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _round(request, slug, pk)
        own = access.get_own_answers_for(membership, survey) or SurveyResponse()  # none yet
        return Response(SelfAssessmentIO(own).data)

    @extend_schema(request=SelfAssessmentIO, responses=SelfAssessmentIO)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _round(request, slug, pk)
        saved = services.self_assessment_save(
            membership=membership, survey=survey, values=valid_input(SelfAssessmentIO, request)
        )
        return Response(SelfAssessmentIO(saved).data)


class Finish(APIView):
    """'I have finished': the answers are complete (refused, 400, until they are). They can
    still change until the round closes; finishing stops the reminders."""

    serializer_class = SelfAssessmentIO

    @extend_schema(request=None, responses=SelfAssessmentIO)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _round(request, slug, pk)
        finished = services.response_submit(membership=membership, survey=survey)
        return Response(SelfAssessmentIO(finished).data)


class OwnAnswers(APIView):
    """The caller's own answers (or their organisation's, when one person answers for it):
    only to those who answer for the organisation in this round, and audited."""

    serializer_class = RatingIO

    @extend_schema(responses=RatingIO(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _round(request, slug, pk)
        own = access.get_own_answers_for(membership, survey)
        return Response(RatingIO(own.ratings.all() if own else [], many=True).data)


class OwnRating(APIView):
    """Save the caller's answers about one organisation; the service refuses anyone who does
    not answer for their organisation, and audits the save."""

    serializer_class = RatingIO

    @extend_schema(request=RatingIO, responses=RatingIO)
    def put(self, request: Request, slug: str, pk: int, organisation: int) -> Response:
        membership, survey = _round(request, slug, pk)
        ratee = access.get_participant_in_round(survey, organisation)
        data = valid_input(RatingIO, request)
        rating = services.rating_save(
            membership=membership,
            survey=survey,
            ratee=ratee,
            values={k: v for k, v in data.items() if k in RATING_ITEMS},
            comment=data["comment"],
            comment_shareable=data["comment_shareable"],
            comment_anonymous=data["comment_anonymous"],
        )
        return Response(RatingIO(rating).data)


class RoundResults(APIView):
    """What the round published when it closed: the same cells as the pages and exports."""

    serializer_class = ResultsOutput

    @extend_schema(responses=ResultsOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, survey = _round(request, slug, pk)
        return Response(ResultsOutput(access.get_published_results(survey)).data)


def _speaker(request: Request, slug: str, pk: int) -> tuple[Any, SurveyRound]:
    membership, survey = _round(request, slug, pk)
    access.require_speaks_for_participant(membership, survey)
    return membership, survey


class PairViews(APIView):
    """The caller's organisation's relationships in the round: who agreed to share, and both
    views where both did and the round has closed."""

    serializer_class = PairViewOutput

    @extend_schema(responses=PairViewOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, survey = _speaker(request, slug, pk)
        views = access.get_pair_views_for(membership, survey)
        return Response(PairViewOutput(views, many=True).data)


class PairConsent(APIView):
    """Agree (share: true) or stop agreeing (share: false) to share our view with one
    organisation."""

    serializer_class = PairConsentInput

    @extend_schema(request=PairConsentInput, responses=PairViewOutput)
    def put(self, request: Request, slug: str, pk: int, organisation: int) -> Response:
        membership, survey = _speaker(request, slug, pk)
        partner = access.get_participant_in_round(survey, organisation)
        share = valid_input(PairConsentInput, request)["share"]
        write = services.pair_consent_give if share else services.pair_consent_withdraw
        write(membership=membership, survey=survey, partner=partner)
        views = access.get_pair_views_for(membership, survey)
        return Response(PairViewOutput(next(v for v in views if v.partner.pk == partner.pk)).data)
