"""What goes in and comes out of the relationships' API (relationships.api).

Outputs read the rows of relationships.selectors.contacts (a contact with its note blanked for
whoever was not in it; a rhythm with its record of periods) or model instances fetched with
everything they show, so no serializer runs a query of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from decisions.serializers import DecisionRefOutput
from directory.serializers import OrganisationRefOutput
from relationships.models import AskStatus, Mode, Period, Scope, Source

# Choice fields ----------------------------------------------------------------------------
# Every choice documents its values inline (no shared enum is made): "status" and friends
# already name other enums in the schema.

ModeField = choice_field(Mode)
ScopeField = choice_field(Scope)
PeriodField = choice_field(Period)
AskStatusField = choice_field(AskStatus)
SourceOutField = choice_output_field(Source)
AskStatusOutField = choice_output_field(AskStatus)


class _Name(serializers.CharField):
    """A person's name (their e-mail address when they gave none), or null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)


# Contacts ---------------------------------------------------------------------------------


class ContactOutput(serializers.Serializer):
    """A contact (a relationships.selectors.contacts.ContactRow)."""

    id = serializers.IntegerField(source="contact.pk")
    happened_at = serializers.DateTimeField(source="contact.happened_at")
    mode = ModeField(source="contact.mode")
    duration_minutes = serializers.IntegerField(source="contact.duration_minutes", allow_null=True)
    count = serializers.IntegerField(
        source="contact.count", help_text="More than one for a week's count of e-mails."
    )
    source = SourceOutField(source="contact.source")  # type: ignore[assignment]  # the key
    organisations = OrganisationRefOutput(many=True)
    note = serializers.SerializerMethodField(
        help_text="Shown only to the people who were in the contact; null for everyone else."
    )
    is_participant = serializers.BooleanField(help_text="Whether the caller was in it.")
    recorded_at = serializers.DateTimeField(source="contact.recorded_at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_note(self, row: Any) -> str | None:
        return str(row.contact.note) if row.is_participant else None


class ContactDetailOutput(ContactOutput):
    participants = serializers.SerializerMethodField(
        help_text="The names of the people in the contact."
    )
    recorded_by = _Name(source="contact.recorded_by.display_name")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_participants(self, row: Any) -> list[str]:
        return list(self.context.get("people", []))


class ContactInput(serializers.Serializer):
    organisations = serializers.ListField(
        child=IdField(),
        min_length=2,
        max_length=MAX_LISTED,
        help_text="The member organisations in the contact (ids): yours and at least one more.",
    )
    mode = ModeField()
    happened_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=24 * 60
    )
    participants = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=MAX_LISTED,
        help_text="Other people in it (user ids of members of the collective); you are added.",
    )
    note = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown only to the people in the contact.",
    )


class EmailCountInput(serializers.Serializer):
    other_organisation = IdField(help_text="The other member organisation.")
    week_of = serializers.DateField(help_text="Any day of the week (it is counted by Monday).")
    count = serializers.IntegerField(
        min_value=0, max_value=1000, help_text="E-mails exchanged that week; 0 removes the count."
    )


class EmailCountOutput(serializers.Serializer):
    other_organisation = serializers.IntegerField()
    week_of = serializers.DateField(help_text="The Monday of the week.")
    count = serializers.IntegerField()
    contact = serializers.IntegerField(
        allow_null=True, help_text="The contact that holds the count; null when it is 0."
    )


# Rhythms ----------------------------------------------------------------------------------


class PeriodOutput(serializers.Serializer):
    """One period of a rhythm (a relationships.rules.PeriodOutcome)."""

    label = serializers.CharField(source="period.label")  # type: ignore[assignment]  # the key
    starts_on = serializers.SerializerMethodField()
    ends_on = serializers.SerializerMethodField(help_text="The last day of the period.")
    kept = serializers.BooleanField(
        allow_null=True, help_text="True kept, false missed, null while still open."
    )
    contacts = serializers.IntegerField(help_text="The contacts that kept it.")

    @extend_schema_field(serializers.DateField())
    def get_starts_on(self, outcome: Any) -> str:
        return str(outcome.period.start.date().isoformat())

    @extend_schema_field(serializers.DateField())
    def get_ends_on(self, outcome: Any) -> str:
        return str((outcome.period.end.date() - dt.timedelta(days=1)).isoformat())


