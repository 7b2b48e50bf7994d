"""Consensus decision endpoints: proposals, positions, tracked items and the decision log.

Thin, like the rest of the API: every rule is in decisions.services, and every object is
fetched within the caller's collective (an object of another collective is not found).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import call_service
from collectives.access import get_membership_for_user
from collectives.models import Membership
from decisions import services
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

T = TypeVar("T")


# Choice fields ----------------------------------------------------------------------------
# "kind" and "status" already name the organisation enums (KindEnum, StatusEnum) in the
# schema; a second choice set under the same property name makes drf-spectacular warn. These
# fields document their values inline (wrapped in allOf so that no shared enum is made).


def _inline_enum(choices: Any) -> dict[str, Any]:
    return {
        "allOf": [{"type": "string", "enum": list(choices.values)}],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
    }


@extend_schema_field(_inline_enum(ItemKind))
class ItemKindField(serializers.CharField):
    pass


@extend_schema_field(_inline_enum(ItemStatus))
class ItemStatusField(serializers.CharField):
    pass


@extend_schema_field(_inline_enum(DecisionStatus))
class DecisionStatusField(serializers.CharField):
    pass


# Serializers ------------------------------------------------------------------------------


class OrganisationRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


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


# Access and errors ------------------------------------------------------------------------


def _current_version_numbers() -> Subquery:
    return Subquery(
        ProposalVersion.objects.filter(proposal=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )


def _proposals(membership: Membership) -> QuerySet[Proposal]:
    return Proposal.objects.filter(collective_id=membership.collective_id).annotate(
        current_version=_current_version_numbers()
    )


def _proposal(request: Request, slug: str, pk: int) -> tuple[Membership, Proposal]:
    membership = get_membership_for_user(request.user, slug)
    proposal = _proposals(membership).select_related("collective").filter(pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal.")
    return membership, proposal


def _item(proposal: Proposal, pk: int) -> TrackedItem:
    item = (
        TrackedItem.objects.select_related("proposal", "organisation", "addressed_by")
        .filter(proposal=proposal, pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such item.")
    return item


def _decision(membership: Membership, pk: int) -> Decision:
    decision = (
        Decision.objects.prefetch_related("supersedes")
        .filter(collective_id=membership.collective_id, pk=pk)
        .first()
    )
    if decision is None:
        raise Http404("No such decision.")
    return decision


def _positions(proposal: Proposal) -> QuerySet[Position]:
    return proposal.positions.select_related("organisation", "version").order_by(
        "organisation__name"
    )


def _items(proposal: Proposal) -> QuerySet[TrackedItem]:
    return proposal.items.select_related("organisation", "addressed_by")


# Views ------------------------------------------------------------------------------------


class ProposalList(APIView):
    serializer_class = ProposalOutput

    @extend_schema(responses=ProposalOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(ProposalOutput(_proposals(membership), many=True).data)


class ProposalDetail(APIView):
    """A proposal with every version, the current positions, its tracked items and what
    stops consensus now."""

    serializer_class = ProposalDetailOutput

    @extend_schema(responses=ProposalDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        context = {"current_version": proposal.current_version}  # type: ignore[attr-defined]
        return Response(
            {
                **ProposalOutput(proposal).data,
                "versions": ProposalVersionOutput(proposal.versions.all(), many=True).data,
                "positions": PositionOutput(_positions(proposal), many=True, context=context).data,
                "items": TrackedItemOutput(_items(proposal), many=True).data,
                "blockers": services.blockers_for(proposal),
            }
        )


class ProposalPositions(APIView):
    """Leadership organisations' current positions; a representative or deputy states
    their organisation's position on the current version."""

    serializer_class = PositionOutput

    @extend_schema(responses=PositionOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        context = {"current_version": proposal.current_version}  # type: ignore[attr-defined]
        return Response(PositionOutput(_positions(proposal), many=True, context=context).data)

    @extend_schema(request=PositionInput, responses={201: PositionOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = PositionInput(data=request.data)
        data.is_valid(raise_exception=True)
        position = call_service(
            services.position_state,
            membership=membership,
            proposal=proposal,
            stance=data.validated_data["stance"],
            reason=data.validated_data["reason"],
        )
        position = _positions(proposal).get(pk=position.pk)
        context = {"current_version": position.version.number}
        return Response(
            PositionOutput(position, context=context).data, status=status.HTTP_201_CREATED
        )


class ProposalItems(APIView):
    """The proposal's objections and concerns, open or closed."""

    serializer_class = TrackedItemOutput

    @extend_schema(responses=TrackedItemOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        return Response(TrackedItemOutput(_items(proposal), many=True).data)


class ProposalItemWithdraw(APIView):
    """The organisation that raised an objection or concern withdraws it."""

    serializer_class = TrackedItemOutput

    @extend_schema(request=None, responses=TrackedItemOutput)
    def post(self, request: Request, slug: str, pk: int, item_pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        item = call_service(
            services.item_withdraw, membership=membership, item=_item(proposal, item_pk)
        )
        return Response(TrackedItemOutput(_item(proposal, item.pk)).data)


class ProposalItemAccept(APIView):
    """The objecting organisation accepts that an amendment resolves its objection."""

    serializer_class = TrackedItemOutput

    @extend_schema(request=None, responses=TrackedItemOutput)
    def post(self, request: Request, slug: str, pk: int, item_pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        item = call_service(
            services.item_accept_resolution, membership=membership, item=_item(proposal, item_pk)
        )
        return Response(TrackedItemOutput(_item(proposal, item.pk)).data)


class ProposalDecision(APIView):
    """The facilitator (or a convenor) records consensus. While it does not hold, the 400
    lists everything that stops it."""

    serializer_class = DecisionDetailOutput

    @extend_schema(request=DecisionInput, responses={201: DecisionDetailOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = call_service(
            services.decision_record,
            actor_membership=membership,
            proposal=proposal,
            summary=data.validated_data["summary"],
            review_on=data.validated_data["review_on"],
        )
        decision = _decision(membership, decision.pk)
        return Response(DecisionDetailOutput(decision).data, status=status.HTTP_201_CREATED)


class DecisionList(APIView):
    serializer_class = DecisionOutput

    @extend_schema(responses=DecisionOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        decisions = Decision.objects.filter(collective_id=membership.collective_id)
        return Response(DecisionOutput(decisions, many=True).data)


class DecisionDetail(APIView):
    serializer_class = DecisionDetailOutput

    @extend_schema(responses=DecisionDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(DecisionDetailOutput(_decision(membership, pk)).data)
