"""Trust survey endpoints: rounds, the caller's own answers, and aggregates only."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import call_service, valid_input
from collectives.access import get_membership_for_user
from relationships import access, selectors, services
from relationships.models import RATING_ITEMS, SurveyRound


class RoundOutput(serializers.ModelSerializer):
    status = serializers.CharField()

    class Meta:
        model = SurveyRound
        fields = ["id", "title", "opens_on", "closes_on", "answer_mode", "status"]


class RatingIO(serializers.Serializer):
    ratee = serializers.IntegerField(read_only=True, source="ratee_id")
    complete = serializers.BooleanField(read_only=True, source="is_complete")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    comment_shareable = serializers.BooleanField(required=False, default=False)
    comment_anonymous = serializers.BooleanField(required=False, default=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in RATING_ITEMS:
            fields[name] = serializers.IntegerField(required=False, allow_null=True)
        return fields


class ReceivedOutput(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    name = serializers.CharField(source="organisation.name")
    raters = serializers.IntegerField()
    enough = serializers.BooleanField()
    trust = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)


class PairOutput(serializers.Serializer):
    a = serializers.IntegerField(source="a.pk")
    b = serializers.IntegerField(source="b.pk")
    band = serializers.CharField()
    position = serializers.IntegerField()


class ResultsOutput(serializers.Serializer):
    min_raters = serializers.IntegerField()
    measures = serializers.DictField()
    received = ReceivedOutput(many=True)
    ties = PairOutput(many=True, source="pairs")


def _round(request: Request, slug: str, pk: int) -> tuple[Any, SurveyRound]:
    membership = get_membership_for_user(request.user, slug)
    return membership, access.get_round_in_collective(membership, pk)


class RoundList(APIView):
    serializer_class = RoundOutput

    @extend_schema(responses=RoundOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        rounds = selectors.rounds_for_collective(collective=membership.collective)
        return Response(RoundOutput(rounds, many=True).data)


class RoundDetail(APIView):
    serializer_class = RoundOutput

    @extend_schema(responses=RoundOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(RoundOutput(_round(request, slug, pk)[1]).data)


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
        rating = call_service(
            services.rating_save,
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
    """Aggregates under the same confidentiality rules as the pages."""

    serializer_class = ResultsOutput

    @extend_schema(responses=ResultsOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, survey = _round(request, slug, pk)
        results = selectors.round_results(survey=survey)
        if results is None:
            raise Http404("Results appear when the round closes.")
        m = results.measures
        measures = {name: getattr(m, name) for name in selectors.ROUND_FIGURES}
        measures |= {
            "rc_means": m.rc_means,
            "spectrum_now": m.spectrum_now,
            "spectrum_wanted": m.spectrum_wanted,
        }
        return Response(
            {
                "min_raters": results.min_raters,
                "measures": measures,
                "received": ReceivedOutput(results.received, many=True).data,
                "ties": PairOutput(results.pairs, many=True).data,
            }
        )