class RhythmOutput(serializers.Serializer):
    """A rhythm (a relationships.selectors.contacts.RhythmRow) with its recent record."""

    id = serializers.IntegerField(source="rhythm.pk")
    name = serializers.CharField(source="rhythm.name")
    scope = ScopeField(source="rhythm.scope")
    organisations = OrganisationRefOutput(many=True)
    pcn = OrganisationRefOutput(source="rhythm.pcn", allow_null=True)
    modes = serializers.ListField(child=ModeField(), source="rhythm.modes")
    period = PeriodField(source="rhythm.period")
    min_minutes = serializers.IntegerField(source="rhythm.min_minutes", allow_null=True)
    owner = _Name(source="rhythm.owner.display_name")
    starts_on = serializers.DateField(source="rhythm.starts_on")
    ends_on = serializers.DateField(source="rhythm.ends_on", allow_null=True)
    kept = serializers.IntegerField(help_text="Periods kept, of those shown.")
    missed = serializers.IntegerField(help_text="Periods missed, of those shown.")
    periods = PeriodOutput(
        many=True, source="record", help_text="Oldest first: the latest few in a list."
    )


class RhythmInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    scope = ScopeField()
    organisations = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=MAX_LISTED,
        help_text="The organisations (ids): two for a pair. For a PCN its member practices, "
        "for the leadership group its organisations, when not given.",
    )
    pcn = IdField(
        required=False, allow_null=True, default=None, help_text="The PCN, for a PCN's rhythm."
    )
    modes = serializers.ListField(child=ModeField(), min_length=1, max_length=10)
    period = PeriodField()
    starts_on = serializers.DateField()
    min_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=24 * 60
    )


class RhythmEndInput(serializers.Serializer):
    ends_on = serializers.DateField(help_text="The last day the rhythm applies.")


# Nudges -----------------------------------------------------------------------------------


class NudgeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    text = serializers.CharField()
    organisations = OrganisationRefOutput(many=True, source="organisations.all")
    created_at = serializers.DateTimeField()
    snoozed_until = serializers.DateTimeField(allow_null=True)
    dismissed_at = serializers.DateTimeField(allow_null=True)
    for_you_alone = serializers.SerializerMethodField(
        help_text="True for a nudge for the caller alone (a cold key relationship of theirs)."
    )

    def get_for_you_alone(self, nudge: Any) -> bool:
        return nudge.user_id is not None


class SnoozeInput(serializers.Serializer):
    days = serializers.IntegerField(required=False, default=7, min_value=1, max_value=90)
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Snooze until the start of this date instead (within 90 days).",
    )


# Asks and offers --------------------------------------------------------------------------


class OfferOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationRefOutput()
    text = serializers.CharField()
    offered_by = _Name(source="offered_by.display_name")
    offered_at = serializers.DateTimeField()


class AskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationRefOutput(help_text="The organisation that asks.")
    what = serializers.CharField()
    needed_by = serializers.DateField(allow_null=True)
    to_everyone = serializers.BooleanField()
    addressed_to = OrganisationRefOutput(
        many=True, source="addressed_to.all", help_text="Empty when it went to everyone."
    )
    status = AskStatusOutField()
    asked_by = _Name(source="asked_by.display_name")
    asked_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    thanks = serializers.CharField()
    helped_by = serializers.IntegerField(
        source="helped_by_id", allow_null=True, help_text="The offer that helped."
    )
    offers_count = serializers.IntegerField(source="offer_count")


class AskDetailOutput(AskOutput):
    offers = OfferOutput(many=True, source="offers.all")


