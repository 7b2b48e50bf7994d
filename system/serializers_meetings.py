"""The system meetings API's shapes: ...Input parses a request, ...Output writes an answer
(from the selectors' rows, so the API shows what the pages show). The conversations before a
meeting are null for anyone outside the leadership group."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from directory.serializers import OrganisationRefOutput
from system.models import Stance
from system.selectors_meetings import WhenFilter

StanceField = choice_field(Stance)
StanceOutput = choice_output_field(Stance)


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)  # type: ignore[arg-type]


class MeetingSeriesFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words in the name.")


class SystemMeetingFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the series' name."
    )
    when = serializers.ChoiceField(
        required=False,
        choices=[value for value, _ in WhenFilter.choices if value],
        help_text="upcoming or past; both when left out.",
    )
    series = IdField(required=False, help_text="Only this series' meetings.")


class GpLeaderRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeetingSeriesRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeetingSeriesOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = OrganisationRefOutput(allow_null=True, help_text="Who holds it, if anyone.")
    recurrence = serializers.CharField(help_text="An iCalendar RRULE; empty for a one-off.")
    recurrence_in_words = serializers.CharField()
    next_meeting = serializers.DateTimeField(allow_null=True)
    upcoming = serializers.IntegerField(help_text="Meetings scheduled from now on.")
    leaders_last_12_months = serializers.IntegerField(
        help_text="How many different GP leaders attended its meetings in the last 12 months."
    )
    spread_thin = serializers.BooleanField(
        help_text="More GP leaders attend than the collective's most: the voice is spread thin."
    )
    warning = serializers.CharField(help_text="What the page says when it is spread thin.")


class MeetingSeriesInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The organisation that holds it: an organisation of the directory.",
    )
    recurrence = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="An iCalendar RRULE such as FREQ=MONTHLY;BYDAY=1TH or "
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU; empty for a one-off.",
    )
    starts_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The first meeting: a year of meetings is scheduled from it (a one-off's "
        "meeting is this one).",
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MeetingSeriesChangeInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    organisation = IdField(required=False, allow_null=True)
    recurrence = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeetingScheduleInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="The first meeting to schedule.")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SystemMeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    series = MeetingSeriesRefOutput()
    organisation = OrganisationRefOutput(allow_null=True, help_text="Who holds it, if anyone.")
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    attendees = serializers.IntegerField(help_text="GP leaders attending.")
    items = serializers.IntegerField(help_text="Agenda items.")
    outcomes = serializers.IntegerField(help_text="Agenda items with an outcome recorded.")


class AgendaDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()


class AgendaMandateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    need = serializers.CharField(help_text="The title of the need it negotiates.")


class PrepStakeholderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = OrganisationRefOutput()


class PrepConversationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField()
    stakeholder = PrepStakeholderOutput(
        allow_null=True, help_text="Null once the stakeholder's personal data is erased."
    )
    with_whom = serializers.CharField(
        help_text="The stakeholder as the pages show them ('a stakeholder (details erased)' "
        "once erased)."
    )
    by = GpLeaderRefOutput(allow_null=True, help_text="The GP leader who has the conversation.")
    stance = StanceOutput()
    done = serializers.BooleanField()


class AgendaItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Its place on the agenda, from 1.")
    title = serializers.CharField()
    our_position = serializers.CharField()
    decision = AgendaDecisionOutput(allow_null=True)
    mandate = AgendaMandateOutput(allow_null=True)
    outcome = serializers.CharField()
    outcome_recorded_at = serializers.DateTimeField(allow_null=True)
    briefing = serializers.IntegerField(
        allow_null=True, help_text="The golden-thread briefing the outcome was published as."
    )
    conversations = PrepConversationOutput(
        many=True,
        allow_null=True,
        help_text="The conversations to have beforehand: null for anyone outside the "
        "leadership group.",
    )


class SystemMeetingDetailOutput(SystemMeetingOutput):
    attendee_list = GpLeaderRefOutput(many=True, help_text="The GP leaders attending.")
    agenda = AgendaItemOutput(many=True)
    preparation_visible = serializers.BooleanField(
        help_text="Whether the caller sees the conversations beforehand (the leadership group)."
    )


class SystemMeetingChangeInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    attendees = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=MAX_LISTED,
        help_text="The user ids of the GP leaders attending (the leadership group's members).",
    )


class AgendaItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    our_position = _text(required=False, default="", allow_blank=True)
    decision = IdField(required=False, allow_null=True, default=None)
    mandate = IdField(required=False, allow_null=True, default=None)


class AgendaItemChangeInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    our_position = _text(required=False, allow_blank=True)
    decision = IdField(required=False, allow_null=True)
    mandate = IdField(required=False, allow_null=True)


class AgendaOrderInput(serializers.Serializer):
    order = serializers.ListField(
        child=IdField(),
        max_length=MAX_LISTED,
        help_text="Every item of the meeting's agenda, once, in the new order.",
    )


class PrepConversationInput(serializers.Serializer):
    stakeholder = IdField(help_text="One of the collective's stakeholders.")
    by = IdField(help_text="The user id of the GP leader who has the conversation.")
    stance = StanceField(required=False, default=Stance.UNKNOWN)
    done = serializers.BooleanField(required=False, default=False)


class PrepConversationChangeInput(serializers.Serializer):
    stakeholder = IdField(required=False)
    by = IdField(required=False)
    stance = StanceField(required=False)
    done = serializers.BooleanField(required=False)


class AgendaOutcomeInput(serializers.Serializer):
    outcome = _text(help_text="What came of the item at the meeting.")


class OutcomePublishInput(serializers.Serializer):
    meaning = _text(help_text="What the outcome means for a practice.")
    summary = _text(
        required=False,
        default="",
        allow_blank=True,
        help_text="In plain English; the outcome when left out.",
    )
    confirm_hard = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Publish although the text reads harder than the collective's threshold.",
    )
