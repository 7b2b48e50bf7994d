"""The privacy API's shapes: a stakeholder's subject access export (the same data as the
page's JSON download, selectors_privacy.subject_access_data), erasure, and the notes due for
review."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import choice_output_field
from relationships.models import Mode
from system.models import Stance

StanceOutputField = choice_output_field(Stance)
ModeOutputField = choice_output_field(Mode)


def _who() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text="Their name (or e-mail address).")


class SubjectAccessPersonOutput(serializers.Serializer):
    name = serializers.CharField()
    job_title = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    organisation = serializers.CharField()
    kept_by = serializers.CharField(
        help_text='"this collective" (its own record) or "the shared directory".'
    )


class SubjectAccessNoteOutput(serializers.Serializer):
    written_at = serializers.DateTimeField()
    author = _who()
    text = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


class SubjectAccessAssessmentOutput(serializers.Serializer):
    assessed_on = serializers.DateField()
    warmth = serializers.IntegerField(help_text="1 frosty to 5 warm.")
    sway = serializers.IntegerField(help_text="1 little to 5 decisive.")
    assessed_by = _who()


class SubjectAccessKeyRelationshipOutput(serializers.Serializer):
    owner = _who()
    since = serializers.DateTimeField()


class SubjectAccessPriorityOutput(serializers.Serializer):
    text = serializers.CharField()
    added_at = serializers.DateTimeField()
    added_by = _who()


class SubjectAccessOverlapOutput(serializers.Serializer):
    ours = serializers.CharField(help_text="Our priority.")
    theirs = serializers.CharField(help_text="Their priority.")
    note = serializers.CharField()
    marked_by = _who()
    marked_at = serializers.DateTimeField()


class SubjectAccessConversationOutput(serializers.Serializer):
    item = serializers.CharField(help_text="The agenda item's title.")
    meeting = serializers.CharField(help_text="The meeting series' name.")
    meeting_starts_at = serializers.DateTimeField()
    stance = StanceOutputField()
    stance_label = serializers.CharField()
    by = _who()
    done = serializers.BooleanField()


class SubjectAccessContactOutput(serializers.Serializer):
    happened_at = serializers.DateTimeField()
    mode = ModeOutputField()
    mode_label = serializers.CharField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    recorded_by = _who()


class SubjectAccessOutput(serializers.Serializer):
    """Everything the collective holds about one stakeholder."""

    stakeholder = serializers.IntegerField(help_text="The stakeholder's id.")
    person = SubjectAccessPersonOutput(allow_null=True)
    organisation = serializers.CharField()
    role = serializers.CharField()
    agenda_learned = serializers.CharField()
    added_at = serializers.DateTimeField()
    notes = SubjectAccessNoteOutput(many=True)
    assessments = SubjectAccessAssessmentOutput(many=True)
    key_relationships = SubjectAccessKeyRelationshipOutput(many=True)
    priorities = SubjectAccessPriorityOutput(many=True)
    overlaps = SubjectAccessOverlapOutput(many=True)
    conversations = SubjectAccessConversationOutput(many=True)
    contacts = SubjectAccessContactOutput(many=True)


class ErasureInput(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="true: erase their personal data. It cannot be undone."
    )


class ErasureOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The stakeholder's id, which stays, anonymised.")
    erased_at = serializers.DateTimeField()


class NotesReviewFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in their name, role or organisation."
    )


class NotesDueOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The stakeholder's id.")
    name = serializers.CharField()
    organisation = serializers.CharField()
    role = serializers.CharField()
    notes_due = serializers.IntegerField(help_text="Their notes due for review.")
    oldest = serializers.DateTimeField(help_text="When the oldest of them was written.")
