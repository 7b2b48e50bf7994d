"""The stakeholders API's shapes: ...Input parses a request, ...Output writes an answer (from
the selectors' rows, so the API shows what the pages show). Notes are only in StakeholderNoteOutput,
read through their own endpoint, which records the read."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import IdField, choice_field
from alliance.limits import EMAIL_MAX, TEXT_MAX
from directory.serializers import OrganisationRefOutput
from relationships.models import Mode
from system.services_stakeholders import NAME_MAX, ROLE_MAX

ModeField = choice_field(Mode)


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)  # type: ignore[arg-type]


class StakeholderFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in their name, role or organisation."
    )
    organisation = IdField(required=False, help_text="Only the stakeholders of this one.")


class StakeholderUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class StakeholderAssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    warmth = serializers.IntegerField(help_text="1 frosty to 5 warm.")
    sway = serializers.IntegerField(help_text="1 little to 5 decisive.")
    assessed_on = serializers.DateField()
    assessed_by = StakeholderUserOutput(allow_null=True)
    movement = serializers.CharField(
        required=False, help_text='Since the one before, e.g. "warmth 3 → 4".'
    )


class StakeholderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(help_text="Their directory person's id.")
    name = serializers.CharField()
    job_title = serializers.CharField()
    email = serializers.CharField()
    organisation = OrganisationRefOutput()
    role = serializers.CharField()
    agenda_learned = serializers.CharField()
    current = StakeholderAssessmentOutput(allow_null=True, help_text="The newest assessment.")
    previous = StakeholderAssessmentOutput(allow_null=True, help_text="The one before it.")
    key_relationship_of = StakeholderUserOutput(many=True)
    last_contact = serializers.DateTimeField(allow_null=True)


class StakeholderDetailOutput(StakeholderOutput):
    assessments = StakeholderAssessmentOutput(
        many=True, help_text="Every assessment, newest first."
    )
    is_mine = serializers.BooleanField(help_text="One of the caller's key relationships.")


class StakeholderInput(serializers.Serializer):
    organisation = IdField(
        help_text="A system organisation: shared directory data or the collective's own."
    )
    person = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Someone the collective knows at the organisation; or leave it out and give "
        "the name of someone new.",
    )
    name = serializers.CharField(max_length=NAME_MAX, required=False, default="", allow_blank=True)
    job_title = serializers.CharField(
        max_length=ROLE_MAX, required=False, default="", allow_blank=True
    )
    email = serializers.EmailField(
        max_length=EMAIL_MAX, required=False, default="", allow_blank=True
    )
    role = serializers.CharField(max_length=ROLE_MAX, required=False, default="", allow_blank=True)
    agenda_learned = _text(required=False, default="", allow_blank=True)


class StakeholderChangeInput(serializers.Serializer):
    role = serializers.CharField(max_length=ROLE_MAX, required=False, allow_blank=True)
    agenda_learned = _text(required=False, allow_blank=True)


class StakeholderAssessmentInput(serializers.Serializer):
    warmth = serializers.IntegerField(min_value=1, max_value=5, help_text="1 frosty to 5 warm.")
    sway = serializers.IntegerField(min_value=1, max_value=5, help_text="1 little to 5 decisive.")
    assessed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today if left out."
    )


class KeyRelationshipEndQuery(serializers.Serializer):
    owner = IdField(
        required=False,
        help_text="Whose key relationship ends (a convenor may end anyone's); the caller's own "
        "if left out.",
    )


class KeyRelationshipOutput(serializers.Serializer):
    stakeholder = serializers.IntegerField()
    name = serializers.CharField()
    organisation = OrganisationRefOutput()
    role = serializers.CharField()
    since = serializers.DateTimeField()


class StakeholderNoteInput(serializers.Serializer):
    text = _text()


class StakeholderNoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = StakeholderUserOutput(allow_null=True)
    written_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    due_for_review = serializers.BooleanField(
        help_text="Older than two years and not kept since: keep it or delete it."
    )


class StakeholderContactInput(serializers.Serializer):
    mode = ModeField()
    happened_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=24 * 60
    )
    organisation = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The member organisation you were there for; your own if left out.",
    )
    agenda_learned = _text(
        required=False,
        default="",
        allow_blank=True,
        help_text="What we learned of their agenda: kept on the first contact, and needed "
        "then when they are someone's key relationship.",
    )


class StakeholderContactOutput(serializers.Serializer):
    contact = serializers.IntegerField(help_text="The contact in the contact log.")
    happened_at = serializers.DateTimeField()
    first = serializers.BooleanField(help_text="The first contact with them.")
    agenda_learned = serializers.CharField()