class AskInput(serializers.Serializer):
    what = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    needed_by = serializers.DateField(required=False, allow_null=True, default=None)
    to_organisations = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=MAX_LISTED,
        help_text="The organisations asked (ids); everyone when empty.",
    )


class OfferInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class AskAnswerInput(serializers.Serializer):
    offer = IdField(
        required=False, allow_null=True, default=None, help_text="The offer that helped."
    )
    thanks = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )


# Put it right -----------------------------------------------------------------------------


class PutItRightResponseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationRefOutput()
    text = serializers.CharField()
    responded_by = _Name(source="responded_by.display_name")
    responded_at = serializers.DateTimeField()


class PutItRightOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationRefOutput(help_text="The organisation that got it wrong.")
    mistake = serializers.CharField()
    impact = serializers.CharField()
    will_do = serializers.CharField()
    apologises_to = OrganisationRefOutput(many=True, source="apologises_to.all")
    decision = DecisionRefOutput(allow_null=True)
    recorded_by = _Name(source="recorded_by.display_name")
    recorded_at = serializers.DateTimeField()
    responses_count = serializers.IntegerField(source="response_count")


class PutItRightDetailOutput(PutItRightOutput):
    responses = PutItRightResponseOutput(many=True, source="responses.all")


class PutItRightInput(serializers.Serializer):
    mistake = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    impact = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    will_do = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    apologises_to = serializers.ListField(
        child=IdField(), max_length=MAX_LISTED, help_text="The organisations apologised to (ids)."
    )
    decision = IdField(
        required=False, allow_null=True, default=None, help_text="A decision it relates to."
    )


class PutItRightResponseInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


# Filters ----------------------------------------------------------------------------------


class ContactFilter(serializers.Serializer):
    organisation = IdField(
        required=False, help_text="Only contacts with this member organisation (id)."
    )
    mode = ModeField(required=False)
    since = serializers.DateField(required=False, help_text="From this day on (inclusive).")
    until = serializers.DateField(required=False, help_text="Up to this day (inclusive).")


class AskFilter(serializers.Serializer):
    status = AskStatusField(required=False)


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent in the request body: the schema says binary, as for any upload (a
    FileField on its own is documented as a URL, as it is in an answer)."""


class CalendarImportInput(serializers.Serializer):
    file = UploadField(
        help_text="An exported calendar (.ics) of up to 5 MB: Outlook, Google Calendar or "
        "Thunderbird."
    )
    matches = serializers.JSONField(
        binary=True,
        required=False,
        help_text="Addresses the file names that Alliance did not know, each matched to a "
        'member organisation: {"jo@example.org": 12}, as a JSON object.',
    )

    def validate_matches(self, value: Any) -> dict[str, int]:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v > 0
            for k, v in value.items()
        ):
            raise serializers.ValidationError(
                "Give an object of e-mail addresses, each with an organisation's id."
            )
        return {k.strip().lower(): v for k, v in value.items()}


class CalendarImportOutput(serializers.Serializer):
    created = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids of the contacts logged."
    )
    already_logged = serializers.ListField(child=serializers.CharField())
    unmatched = serializers.ListField(
        child=serializers.CharField(),
        help_text="Addresses to match to an organisation (send them again as `matches`).",
    )
    not_between_organisations = serializers.ListField(child=serializers.CharField())
    skipped = serializers.ListField(child=serializers.CharField())
    repeating = serializers.ListField(
        child=serializers.CharField(), help_text="One line per repeating meeting."
    )


class HabitSettingsIO(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=52, required=False)
    email_only_weeks = serializers.IntegerField(min_value=1, max_value=52, required=False)
    min_emails = serializers.IntegerField(min_value=1, max_value=100, required=False)
    missed_in_a_row = serializers.IntegerField(min_value=1, max_value=12, required=False)
    email_share_amber = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        help_text="The e-mail share at or above which a pair or PCN is shown amber (0 to 1).",
    )
