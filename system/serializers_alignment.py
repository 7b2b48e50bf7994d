"""What goes in and comes out of the agenda alignment API (system.api.alignment): priorities
and overlaps. Outputs read only what the selectors fetched with select_related, so no
serializer runs a query of its own."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from system.models import Overlap, Priority, PriorityOwner
from system.selectors_coverage import stakeholder_name, stakeholder_role

WhoseField = choice_field(PriorityOwner)
WhoseOutField = choice_output_field(PriorityOwner)
TEXT_MAX = Priority._meta.get_field("text").max_length
NOTE_MAX = Overlap._meta.get_field("note").max_length


class AlignmentOrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AlignmentDecisionRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class AlignmentStakeholderRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = serializers.IntegerField(help_text="Their organisation's directory id.")


@extend_schema_field(AlignmentStakeholderRef(allow_null=True))
class _StakeholderField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        if value is None:
            return None
        return {
            "id": value.pk,
            "name": stakeholder_name(value),
            "role": stakeholder_role(value),
            "organisation": value.organisation_id,
        }


class PriorityOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    whose = WhoseOutField()
    text = serializers.CharField()
    organisation = AlignmentOrganisationRef(
        allow_null=True, help_text="The system organisation whose priority it is, if one's."
    )
    stakeholder = _StakeholderField(
        allow_null=True, help_text="The stakeholder whose own priority it is, if one's."
    )
    decision = AlignmentDecisionRef(
        allow_null=True, help_text="The collective's decision behind one of our priorities."
    )
    added_at = serializers.DateTimeField()


class PriorityInput(serializers.Serializer):
    whose = WhoseField(help_text="Ours, a system organisation's or a stakeholder's own.")
    text = serializers.CharField(max_length=TEXT_MAX, help_text="A short statement.")
    organisation = IdField(
        required=False, help_text="The organisation's directory id (whose: organisation)."
    )
    stakeholder = IdField(required=False, help_text="The stakeholder's id (whose: stakeholder).")
    decision = IdField(
        required=False, help_text="One of the collective's decisions (whose: collective)."
    )


class PriorityFilter(serializers.Serializer):
    whose = WhoseField(required=False)
    organisation = IdField(
        required=False,
        help_text="The organisation's priorities and those of the stakeholders there.",
    )
    stakeholder = IdField(required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Part of the text.")


class OurPriorityRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()


class OverlapOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    ours = OurPriorityRef()
    theirs = PriorityOutput()
    note = serializers.CharField()
    marked_by = serializers.CharField(
        source="marked_by.display_name", default="", help_text="Empty if their account is gone."
    )
    marked_at = serializers.DateTimeField()


class OverlapInput(serializers.Serializer):
    ours = IdField(help_text="One of our priorities.")
    theirs = IdField(help_text="A system organisation's or a stakeholder's priority.")
    note = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, help_text="How they meet."
    )


class OverlapFilter(serializers.Serializer):
    organisation = IdField(
        required=False, help_text="Overlaps with this organisation's or its people's priorities."
    )
    ours = IdField(required=False, help_text="Overlaps of this priority of ours.")
