"""What goes in and comes out of the trust surveys' API (surveys.api)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from alliance.api import IdField
from alliance.limits import TEXT_MAX
from surveys import results
from surveys.models import RATING_ITEMS, AnswerMode, SurveyRound


class RoundOutput(serializers.ModelSerializer):
    status = serializers.CharField()

    class Meta:
        model = SurveyRound
        fields = ["id", "title", "opens_on", "closes_on", "answer_mode", "status"]


class RoundInput(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    answer_mode = serializers.ChoiceField(
        choices=AnswerMode.choices, required=False, default=AnswerMode.REPRESENTATIVE
    )
    participants = serializers.ListField(
        child=IdField(),
        max_length=1000,
        help_text="The ids of the member organisations taking part (at least 3).",
    )


class ExtendInput(serializers.Serializer):
    closes_on = serializers.DateField(help_text="A later closing date than the current one.")


class SelfAssessmentIO(serializers.Serializer):
    """The answers about one's own organisation (1 to 5; null for not answered), and when
    they were marked finished."""

    sustainable_alone = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
    joint_difference = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
    knows_leadership = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
    finished_at = serializers.DateTimeField(source="submitted_at", read_only=True, allow_null=True)


class RatingIO(serializers.Serializer):
    ratee = serializers.IntegerField(read_only=True, source="ratee_id")
    complete = serializers.BooleanField(read_only=True, source="is_complete")
    comment = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    comment_shareable = serializers.BooleanField(required=False, default=False)
    comment_anonymous = serializers.BooleanField(required=False, default=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in RATING_ITEMS:
            fields[name] = serializers.IntegerField(required=False, allow_null=True)
        return fields


class CellOutput(serializers.Serializer):
    """A published figure or group of figures: shown with its values, or held back with
    the reason (never with a count beside it)."""

    shown = serializers.BooleanField()
    reason = serializers.SerializerMethodField()
    values = serializers.DictField()

    def get_reason(self, cell: Any) -> str:
        return "" if cell.shown else results.reason(cell)


class ReceivedOutput(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    name = serializers.CharField(source="organisation.name")
    received = CellOutput(source="cell")


class PCNOutput(serializers.Serializer):
    pcn = serializers.IntegerField(source="pcn.pk")
    name = serializers.CharField(source="pcn.name")
    practices = serializers.SerializerMethodField()
    spectrum = CellOutput()
    pairs = CellOutput()

    def get_practices(self, view: Any) -> list[int]:
        return [o.pk for o in view.practices]


class ResultsOutput(serializers.Serializer):
    min_raters = serializers.IntegerField()
    held = serializers.BooleanField()
    structure = serializers.DictField()
    round = CellOutput()
    pairs = CellOutput()
    awareness = CellOutput()
    received = ReceivedOutput(many=True)
    pcns = PCNOutput(many=True)
    mutual_pairs = serializers.SerializerMethodField()

    def get_mutual_pairs(self, found: Any) -> list[list[int]]:
        return [[a.pk, b.pk] for a, b in found.mutual_pairs]


class TieOutput(serializers.Serializer):
    trust = serializers.FloatField()
    value = serializers.FloatField()
    rc = serializers.ListField(child=serializers.FloatField())
    now = serializers.IntegerField()
    wanted = serializers.IntegerField()


class PairViewOutput(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    name = serializers.CharField(source="partner.name")
    we_agreed = serializers.BooleanField()
    they_agreed = serializers.BooleanField()
    ours = TieOutput(allow_null=True)
    theirs = TieOutput(allow_null=True)


class PairConsentInput(serializers.Serializer):
    share = serializers.BooleanField()
