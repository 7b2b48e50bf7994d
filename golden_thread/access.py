"""Who is who on the golden thread, and who may do what:

- the decision's facilitator (or a convenor) writes and publishes the briefing, answers
  questions, and may record a touch for any practice;
- a PCN's Clinical Director (its representative or deputy in the collective) records the
  PCN meeting and other touches for the PCN's practices;
- a practice's own people (its manager, partners: any member of the collective working for
  it, observers and guests aside) acknowledge, ask questions, report the action and record
  their own touches.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied

from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership, Role
from directory.models import OrganisationKind, OrganisationRelationship, RelationshipKind
from golden_thread.models import Briefing

#: Roles whose holders work for a practice and may answer for it.
PRACTICE_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.CONVENOR)


def facilitates(membership: Membership, briefing: Briefing) -> bool:
    return membership.collective_id == briefing.collective_id and (
        membership.is_convenor or membership.user_id == briefing.decision.proposal.facilitator_id
    )


def require_facilitator(membership: Membership, briefing: Briefing) -> None:
    if not facilitates(membership, briefing):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) can do that.")


def speaks_for_practice(membership: Membership, practice_id: int) -> bool:
    return membership.organisation_id == practice_id and membership.role in PRACTICE_ROLES


def leads_pcn(membership: Membership, pcn_id: int | None) -> bool:
    """A PCN's Clinical Director speaks for it: its representative or deputy."""
    return (
        pcn_id is not None
        and membership.organisation_id == pcn_id
        and membership.role in ORGANISATION_ROLES
    )


def _people(collective_id: int, organisation_ids: list[int], roles: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        collective_id=collective_id,
        organisation_id__in=organisation_ids,
        role__in=roles,
        user__is_active=True,
    ).select_related("user"):
        found[m.organisation_id].append(m.user)  # type: ignore[index]
    return found


def practice_contacts(collective_id: int, practice_ids: list[int]) -> dict[int, list[Any]]:
    """The people of each practice who hear about briefings, by practice."""
    return _people(collective_id, practice_ids, PRACTICE_ROLES)


def pcn_leads(collective_id: int, pcn_ids: list[int]) -> dict[int, list[Any]]:
    """Each PCN's Clinical Director(s): its representative and deputies in the collective."""
    return _people(collective_id, pcn_ids, ORGANISATION_ROLES)


def collective_practices(collective_id: int) -> list[tuple[int, int | None]]:
    """(practice, its current PCN) for every practice member of the collective."""
    practices = list(
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation__kind=OrganisationKind.PRACTICE
        )
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
    )
    pcns: dict[int, int] = {}
    for child, parent in (
        OrganisationRelationship.objects.filter(
            organisation_id__in=practices, kind=RelationshipKind.PCN_MEMBER, end_date__isnull=True
        )
        .order_by("start_date", "pk")
        .values_list("organisation_id", "parent_id")
    ):
        pcns[child] = parent  # the latest open spell wins
    return [(p, pcns.get(p)) for p in practices]
