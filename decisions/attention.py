"""'What needs your attention': a position to state on a proposal in the consent round, and
an amendment that answers your organisation's objection.

Two queries at most, however many proposals the collective has: one for the proposals whose
current version has no position from the organisation, one for its objections waiting for
its answer.
"""

from __future__ import annotations

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery

from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership
from decisions.models import (
    ItemKind,
    ItemStatus,
    Phase,
    Position,
    Proposal,
    ProposalVersion,
    TrackedItem,
)
from decisions.reminders import proposal_path
from decisions.services import ACTIVE
from home.attention import AttentionItem


def proposals_needing_you(membership: Membership) -> list[AttentionItem]:
    organisation_id = membership.organisation_id
    if membership.role not in ORGANISATION_ROLES or organisation_id is None:
        return []
    slug = membership.collective.slug
    items = []

    leadership = CollectiveOrganisation.objects.filter(
        collective_id=OuterRef("collective_id"), organisation_id=organisation_id, is_leadership=True
    )
    due = (
        Proposal.objects.filter(collective_id=membership.collective_id, phase=Phase.CONSENT)
        .filter(Exists(leadership))
        .annotate(
            current=Subquery(
                ProposalVersion.objects.filter(proposal=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1],
                output_field=IntegerField(),
            ),
            stated_on=Subquery(
                Position.objects.filter(
                    proposal=OuterRef("pk"), organisation_id=organisation_id
                ).values("version__number")[:1],
                output_field=IntegerField(),
            ),
        )
        .filter(Q(stated_on__isnull=True) | Q(stated_on__lt=F("current")))
        .order_by("closes_on", "pk")
    )
    for proposal in due:
        description = (
            "Your organisation has not stated its position yet."
            if proposal.stated_on is None  # type: ignore[attr-defined]
            else f"Your organisation's position was on version "
            f"{proposal.stated_on}; the proposal is now at version "  # type: ignore[attr-defined]
            f"{proposal.current}. Reconfirm or change it."  # type: ignore[attr-defined]
        )
        if proposal.closes_on:
            description += f" The consent round closes on {proposal.closes_on:%d %B %Y}."
        items.append(
            AttentionItem(
                title=f"State your position: {proposal.title}",
                description=description,
                href=proposal_path(slug, proposal.pk),
                action="State your position",
            )
        )

    waiting = (
        TrackedItem.objects.filter(
            proposal__collective_id=membership.collective_id,
            proposal__phase__in=ACTIVE,
            organisation_id=organisation_id,
            kind=ItemKind.OBJECTION,
            status=ItemStatus.ADDRESSED,
        )
        .select_related("proposal", "addressed_by")
        .order_by("proposal_id", "id")
    )
    seen: set[int] = set()
    for item in waiting:
        if item.proposal_id in seen:
            continue  # one entry per proposal, however many of its objections it answers
        seen.add(item.proposal_id)
        version = f"Version {item.addressed_by.number}" if item.addressed_by else "An amendment"
        items.append(
            AttentionItem(
                title=f"An amendment answers your objection: {item.proposal.title}",
                description=f"{version} addresses your organisation's objection. Accept that it "
                "resolves it, or keep objecting.",
                href=proposal_path(slug, item.proposal_id),
                action="Answer the amendment",
            )
        )
    return items
