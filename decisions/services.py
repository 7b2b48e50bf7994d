"""Writes for consensus decisions. Every rule is checked here, so pages and API share it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, snapshot
from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership, Role
from decisions.models import (
    Decision,
    DecisionStatus,
    ItemKind,
    ItemStatus,
    Phase,
    Position,
    PositionRecord,
    Proposal,
    ProposalVersion,
    SenseCheck,
    Stance,
    Temperature,
    TrackedItem,
)
from decisions.rules import MemberPosition, consensus_blockers

ACTIVE = (Phase.DRAFT, Phase.SENSE_CHECK, Phase.CONSENT)
MOVES = {
    Phase.DRAFT: {Phase.SENSE_CHECK, Phase.CONSENT, Phase.WITHDRAWN, Phase.PARKED},
    Phase.SENSE_CHECK: {Phase.CONSENT, Phase.WITHDRAWN, Phase.PARKED},
    Phase.CONSENT: {Phase.WITHDRAWN, Phase.PARKED},
    Phase.PARKED: {Phase.DRAFT, Phase.WITHDRAWN},
}


def _lock(proposal: Proposal) -> Proposal:
    """Serialise every change to a proposal on its row: positions, amendments, the record."""
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def current_version(proposal: Proposal) -> ProposalVersion:
    found = proposal.versions.order_by("-number").first()
    if found is None:
        raise ValidationError("This proposal has no text yet.")
    return found


def leadership_members(collective_id: int) -> dict[int, str]:
    return dict(
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, is_leadership=True
        ).values_list("organisation_id", "organisation__name")
    )


def speaks_for_leadership(membership: Membership) -> bool:
    """A representative or deputy of a leadership member states that organisation's view."""
    return (
        membership.role in ORGANISATION_ROLES
        and membership.organisation_id is not None
        and membership.organisation_id in leadership_members(membership.collective_id)
    )


def _require_speaker(membership: Membership, proposal: Proposal) -> int:
    if membership.collective_id != proposal.collective_id or not speaks_for_leadership(membership):
        raise PermissionDenied(
            "Only the representative or deputy of a leadership-group member organisation "
            "can state its position."
        )
    assert membership.organisation_id is not None
    return membership.organisation_id


def _require_facilitator(membership: Membership, proposal: Proposal) -> None:
    if membership.collective_id != proposal.collective_id or (
        membership.user_id != proposal.facilitator_id and membership.role != Role.CONVENOR
    ):
        raise PermissionDenied("Only the proposal's facilitator (or a convenor) can do that.")


@transaction.atomic
def proposal_create(
    *,
    actor_membership: Membership,
    title: str,
    problem: str,
    text: str,
    why: str = "",
    changes_for_practices: str = "",
    facilitator: Any = None,
    closes_on: dt.date | None = None,
    revisits: Decision | None = None,
) -> Proposal:
    if actor_membership.role not in (Role.CONVENOR, *ORGANISATION_ROLES):
        raise PermissionDenied("Only convenors and representatives can propose.")
    errors = {}
    if not title.strip():
        errors["title"] = "Give the proposal a title."
    if not problem.strip():
        errors["problem"] = "Say what problem the proposal solves."
    if not text.strip():
        errors["text"] = "Write the proposal."
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(
        collective=actor_membership.collective,
        title=title.strip(),
        author=actor_membership.user,
        facilitator=facilitator or actor_membership.user,
        closes_on=closes_on,
        revisits=revisits,
    )
    ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        problem=problem.strip(),
        text=text.strip(),
        why=why.strip(),
        changes_for_practices=changes_for_practices.strip(),
        created_by=actor_membership.user,
    )
    audit_record(
        actor=actor_membership.user,
        action="proposal.created",
        obj=proposal,
        collective=proposal.collective,
        after=snapshot(proposal),
    )
    return proposal


@transaction.atomic
def proposal_move(*, actor_membership: Membership, proposal: Proposal, phase: str) -> Proposal:
    proposal = _lock(proposal)
    _require_facilitator(actor_membership, proposal)
    if phase not in Phase.values:
        raise ValidationError({"phase": f"There is no phase {phase!r}."})
    if phase not in MOVES.get(Phase(proposal.phase), set()):
        raise ValidationError(
            {
                "phase": f"A proposal in {proposal.get_phase_display().lower()} cannot move to "
                f"{Phase(phase).label.lower()}."
            }
        )
    before = {"phase": proposal.phase}
    proposal.phase = phase
    proposal.save(update_fields=["phase"])
    audit_record(
        actor=actor_membership.user,
        action="proposal.moved",
        obj=proposal,
        collective=proposal.collective,
        before=before,
        after={"phase": phase},
    )
    return proposal


