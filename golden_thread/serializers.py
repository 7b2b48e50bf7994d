"""What goes in and comes out of the golden thread's API (golden_thread.api)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from decisions.serializers import DecisionRefOutput
from directory.serializers import OrganisationRefOutput
from golden_thread import selectors
from golden_thread.models import (
    AboutPage,
    Acknowledgement,
    ActionStatus,
    Briefing,
    Channel,
    Question,
    Touch,
)

# Choice fields ----------------------------------------------------------------------------
# "status" already names other enums in the schema, and an output field that may be blank
# has other values than its input; so every choice here documents its values inline.

ChannelField = choice_field(Channel)
AcknowledgementField = choice_field(Acknowledgement)
ActionStatusField = choice_field(ActionStatus)
AcknowledgementOutField = choice_output_field(Acknowledgement, blank="Not acknowledged yet")
ActionStatusOutField = choice_output_field(ActionStatus, blank="Not reported yet")


# Serializers ------------------------------------------------------------------------------


class PracticeRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    ods_code = serializers.CharField(allow_null=True)


class FiguresOutput(serializers.Serializer):
    practices = serializers.IntegerField(help_text="Practices the briefings went to.")
    acknowledged = serializers.IntegerField(help_text="Practices that acknowledged.")
    reach = serializers.FloatField(
        allow_null=True, help_text="The share of practices that acknowledged (0 to 1)."
    )
    touches = serializers.IntegerField(help_text="Touches logged: e-mails, meetings...")
    touches_per_practice = serializers.FloatField(allow_null=True)
    over_communication_index = serializers.FloatField(
        allow_null=True, help_text="Touches per practice over 2; under 1 is too little."
    )
    index_below_one = serializers.BooleanField()
    not_reached_after_7_days = serializers.IntegerField()
    actions_due = serializers.IntegerField()
    actions_in_place = serializers.IntegerField()
    actions_exception = serializers.IntegerField()
    actions_in_place_share = serializers.FloatField(allow_null=True)
    questions_open = serializers.IntegerField()


class BriefingOutput(serializers.ModelSerializer):
    decision = DecisionRefOutput(
        allow_null=True, help_text="The decision it carries; null for a notice."
    )
    source_label = serializers.CharField(help_text="For a notice: where it comes from.")
    source_path = serializers.CharField(help_text="For a notice: the page it comes from.")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = [
            "id",
            "title",
            "decision",
            "source_label",
            "source_path",
            "summary",
            "meaning",
            "action",
            "action_by",
            "published_at",
            "reading_ease",
            "grade",
            "figures",
        ]

    @extend_schema_field(FiguresOutput)
    def get_figures(self, briefing: Briefing) -> dict[str, Any]:
        figures = self.context.get("figures", {}).get(briefing.pk, selectors.Figures())
        return dict(FiguresOutput(figures.as_dict()).data)


class ReadabilityOutput(serializers.Serializer):
    reading_ease = serializers.FloatField(help_text="Flesch reading ease: 60 or more is plain.")
    grade = serializers.FloatField(help_text="Flesch-Kincaid grade.")
    threshold = serializers.FloatField(help_text="The collective's threshold.")
    below_threshold = serializers.BooleanField(
        help_text="Reads harder than the threshold: publishing needs confirm_hard."
    )
    longest_sentences = serializers.ListField(child=serializers.CharField())
    hardest_words = serializers.ListField(child=serializers.CharField())


class BriefingWrittenOutput(BriefingOutput):
    readability = ReadabilityOutput()

    class Meta(BriefingOutput.Meta):
        fields = [*BriefingOutput.Meta.fields, "readability"]


class ThreadOutput(serializers.Serializer):
    """Where the thread to one practice stands."""

    practice = PracticeRefOutput(source="thread.practice")
    pcn = OrganisationRefOutput(
        source="thread.pcn", allow_null=True, help_text="The practice's PCN when published."
    )
    touches = serializers.IntegerField()
    acknowledgement = AcknowledgementOutField(source="thread.acknowledgement")
    discussed_on = serializers.DateField(source="thread.discussed_on", allow_null=True)
    acknowledged_at = serializers.DateTimeField(source="thread.acknowledged_at", allow_null=True)
    action_status = ActionStatusOutField(source="thread.action_status")
    questions_open = serializers.IntegerField()
    overdue = serializers.BooleanField(
        help_text="Not acknowledged 7 days or more after publication."
    )


class QuestionOutput(serializers.ModelSerializer):
    practice = OrganisationRefOutput(source="thread.practice")

    class Meta:
        model = Question
        fields = ["id", "practice", "text", "asked_at", "answer", "answered_at"]


class BriefingDetailOutput(BriefingOutput):
    questions = QuestionOutput(many=True, help_text="The answered questions.")
    own_thread = ThreadOutput(
        allow_null=True,
        help_text="The thread to the caller's practice, if the caller speaks for one on it.",
    )

    class Meta(BriefingOutput.Meta):
        fields = [*BriefingOutput.Meta.fields, "questions", "own_thread"]


class TouchOutput(serializers.ModelSerializer):
    practice = OrganisationRefOutput(source="thread.practice")
    channel = ChannelField()
    recorded_by = serializers.CharField(source="recorded_by.full_name", allow_null=True)

    class Meta:
        model = Touch
        fields = ["id", "practice", "channel", "happened_on", "note", "recorded_by", "recorded_at"]


class TouchesRecordedOutput(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="How many touches were recorded.")
    touches = TouchOutput(many=True)


class BriefingInput(serializers.Serializer):
    decision = serializers.IntegerField(help_text="The recorded decision the briefing is for.")
    summary = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="In plain English."
    )
    meaning = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="What it means for a practice."
    )
    action = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty when there is nothing.",
    )
    action_by = serializers.DateField(required=False, allow_null=True, default=None)


class PublishInput(serializers.Serializer):
    confirm_hard = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Publish although it reads harder than the collective's threshold.",
    )


class TouchInput(serializers.Serializer):
    channel = ChannelField()
    happened_on = serializers.DateField()
    practices = serializers.ListField(
        child=IdField(), max_length=MAX_LISTED, help_text="The practices' organisation ids."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class AcknowledgementInput(serializers.Serializer):
    acknowledgement = AcknowledgementField()
    discussed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Needed for `discussed`."
    )
    question = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed for `questions`.",
    )


class ActionInput(serializers.Serializer):
    status = ActionStatusField()
    reason = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed for `exception`.",
    )


class QuestionInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class AboutInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=TEXT_MAX,
        allow_blank=True,
        help_text="What the leadership group is and what it does, in plain English, for a "
        "practice manager who has never heard of it.",
    )


class AboutPageOutput(serializers.ModelSerializer):
    class Meta:
        model = AboutPage
        fields = ["text", "reading_ease", "grade", "published_at", "published_below_threshold"]


class AboutOutput(AboutPageOutput):
    readability = ReadabilityOutput(
        help_text="How plainly the text reads now, against the collective's threshold."
    )

    class Meta(AboutPageOutput.Meta):
        fields = [*AboutPageOutput.Meta.fields, "readability"]
