"""What goes in and comes out of the decisions' API (decisions.api)."""

from __future__ import annotations

from rest_framework import serializers

from alliance.api import IdField, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from decisions.models import (
    Comment,
    Decision,
    DecisionStatus,
    ItemKind,
    ItemStatus,
    Phase,
    Position,
    Proposal,
    ProposalVersion,
    SenseCheck,
    Stance,
    Temperature,
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
    reason = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )


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
    summary = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="In plain English."
    )
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


# Writes of the proposal's life: writing it, moving it on, views, amendments, discussion.


class ProposalInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    problem = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="The problem the proposal solves."
    )
    text = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="The proposal itself (Markdown)."
    )
    why = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    changes_for_practices = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    facilitator = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The membership id of another convenor, representative or deputy, who works "
        "the proposal through (amends it and records the decision); the proposer when empty.",
    )
    closes_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProposalMoveInput(serializers.Serializer):
    phase = serializers.ChoiceField(
        choices=Phase.choices,
        help_text="A draft goes to the sense check, the consent round, parked or withdrawn; a "
        "sense check to the consent round, parked or withdrawn; the consent round to parked "
        "or withdrawn; a parked proposal back to draft or withdrawn.",
    )


class SenseCheckInput(serializers.Serializer):
    temperature = serializers.ChoiceField(choices=Temperature.choices)
    comment = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )


class SenseCheckOutput(serializers.ModelSerializer):
    organisation = OrganisationRefOutput()
    temperature = serializers.ChoiceField(choices=Temperature.choices)

    class Meta:
        model = SenseCheck
        fields = ["organisation", "temperature", "comment", "stated_at"]


class AmendInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, help_text="The proposal, amended (Markdown)."
    )
    addresses = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=MAX_LISTED,
        help_text="The ids of the open objections and concerns this amendment addresses.",
    )
    problem = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, help_text="Unchanged when left out."
    )
    why = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, help_text="Unchanged when left out."
    )
    changes_for_practices = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, help_text="Unchanged when left out."
    )


class CommentInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=TEXT_MAX,
        allow_blank=True,
        help_text="Mention a member organisation with @ and its name.",
    )
    # DRF takes declared fields off the class, so this does not hide Field.parent.
    parent = IdField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the comment on this proposal that this one answers.",
    )


class CommentOutput(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", allow_null=True)
    mentions = OrganisationRefOutput(many=True, help_text="The member organisations mentioned.")

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "text", "mentions", "created_at"]


class RevisitInput(serializers.Serializer):
    why = serializers.CharField(
        max_length=TEXT_MAX,
        allow_blank=True,
        help_text="Why the group should look at the decision again.",
    )