@transaction.atomic
def sense_check_state(
    *, membership: Membership, proposal: Proposal, temperature: str, comment: str = ""
) -> SenseCheck:
    proposal = _lock(proposal)
    organisation_id = _require_speaker(membership, proposal)
    if proposal.phase != Phase.SENSE_CHECK:
        raise ValidationError("The sense check is not open for this proposal.")
    if temperature not in Temperature.values:
        raise ValidationError({"temperature": "Choose looks good, concerned or not sure."})
    before = SenseCheck.objects.filter(proposal=proposal, organisation_id=organisation_id).first()
    check, _ = SenseCheck.objects.update_or_create(
        proposal=proposal,
        organisation_id=organisation_id,
        defaults={
            "temperature": temperature,
            "comment": comment.strip(),
            "stated_by": membership.user,
        },
    )
    audit_record(
        actor=membership.user,
        action="sense_check.stated",
        obj=check,
        collective=proposal.collective,
        before={"temperature": before.temperature} if before else None,
        after={"temperature": check.temperature, "comment": check.comment},
    )
    return check


@transaction.atomic
def position_state(
    *, membership: Membership, proposal: Proposal, stance: str, reason: str = ""
) -> Position:
    """State the organisation's position on the current version. Serialised on the proposal
    so that two representatives of one organisation cannot leave it half-changed."""
    proposal = _lock(proposal)
    organisation_id = _require_speaker(membership, proposal)
    if proposal.phase != Phase.CONSENT:
        raise ValidationError("Positions are stated in the consent round.")
    if stance not in Stance.values:
        raise ValidationError(
            {"stance": "Choose support, support with concerns, stand aside or object."}
        )
    reason = reason.strip()
    if stance in (Stance.OBJECT, Stance.STAND_ASIDE, Stance.SUPPORT_WITH_CONCERNS) and not reason:
        raise ValidationError(
            {
                "reason": {
                    Stance.OBJECT: "An objection needs a reason: what would have to change?",
                    Stance.STAND_ASIDE: "Say why you stand aside.",
                    Stance.SUPPORT_WITH_CONCERNS: "Say what concerns you.",
                }[Stance(stance)]
            }
        )
    version = current_version(proposal)
    now = timezone.now()
    before = Position.objects.filter(proposal=proposal, organisation_id=organisation_id).first()
    position, _ = Position.objects.update_or_create(
        proposal=proposal,
        organisation_id=organisation_id,
        defaults={
            "version": version,
            "stance": stance,
            "reason": reason,
            "stated_by": membership.user,
            "stated_at": now,
        },
    )
    PositionRecord.objects.create(
        proposal=proposal,
        organisation_id=organisation_id,
        version_number=version.number,
        stance=stance,
        reason=reason,
        stated_by=membership.user,
        stated_at=now,
    )
    open_items = TrackedItem.objects.filter(
        proposal=proposal,
        organisation_id=organisation_id,
        status__in=(ItemStatus.OPEN, ItemStatus.ADDRESSED),
    )
    if stance != Stance.OBJECT:
        # No longer objecting: its open objections are withdrawn by its own choice.
        open_items.filter(kind=ItemKind.OBJECTION).update(
            status=ItemStatus.WITHDRAWN, closed_at=now, closed_by=membership.user
        )
    kind = {Stance.OBJECT: ItemKind.OBJECTION, Stance.SUPPORT_WITH_CONCERNS: ItemKind.CONCERN}.get(
        Stance(stance)
    )
    if kind is not None and not open_items.filter(kind=kind, text=reason).exists():
        TrackedItem.objects.create(
            proposal=proposal,
            organisation_id=organisation_id,
            kind=kind,
            text=reason,
            raised_on=version.number,
        )
    audit_record(
        actor=membership.user,
        action="position.stated",
        obj=position,
        collective=proposal.collective,
        before={"stance": before.stance, "version": before.version_id} if before else None,
        after={"stance": stance, "version": version.number, "reason": reason},
    )
    return position


