"""The register's and the ledger's API shapes: ...Input parses a request, ...Output writes
an answer (from the selectors' rows, so the API shows what the pages show)."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from decisions.serializers import DecisionRefOutput
from directory.serializers import OrganisationRefOutput
from shared_services.models import Answer, Better, ServiceKind, Stage

KindField = choice_field(ServiceKind)
StageField = choice_field(Stage)
BetterField = choice_field(Better)
AnswerField = choice_field(Answer)
KindOutput = choice_output_field(ServiceKind)
StageOutput = choice_output_field(Stage)
StageOrBlankOutput = choice_output_field(Stage, blank="Blank for the first move (added).")
BetterOutput = choice_output_field(Better)
AnswerOutput = choice_output_field(Answer)


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)  # type: ignore[arg-type]


class ServiceFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words in the name.")
    stage = StageField(required=False)


class PersonRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ServiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = KindOutput()
    host = OrganisationRefOutput()
    lead = PersonRefOutput(allow_null=True)
    stage = StageOutput()
    purpose = serializers.CharField()
    service_levels = serializers.CharField(help_text="Markdown.")
    practices = serializers.IntegerField(help_text="Practices in the service now.")


class ServiceInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = KindField()
    host = IdField(help_text="The hosting federation, PCN or practice (a member organisation).")
    lead = IdField(required=False, allow_null=True, default=None, help_text="A member's user id.")
    purpose = _text(required=False, default="", allow_blank=True)
    service_levels = _text(required=False, default="", allow_blank=True)
    practices = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=MAX_LISTED
    )
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)


class ServiceChangeInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = KindField(required=False)
    host = IdField(required=False)
    lead = IdField(required=False, allow_null=True)
    purpose = _text(required=False, allow_blank=True)
    service_levels = _text(required=False, allow_blank=True)


class StageInput(serializers.Serializer):
    stage = StageField()
    reason = _text(help_text="Why: everyone sees it.")


class PracticeInput(serializers.Serializer):
    organisation = IdField(help_text="A member practice.")
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)


class LeaveInput(serializers.Serializer):
    left_on = serializers.DateField(required=False, allow_null=True, default=None)


class DecisionLinkInput(serializers.Serializer):
    decision = IdField()
    linked = serializers.BooleanField(default=True, help_text="False removes the link.")


class WayInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = _text()


class VersionInput(serializers.Serializer):
    text = _text()
    change_note = _text()


class WayAnswerInput(serializers.Serializer):
    answer = AnswerField()
    variation = _text(required=False, default="", allow_blank=True)
    variation_reason = _text(required=False, default="", allow_blank=True)
    variation_until = serializers.DateField(required=False, allow_null=True, default=None)
    would_help = _text(required=False, default="", allow_blank=True)
    reason = _text(required=False, default="", allow_blank=True)


class MeasureInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=60)
    better = BetterField(required=False, default=Better.UP)
    baseline = serializers.FloatField(required=False, allow_null=True, default=None)
    target = serializers.FloatField(required=False, allow_null=True, default=None)


class MonthValueInput(serializers.Serializer):
    month = serializers.CharField(max_length=20, help_text="2026-03")
    value = serializers.FloatField()


class ValuesInput(serializers.Serializer):
    values = serializers.ListField(child=MonthValueInput(), min_length=1, max_length=MAX_LISTED)


class LedgerAnswerOutput(serializers.Serializer):
    way = serializers.IntegerField()
    answer = AnswerOutput(allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text="The version it was given on.")
    agreed = serializers.BooleanField(help_text="Agreed to the current version, not expired.")
    in_words = serializers.CharField(help_text="The answer in words, as the page shows it.")


class LedgerRowOutput(serializers.Serializer):
    organisation = OrganisationRefOutput()
    joined_on = serializers.DateField()
    answers = LedgerAnswerOutput(many=True)


class WayRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version's number.")
    agreed = serializers.IntegerField(help_text="Practices that agreed the current version.")


class MoveOutput(serializers.Serializer):
    from_stage = StageOrBlankOutput()
    to_stage = StageOutput()
    by = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class MeasureRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


class ServiceDetailOutput(ServiceOutput):
    ways = WayRefOutput(many=True)
    ledger = LedgerRowOutput(many=True, help_text="Each current practice's answers.")
    can_go_live = serializers.BooleanField(
        help_text="Whether every current practice has agreed every current way of working."
    )
    history = MoveOutput(many=True)
    decisions = DecisionRefOutput(many=True)
    measures = MeasureRefOutput(many=True)


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    change_note = serializers.CharField()
    published_at = serializers.DateTimeField()


class PracticeAnswerOutput(serializers.Serializer):
    organisation = OrganisationRefOutput()
    version = serializers.IntegerField()
    answer = AnswerOutput()
    variation = serializers.CharField()
    variation_reason = serializers.CharField()
    variation_until = serializers.DateField(allow_null=True)
    would_help = serializers.CharField()
    reason = serializers.CharField()
    answered_at = serializers.DateTimeField()


class WayOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    service = serializers.IntegerField()
    versions = VersionOutput(many=True, help_text="The current one first.")
    answers = PracticeAnswerOutput(many=True, help_text="Every answer to every version.")


class PointOutput(serializers.Serializer):
    month = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    signals = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField(help_text="common cause, improvement, concern or neither")


class MeasureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    better = BetterOutput()
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    lower_limit = serializers.FloatField(allow_null=True)
    upper_limit = serializers.FloatField(allow_null=True)
    variation = serializers.CharField()
    points = PointOutput(many=True)


class AgreementOutput(serializers.Serializer):
    service = serializers.CharField()
    host = OrganisationRefOutput()
    way = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    current_version = serializers.IntegerField()
    answer = AnswerOutput()
    since = serializers.DateTimeField()
    variation = serializers.CharField()
    variation_until = serializers.DateField(allow_null=True)
    expired = serializers.BooleanField()


class SettingsIO(serializers.Serializer):
    """The collective's shared services settings and its thresholds for practices under
    pressure."""

    may_run_before_all_agree = serializers.BooleanField(
        required=False,
        help_text="Whether a service may go live before every practice agrees every way of "
        "working (by default it may not).",
    )
    list_fall_per_year = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text="A list falling by more than this % a year is flagged.",
    )
    locum_centile = serializers.IntegerField(
        min_value=1,
        max_value=99,
        required=False,
        help_text="Locum allowances per patient above this centile of England are flagged.",
    )
    min_gp_fte_per_1000 = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text="Fewer GP FTE per 1,000 patients than this is flagged.",
    )
