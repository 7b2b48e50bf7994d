"""Fetch a proposal, an item on it or a decision within the person's collective, in one step.

The pages and the API fetch through these: an object of another collective (or of another
proposal) is not found (404), never forbidden.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from alliance.api import ids_not_found
from collectives.models import Membership
from decisions import selectors
from decisions.models import Comment, Decision, Proposal, TrackedItem


def facilitates(membership: Membership, proposal: Proposal) -> bool:
    """The proposal's facilitator, or a convenor, runs it: amends and records it, and
    writes and publishes the decision's briefing."""
    return membership.is_convenor or membership.user_id == proposal.facilitator_id


def get_proposal_in_collective(membership: Membership, pk: int) -> Proposal:
    """The proposal, with the number of its current version as ``current_version``."""
    found = (
        selectors.proposals_with_current_version(collective_id=membership.collective_id)
        .select_related("collective", "facilitator", "author", "revisits")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such proposal.")
    return found


def get_item_on_proposal(proposal: Proposal, pk: int) -> TrackedItem:
    """An objection or concern raised on this proposal."""
    found = selectors.items_on(proposal=proposal).select_related("proposal").filter(pk=pk).first()
    if found is None:
        raise Http404("No such item.")
    return found


def get_comment_on_proposal(proposal: Proposal, pk: int | None) -> Comment | None:
    """The comment a reply answers (None for a new thread): one on this proposal, or a
    ValidationError on the field ``parent``."""
    if not pk:
        return None
    found = Comment.objects.filter(proposal=proposal, pk=pk).first()
    if found is None:
        raise ValidationError({"parent": [f"No comment on this proposal has id {pk}."]})
    return found


def get_open_items_named(proposal: Proposal, pks: list[int]) -> list[TrackedItem]:
    """The open objections and concerns an amendment names as addressed, or a
    ValidationError on the field ``addresses`` naming the ids that are not."""
    found = [i for i in selectors.items_on(proposal=proposal).filter(pk__in=pks) if i.is_open]
    unknown = set(pks) - {i.pk for i in found}
    if unknown:
        raise ids_not_found("addresses", "an open objection or concern of this proposal", unknown)
    return found


def get_facilitator_named(membership: Membership, pk: int | None) -> Any:
    """The user a new proposal names as its facilitator, by their membership id: one of
    selectors.possible_facilitators, or None for the proposer themself; a ValidationError on
    the field ``facilitator`` otherwise."""
    if pk is None or pk == membership.pk:
        return None
    people = selectors.possible_facilitators(membership=membership)
    found = next((m.user for m in people if m.pk == pk), None)
    if found is None:
        raise ValidationError(
            {
                "facilitator": [
                    f"No other convenor, representative or deputy of this collective has "
                    f"membership id {pk}."
                ]
            }
        )
    return found


def get_decision_in_collective(membership: Membership, pk: int) -> Decision:
    found = (
        selectors.decisions_for_collective(collective=membership.collective)
        .select_related("proposal", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such decision.")
    return found


def get_decision_named(membership: Membership, pk: int) -> Decision:
    """A decision a request names by id (a briefing's, a put-it-right record's): one of the
    collective's, or a ValidationError on the field ``decision``."""
    found = Decision.objects.filter(collective_id=membership.collective_id, pk=pk).first()
    if found is None:
        raise ValidationError({"decision": [f"No decision of this collective has id {pk}."]})
    return found