@transaction.atomic
def proposal_amend(
    *,
    actor_membership: Membership,
    proposal: Proposal,
    text: str,
    problem: str | None = None,
    why: str | None = None,
    changes_for_practices: str | None = None,
    addresses: list[TrackedItem] | None = None,
) -> ProposalVersion:
    """A new version, naming the objections and concerns it addresses. Positions on the
    older version then need reconfirming."""
    proposal = _lock(proposal)
    _require_facilitator(actor_membership, proposal)
    if proposal.phase not in ACTIVE:
        raise ValidationError("Only a proposal that is still being worked can be amended.")
    last = current_version(proposal)
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=last.number + 1,
        text=text.strip(),
        problem=(problem if problem is not None else last.problem).strip(),
        why=(why if why is not None else last.why).strip(),
        changes_for_practices=(
            changes_for_practices
            if changes_for_practices is not None
            else last.changes_for_practices
        ).strip(),
        created_by=actor_membership.user,
    )
    for item in addresses or []:
        if item.proposal_id != proposal.pk or not item.is_open:
            raise ValidationError({"addresses": f"{item} is not an open item of this proposal."})
        item.addressed_by = version
        item.status = (
            ItemStatus.ADDRESSED if item.kind == ItemKind.OBJECTION else ItemStatus.RESOLVED
        )
        item.save(update_fields=["addressed_by", "status"])
    audit_record(
        actor=actor_membership.user,
        action="proposal.amended",
        obj=version,
        collective=proposal.collective,
        after={"version": version.number, "addresses": [i.pk for i in addresses or []]},
    )
    return version


def _require_item_author(membership: Membership, item: TrackedItem) -> None:
    if (
        membership.collective_id != item.proposal.collective_id
        or membership.role not in ORGANISATION_ROLES
        or membership.organisation_id != item.organisation_id
    ):
        raise PermissionDenied(
            "Only the representative or deputy of the organisation that raised it can do that."
        )


def _close_item(item: TrackedItem, status: str, user: Any, verb: str) -> TrackedItem:
    """Close an objection or concern, saying who closed it and when, in the audit log too."""
    item.status, item.closed_at, item.closed_by = status, timezone.now(), user
    item.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=user,
        action=f"{item.kind}.{verb}",
        obj=item,
        collective=item.proposal.collective,
        after={"status": item.status},
    )
    return item


@transaction.atomic
def item_withdraw(*, membership: Membership, item: TrackedItem) -> TrackedItem:
    _lock(item.proposal)
    item = TrackedItem.objects.select_related("proposal").get(pk=item.pk)
    _require_item_author(membership, item)
    if not item.is_open:
        raise ValidationError("It is already closed.")
    return _close_item(item, ItemStatus.WITHDRAWN, membership.user, "withdrawn")


@transaction.atomic
def item_accept_resolution(*, membership: Membership, item: TrackedItem) -> TrackedItem:
    """The objecting organisation accepts that the amendment resolves its objection."""
    _lock(item.proposal)
    item = TrackedItem.objects.select_related("proposal").get(pk=item.pk)
    _require_item_author(membership, item)
    if item.status != ItemStatus.ADDRESSED:
        raise ValidationError("No amendment is waiting for your answer on this item.")
    return _close_item(item, ItemStatus.RESOLVED, membership.user, "resolved")


@transaction.atomic
def item_park(*, actor_membership: Membership, item: TrackedItem) -> TrackedItem:
    _lock(item.proposal)
    _require_facilitator(actor_membership, item.proposal)
    if item.kind != ItemKind.CONCERN:
        raise ValidationError(
            "Only a concern can be parked; an objection must be resolved "
            "or withdrawn by its author."
        )
    return _close_item(item, ItemStatus.PARKED, actor_membership.user, "parked")


def blockers_for(proposal: Proposal) -> list[str]:
    """What stops consensus on this proposal now (the rule in decisions.rules)."""
    if proposal.phase != Phase.CONSENT:
        return [
            f"The proposal is in {proposal.get_phase_display().lower()}, not in the consent round."
        ]
    members = leadership_members(proposal.collective_id)
    version = current_version(proposal)
    positions = {
        p.organisation_id: MemberPosition(stance=p.stance, version=p.version.number)
        for p in proposal.positions.select_related("version")
    }
    objecting: dict[int, int] = {}
    for item in proposal.items.filter(
        kind=ItemKind.OBJECTION, status__in=(ItemStatus.OPEN, ItemStatus.ADDRESSED)
    ):
        objecting[item.organisation_id] = objecting.get(item.organisation_id, 0) + 1
    return consensus_blockers(
        members=members,
        positions=positions,
        current_version=version.number,
        objecting=objecting,
        max_stand_aside_share=proposal.collective.max_stand_aside_share,
    )


