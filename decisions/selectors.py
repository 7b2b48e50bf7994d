"""Reads for proposals and decisions, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from collectives.models import CollectiveOrganisation, Membership
from decisions.models import (
    Comment,
    Decision,
    ItemKind,
    ItemStatus,
    Position,
    Proposal,
    ProposalVersion,
    SenseCheck,
    Stance,
    TrackedItem,
)
from decisions.rules import MemberPosition, consensus_blockers


def proposals_for_collective(*, collective: Any, phase: str = "") -> QuerySet[Proposal]:
    proposals = Proposal.objects.filter(collective=collective).annotate(
        version_count=Max("versions__number"),
        open_objections=Count(
            "items",
            filter=Q(
                items__kind=ItemKind.OBJECTION,
                items__status__in=[ItemStatus.OPEN, ItemStatus.ADDRESSED],
            ),
            distinct=True,
        ),
    )
    if phase:
        proposals = proposals.filter(phase=phase)
    return proposals.order_by("-created_at", "-id")


def proposals_with_current_version(*, collective_id: int) -> QuerySet[Proposal]:
    """The collective's proposals, each with the number of its current version as
    ``current_version`` (None before the first)."""
    current = (
        ProposalVersion.objects.filter(proposal=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    return Proposal.objects.filter(collective_id=collective_id).annotate(
        current_version=Subquery(current)
    )


def positions_on(*, proposal: Proposal) -> QuerySet[Position]:
    """The organisations' current positions, by organisation name."""
    return proposal.positions.select_related("organisation", "version").order_by(
        "organisation__name"
    )


def items_on(*, proposal: Proposal) -> QuerySet[TrackedItem]:
    """The proposal's objections and concerns, open or closed."""
    return TrackedItem.objects.filter(proposal=proposal).select_related(
        "organisation", "addressed_by"
    )


def sense_checks_on(*, proposal: Proposal) -> QuerySet[SenseCheck]:
    """The organisations' quick views before the consent round, by organisation name."""
    return (
        SenseCheck.objects.filter(proposal=proposal)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def comments_on(*, proposal: Proposal) -> QuerySet[Comment]:
    """The discussion, oldest first, with each comment's author and mentions."""
    return (
        Comment.objects.filter(proposal=proposal)
        .select_related("author")
        .prefetch_related("mentions")
        .order_by("created_at", "id")
    )


def possible_facilitators(*, membership: Membership) -> list[Membership]:
    """Who else may facilitate a proposal: the collective's convenors, representatives and
    deputies, by name."""
    return list(
        Membership.objects.filter(
            collective_id=membership.collective_id,
            role__in=("convenor", "representative", "deputy"),
        )
        .exclude(pk=membership.pk)
        .select_related("user")
        .order_by("user__full_name")
    )


@dataclass(frozen=True)
class PositionView:
    organisation: Any
    stance: str | None
    stance_label: str
    reason: str
    version: int | None
    stale: bool
    stated_by: str


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal
    versions: list[ProposalVersion]
    current: ProposalVersion
    members: list[PositionView]
    not_responded: list[Any]
    concerns: list[TrackedItem]
    stand_asides: list[PositionView]
    objections: list[TrackedItem]
    items: list[TrackedItem]
    sense_checks: list[SenseCheck]
    comments: list[Comment]
    blockers: list[str]


def proposal_page(*, proposal: Proposal) -> ProposalPage:
    versions = list(proposal.versions.order_by("number"))
    current = versions[-1]
    members = list(
        CollectiveOrganisation.objects.filter(
            collective_id=proposal.collective_id, is_leadership=True
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    positions = {
        p.organisation_id: p
        for p in Position.objects.filter(proposal=proposal).select_related("version", "stated_by")
    }
    views = []
    for member in members:
        p = positions.get(member.organisation_id)
        views.append(
            PositionView(
                organisation=member.organisation,
                stance=p.stance if p else None,
                stance_label=p.get_stance_display() if p else "No response yet",
                reason=p.reason if p else "",
                version=p.version.number if p else None,
                stale=bool(p and p.version.number != current.number),
                stated_by=p.stated_by.display_name if p and p.stated_by else "",
            )
        )
    items = list(
        TrackedItem.objects.filter(proposal=proposal)
        .select_related("organisation", "addressed_by")
        .order_by("created_at", "id")
    )
    objecting: dict[int, int] = {}
    for item in items:
        if item.kind == ItemKind.OBJECTION and item.is_open:
            objecting[item.organisation_id] = objecting.get(item.organisation_id, 0) + 1
    blockers = (
        consensus_blockers(
            members={m.organisation_id: m.organisation.name for m in members},
            positions={
                pk: MemberPosition(p.stance, p.version.number) for pk, p in positions.items()
            },
            current_version=current.number,
            objecting=objecting,
            max_stand_aside_share=proposal.collective.max_stand_aside_share,
        )
        if proposal.phase == "consent"
        else []
    )
    comments = list(comments_on(proposal=proposal))
    return ProposalPage(
        proposal=proposal,
        versions=versions,
        current=current,
        members=views,
        not_responded=[v.organisation for v in views if v.stance is None or v.stale],
        concerns=[i for i in items if i.kind == ItemKind.CONCERN and i.is_open],
        stand_asides=[v for v in views if v.stance == Stance.STAND_ASIDE],
        objections=[i for i in items if i.kind == ItemKind.OBJECTION and i.is_open],
        items=items,
        sense_checks=list(sense_checks_on(proposal=proposal)),
        comments=comments,
        blockers=blockers,
    )


def comment_threads(comments: list[Comment]) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (one level deep, in order)."""
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.pk, [])) for c in comments if not c.parent_id]


def decisions_for_collective(
    *, collective: Any, query: str = "", status: str = "", review_due: bool = False
) -> QuerySet[Decision]:
    from django.utils import timezone

    decisions = Decision.objects.filter(collective=collective).select_related("superseded_by")
    if query.strip():
        decisions = decisions.filter(
            Q(title__icontains=query) | Q(summary__icontains=query) | Q(final_text__icontains=query)
        )
    if status:
        decisions = decisions.filter(status=status)
    if review_due:
        decisions = decisions.filter(review_on__lte=timezone.localdate())
    return decisions.order_by("-recorded_at", "-id")


def my_organisation_position(*, membership: Membership, proposal: Proposal) -> Position | None:
    if membership.organisation_id is None:
        return None
    return Position.objects.filter(
        proposal=proposal, organisation_id=membership.organisation_id
    ).first()
