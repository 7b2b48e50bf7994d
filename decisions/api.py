"""The decisions' API: proposals (written, moved on, sense-checked, amended and discussed),
positions, tracked items and the decision log, and revisiting a decision.

Thin, like the pages: every rule is in decisions.services, and every object is fetched
through decisions.access within the caller's collective (an object of another collective is
not found). Services raise, and the API's exception handler answers 400 or 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import valid_input
from collectives.access import get_membership_for_user
from collectives.models import Membership
from decisions import access, selectors, services
from decisions.models import Proposal
from decisions.serializers import (
    AmendInput,
    CommentInput,
    CommentOutput,
    DecisionDetailOutput,
    DecisionInput,
    DecisionOutput,
    PositionInput,
    PositionOutput,
    ProposalDetailOutput,
    ProposalInput,
    ProposalMoveInput,
    ProposalOutput,
    ProposalVersionOutput,
    RevisitInput,
    SenseCheckInput,
    SenseCheckOutput,
    TrackedItemOutput,
)


def _proposal(request: Request, slug: str, pk: int) -> tuple[Membership, Proposal]:
    membership = get_membership_for_user(request.user, slug)
    return membership, access.get_proposal_in_collective(membership, pk)


def _detail(proposal: Proposal) -> dict[str, Any]:
    """The proposal as ProposalDetailOutput shows it (fetched through access, with its
    current version's number)."""
    context = {"current_version": proposal.current_version}  # type: ignore[attr-defined]
    return {
        **ProposalOutput(proposal).data,
        "versions": ProposalVersionOutput(proposal.versions.all(), many=True).data,
        "positions": PositionOutput(
            selectors.positions_on(proposal=proposal), many=True, context=context
        ).data,
        "items": TrackedItemOutput(selectors.items_on(proposal=proposal), many=True).data,
        "blockers": services.blockers_for(proposal),
    }


class ProposalList(APIView):
    """The collective's proposals. POST writes one, as a draft: convenors, representatives
    and deputies propose."""

    serializer_class = ProposalOutput

    @extend_schema(responses=ProposalOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(
            ProposalOutput(
                selectors.proposals_with_current_version(collective_id=membership.collective_id),
                many=True,
            ).data
        )

    @extend_schema(request=ProposalInput, responses={201: ProposalDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(ProposalInput, request)
        data["facilitator"] = access.get_facilitator_named(membership, data["facilitator"])
        proposal = services.proposal_create(actor_membership=membership, **data)
        return Response(
            _detail(access.get_proposal_in_collective(membership, proposal.pk)),
            status=status.HTTP_201_CREATED,
        )


class ProposalDetail(APIView):
    """A proposal with every version, the current positions, its tracked items and what
    stops consensus now."""

    serializer_class = ProposalDetailOutput

    @extend_schema(responses=ProposalDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        return Response(_detail(proposal))


class ProposalMove(APIView):
    """The facilitator (or a convenor) moves the proposal to its next phase."""

    serializer_class = ProposalDetailOutput

    @extend_schema(request=ProposalMoveInput, responses=ProposalDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(ProposalMoveInput, request)
        services.proposal_move(actor_membership=membership, proposal=proposal, phase=data["phase"])
        return Response(_detail(access.get_proposal_in_collective(membership, proposal.pk)))


class ProposalSenseChecks(APIView):
    """The organisations' quick views in the sense check; a representative or deputy of a
    leadership-group member gives (or changes) their organisation's view."""

    serializer_class = SenseCheckOutput

    @extend_schema(responses=SenseCheckOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        return Response(
            SenseCheckOutput(selectors.sense_checks_on(proposal=proposal), many=True).data
        )

    @extend_schema(request=SenseCheckInput, responses={201: SenseCheckOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(SenseCheckInput, request)
        check = services.sense_check_state(membership=membership, proposal=proposal, **data)
        check = selectors.sense_checks_on(proposal=proposal).get(pk=check.pk)
        return Response(SenseCheckOutput(check).data, status=status.HTTP_201_CREATED)


class ProposalVersions(APIView):
    """The facilitator (or a convenor) amends the proposal: a new version, naming the open
    objections and concerns it addresses. Positions on earlier versions then need
    reconfirming."""

    serializer_class = ProposalVersionOutput

    @extend_schema(request=AmendInput, responses={201: ProposalVersionOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(AmendInput, request)
        data["addresses"] = access.get_open_items_named(proposal, data["addresses"])
        version = services.proposal_amend(actor_membership=membership, proposal=proposal, **data)
        return Response(ProposalVersionOutput(version).data, status=status.HTTP_201_CREATED)


class ProposalComments(APIView):
    """The discussion, oldest first. POST adds a comment, or a reply to one: every member
    but observers and guests; '@' and a member organisation's name mentions it."""

    serializer_class = CommentOutput

    @extend_schema(responses=CommentOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        return Response(CommentOutput(selectors.comments_on(proposal=proposal), many=True).data)

    @extend_schema(request=CommentInput, responses={201: CommentOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(CommentInput, request)
        comment = services.comment_add(
            membership=membership,
            proposal=proposal,
            text=data["text"],
            parent=access.get_comment_on_proposal(proposal, data["parent"]),
        )
        comment = selectors.comments_on(proposal=proposal).get(pk=comment.pk)
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


class ProposalPositions(APIView):
    """Leadership organisations' current positions; a representative or deputy states
    their organisation's position on the current version."""

    serializer_class = PositionOutput

    @extend_schema(responses=PositionOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, proposal = _proposal(request, slug, pk)
        context = {"current_version": proposal.current_version}  # type: ignore[attr-defined]
        return Response(
            PositionOutput(
                selectors.positions_on(proposal=proposal), many=True, context=context
            ).data
        )

    @extend_schema(request=PositionInput, responses={201: PositionOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(PositionInput, request)
        position = services.position_state(
            membership=membership, proposal=proposal, stance=data["stance"], reason=data["reason"]
        )
        position = selectors.positions_on(proposal=proposal).get(pk=position.pk)
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
        return Response(TrackedItemOutput(selectors.items_on(proposal=proposal), many=True).data)


class _ItemAction(APIView):
    """A POST by the organisation that raised an item, through one service."""

    serializer_class = TrackedItemOutput
    service: Callable[..., Any]

    @extend_schema(request=None, responses=TrackedItemOutput)
    def post(self, request: Request, slug: str, pk: int, item_pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        item = access.get_item_on_proposal(proposal, item_pk)
        self.service(membership=membership, item=item)
        return Response(TrackedItemOutput(access.get_item_on_proposal(proposal, item.pk)).data)


class ProposalItemWithdraw(_ItemAction):
    """The organisation that raised an objection or concern withdraws it."""

    service = staticmethod(services.item_withdraw)


class ProposalItemAccept(_ItemAction):
    """The objecting organisation accepts that an amendment resolves its objection."""

    service = staticmethod(services.item_accept_resolution)


class ProposalDecision(APIView):
    """The facilitator (or a convenor) records consensus. While it does not hold, the 400
    lists everything that stops it."""

    serializer_class = DecisionDetailOutput

    @extend_schema(request=DecisionInput, responses={201: DecisionDetailOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, proposal = _proposal(request, slug, pk)
        data = valid_input(DecisionInput, request)
        decision = services.decision_record(
            actor_membership=membership,
            proposal=proposal,
            summary=data["summary"],
            review_on=data["review_on"],
        )
        decision = access.get_decision_in_collective(membership, decision.pk)
        return Response(DecisionDetailOutput(decision).data, status=status.HTTP_201_CREATED)


class DecisionList(APIView):
    serializer_class = DecisionOutput

    @extend_schema(responses=DecisionOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        decisions = selectors.decisions_for_collective(collective=membership.collective)
        return Response(DecisionOutput(decisions, many=True).data)


class DecisionDetail(APIView):
    serializer_class = DecisionDetailOutput

    @extend_schema(responses=DecisionDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(
            DecisionDetailOutput(access.get_decision_in_collective(membership, pk)).data
        )


class DecisionRevisit(APIView):
    """A representative or deputy of a leadership-group member asks
    the group to look at a decision in force again ("we got this wrong"). A linked
    proposal opens, as a draft."""

    serializer_class = ProposalDetailOutput

    @extend_schema(request=RevisitInput, responses={201: ProposalDetailOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = get_membership_for_user(request.user, slug)
        decision = access.get_decision_in_collective(membership, pk)
        data = valid_input(RevisitInput, request)
        proposal = services.decision_revisit(
            membership=membership, decision=decision, why=data["why"]
        )
        return Response(
            _detail(access.get_proposal_in_collective(membership, proposal.pk)),
            status=status.HTTP_201_CREATED,
        )
