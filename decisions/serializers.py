"""What goes in and comes out of the decisions' API (decisions.api)."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import choice_output_field
from decisions.models import (
    Decision,
    DecisionStatus,
    ItemKind,
    ItemStatus,
    Phase,
    Position,
    Proposal,
    ProposalVersion,
    Stance,
    TrackedItem,
)
from directory.serializers import OrganisationRefOutput

# Choice fields ----------------------------------------------------------------------------
# "kind" and "status" already name the organisation enums (KindEnum, StatusEnum) in the
# schema, so these document their values inline (alliance.api.choice_output_field).


ItemKindField = choice_output_field(ItemKind)
ItemStatusField = choice_output_field(ItemStatus)
DecisionStatusField = choice_output_field(DecisionStatus)


# Serializers ------------------------------------------------------------------------------


# A decision named in another record (no docstring: it would become the schema's
# description of the component).
class DecisionRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ProposalOutput(serializers.ModelSerializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The number of the proposal's current version."
    )

    class Meta:
        model = Proposal
        fields = ["id", "title", "phase", "current_version", "closes_on"]


class ProposalVersionOutput(serializers.ModelSerializer):
    class Meta:
        model = ProposalVersion
        fields = ["number", "problem", "text", "why", "changes_for_practices", "created_at"]


class PositionOutput(serializers.ModelSerializer):
    organisation = OrganisationRefOutput()
    stance = serializers.ChoiceField(choices=Stance.choices)
    version = serializers.IntegerField(
        source="version.number", help_text="The version the position was given on."
    )
    stale = serializers.SerializerMethodField(
        help_text="Given on an earlier version: to reconfirm on the current one."
    )

    class Meta:
        model = Position
        fields = ["organisation", "stance", "reason", "version", "stated_at", "stale"]

    def get_stale(self, position: Position) -> bool:
        current = self.context.get("current_version")
        return current is not None and position.version.number != current


class PositionInput(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TrackedItemOutput(serializers.ModelSerializer):
    kind = ItemKindField()
    status = ItemStatusField()
    organisation = OrganisationRefOutput()
    addressed_by = serializers.IntegerField(
        source="addressed_by.number",
        allow_null=True,
        help_text="The number of the version that addresses it, if any.",
    )

    class Meta:
        model = TrackedItem
        fields = ["id", "kind", "status", "organisation", "text", "raised_on", "addressed_by"]


class ProposalDetailOutput(ProposalOutput):
    versions = ProposalVersionOutput(many=True)
    positions = PositionOutput(many=True)
    items = TrackedItemOutput(many=True)
    blockers = serializers.ListField(
        child=serializers.CharField(),
        help_text="What stops consensus being recorded now; empty when the rule holds.",
    )

    class Meta(ProposalOutput.Meta):
        fields = [*ProposalOutput.Meta.fields, "versions", "positions", "items", "blockers"]


class DecisionInput(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True, help_text="In plain English.")
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class DecisionOutput(serializers.ModelSerializer):
    status = DecisionStatusField()

    class Meta:
        model = Decision
        fields = ["id", "title", "status", "recorded_at", "review_on", "superseded_by"]


class ConcernCarriedOutput(serializers.Serializer):
    organisation = serializers.CharField()
    concern = serializers.CharField()


class StandAsideOutput(serializers.Serializer):
    organisation = serializers.CharField()
    reason = serializers.CharField()


class DecisionDetailOutput(DecisionOutput):
    concerns_carried = ConcernCarriedOutput(many=True)
    stand_asides = StandAsideOutput(many=True)
    supersedes: serializers.PrimaryKeyRelatedField[Decision] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The decisions this one replaced."
    )

    class Meta(DecisionOutput.Meta):
        fields = [
            *DecisionOutput.Meta.fields,
            "final_text",
            "summary",
            "concerns_carried",
            "stand_asides",
            "proposal",
            "supersedes",
        ]