@transaction.atomic
def decision_record(
    *,
    actor_membership: Membership,
    proposal: Proposal,
    summary: str,
    review_on: dt.date | None = None,
) -> Decision:
    proposal = _lock(proposal)
    _require_facilitator(actor_membership, proposal)
    blockers = blockers_for(proposal)
    if blockers:
        raise ValidationError(["Consensus cannot be recorded yet.", *blockers])
    if not summary.strip():
        raise ValidationError({"summary": "Write a plain-English summary of the decision."})
    version = current_version(proposal)
    positions = list(proposal.positions.select_related("organisation"))
    decision = Decision.objects.create(
        proposal=proposal,
        collective=proposal.collective,
        title=proposal.title,
        final_text=version.text,
        summary=summary.strip(),
        review_on=review_on,
        recorded_by=actor_membership.user,
        stand_asides=[
            {"organisation": p.organisation.name, "reason": p.reason}
            for p in positions
            if p.stance == Stance.STAND_ASIDE
        ],
        concerns_carried=[
            {"organisation": i.organisation.name, "concern": i.text}
            for i in proposal.items.filter(kind=ItemKind.CONCERN)
            .exclude(status__in=(ItemStatus.RESOLVED, ItemStatus.WITHDRAWN))
            .select_related("organisation")
        ],
    )
    Proposal.objects.filter(pk=proposal.pk).update(phase=Phase.CONSENSUS)
    if proposal.revisits_id:
        Decision.objects.filter(pk=proposal.revisits_id).update(
            status=DecisionStatus.SUPERSEDED, superseded_by=decision
        )
    audit_record(
        actor=actor_membership.user,
        action="decision.recorded",
        obj=decision,
        collective=proposal.collective,
        after={"proposal": proposal.pk, "version": version.number},
    )
    return decision


@transaction.atomic
def decision_revisit(*, membership: Membership, decision: Decision, why: str) -> Proposal:
    """'We got this wrong': a leadership member asks to look again; a linked proposal opens."""
    if membership.collective_id != decision.collective_id or not speaks_for_leadership(membership):
        raise PermissionDenied("Only a leadership-group member can ask to revisit a decision.")
    if decision.status != DecisionStatus.IN_FORCE:
        raise ValidationError(f"This decision is {decision.get_status_display().lower()}.")
    if not why.strip():
        raise ValidationError({"why": "Say why the group should look at this again."})
    proposal = proposal_create(
        actor_membership=membership,
        title=f"Revisit: {decision.title}",
        problem=why.strip(),
        text=decision.final_text,
        revisits=decision,
    )
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.UNDER_REVIEW)
    audit_record(
        actor=membership.user,
        action="decision.revisit_requested",
        obj=decision,
        collective=decision.collective,
        after={"proposal": proposal.pk, "why": why},
    )
    return proposal


@transaction.atomic
def comment_add(
    *, membership: Membership, proposal: Proposal, text: str, parent: Any = None
) -> Any:
    """A discussion comment; '@Name' mentions of member organisations are recorded."""
    from decisions.models import Comment

    if membership.collective_id != proposal.collective_id or not membership.can_record:
        raise PermissionDenied("Observers and guests read the discussion but do not add to it.")
    if not text.strip():
        raise ValidationError({"text": "Write something first."})
    if parent is not None and parent.proposal_id != proposal.pk:
        raise ValidationError({"parent": "You can only reply to a comment on this proposal."})
    comment = Comment.objects.create(
        proposal=proposal, author=membership.user, text=text.strip(), parent=parent
    )
    names = CollectiveOrganisation.objects.filter(collective_id=proposal.collective_id).values_list(
        "organisation_id", "organisation__name"
    )
    mentioned = [pk for pk, name in names if f"@{name}".lower() in text.lower()]
    comment.mentions.set(mentioned)
    audit_record(
        actor=membership.user,
        action="comment.added",
        obj=comment,
        collective=proposal.collective,
        after={"proposal": proposal.pk},
    )
    return comment
