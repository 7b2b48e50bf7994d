"""Who may see and do what in whole-system working, written once for the pages, the API and
the exports. An object of another collective is not found (404), never forbidden.

- Guests are system partners: the people this area is about. They see none of it.
- The leadership group (a convenor, or the representative or deputy of a leadership-group
  member) are the GP leaders: they keep the stakeholders, their assessments and notes, the
  coverage, the agenda alignment, the system meetings' preparation, and the mandates with
  their limits.
- The owner of a key relationship sees that stakeholder and their notes, even when no longer
  in the leadership group. A read of a stakeholder's notes by anyone but an owner is audited
  (system.services.notes_read).
- Members and observers see the system meetings (not the conversations beforehand, which
  name people and what they think), the practices' needs and what became of them, and the
  mandates without their limits.
- A practice's representative or deputy raises and supports needs for that practice.
  Observers change nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from collectives.models import CollectiveOrganisation, Membership, Role
from system.models import (
    AgendaItem,
    KeyRelationship,
    Mandate,
    MeetingSeries,
    Need,
    Priority,
    Stakeholder,
    SystemMeeting,
)

#: The roles that speak for one organisation.
SPEAKING_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY)


def is_leadership(membership: Membership) -> bool:
    """A convenor, or the representative or deputy of a leadership-group member."""
    if membership.role == Role.CONVENOR:
        return True
    return (
        membership.role in SPEAKING_ROLES
        and membership.organisation_id is not None
        and CollectiveOrganisation.objects.filter(
            collective_id=membership.collective_id,
            organisation_id=membership.organisation_id,
            is_leadership=True,
        ).exists()
    )


def require_reader(membership: Membership) -> None:
    """Every member of the collective but guests (system partners)."""
    if membership.role == Role.GUEST:
        raise PermissionDenied(
            "Whole-system working is general practice's own: system partners do not see it."
        )


def require_leadership(membership: Membership) -> None:
    require_reader(membership)
    if not is_leadership(membership):
        raise PermissionDenied(
            "Only the leadership group (its members' representatives and deputies, and "
            "convenors) can do that."
        )


def require_convenor(membership: Membership) -> None:
    if membership.role != Role.CONVENOR:
        raise PermissionDenied("Only a convenor can do that.")


# Stakeholders -----------------------------------------------------------------------------


def owns_key_relationship(membership: Membership) -> QuerySet[KeyRelationship]:
    return KeyRelationship.objects.filter(
        collective_id=membership.collective_id, owner_id=membership.user_id
    )


def may_see_stakeholders(membership: Membership) -> bool:
    """The leadership group, and anyone who owns a key relationship."""
    if membership.role == Role.GUEST:
        return False
    return is_leadership(membership) or owns_key_relationship(membership).exists()


def stakeholders_in(membership: Membership) -> QuerySet[Stakeholder]:
    """The stakeholders the member may see: all of the collective's for the leadership
    group, those of their own key relationships for an owner outside it."""
    require_reader(membership)
    found = Stakeholder.objects.filter(collective_id=membership.collective_id)
    if is_leadership(membership):
        return found
    mine = KeyRelationship.objects.filter(stakeholder=OuterRef("pk"), owner_id=membership.user_id)
    if not owns_key_relationship(membership).exists():
        raise PermissionDenied(
            "Stakeholders and what we know of them are for the leadership group and the "
            "owners of key relationships."
        )
    return found.filter(Exists(mine))


def get_stakeholder(membership: Membership, pk: int) -> Stakeholder:
    found = (
        stakeholders_in(membership)
        .select_related("person", "organisation")
        .filter(pk=pk, erased_at__isnull=True)
        .first()
    )
    if found is None:
        raise Http404("No such stakeholder.")
    return found


def is_owner(membership: Membership, stakeholder: Stakeholder) -> bool:
    return KeyRelationship.objects.filter(
        stakeholder=stakeholder, owner_id=membership.user_id
    ).exists()


def may_change_stakeholder(membership: Membership, stakeholder: Stakeholder) -> bool:
    """The leadership group, and the owners of a key relationship with them."""
    if membership.role in (Role.GUEST, Role.OBSERVER):
        return False
    return is_leadership(membership) or is_owner(membership, stakeholder)


def require_changes_stakeholder(membership: Membership, stakeholder: Stakeholder) -> None:
    if not may_change_stakeholder(membership, stakeholder):
        raise PermissionDenied(
            "Only the leadership group and the relationship's owner can change this."
        )


def may_own_key_relationships(membership: Membership) -> bool:
    """GP leaders: a leadership-group member's representative or deputy, or a convenor."""
    return is_leadership(membership)


def get_priority(membership: Membership, pk: int) -> Priority:
    require_leadership(membership)
    found = (
        Priority.objects.filter(collective_id=membership.collective_id, pk=pk)
        .select_related("organisation", "stakeholder", "decision")
        .first()
    )
    if found is None:
        raise Http404("No such priority.")
    return found


# System meetings --------------------------------------------------------------------------


def may_see_preparation(membership: Membership) -> bool:
    """The conversations before a meeting name people and what they think: the leadership
    group only."""
    return membership.role != Role.GUEST and is_leadership(membership)


def series_in(membership: Membership) -> QuerySet[MeetingSeries]:
    require_reader(membership)
    return MeetingSeries.objects.filter(collective_id=membership.collective_id)


def get_series(membership: Membership, pk: int) -> MeetingSeries:
    found = series_in(membership).select_related("organisation").filter(pk=pk).first()
    if found is None:
        raise Http404("No such meeting series.")
    return found


def meetings_in(membership: Membership) -> QuerySet[SystemMeeting]:
    require_reader(membership)
    return SystemMeeting.objects.filter(collective_id=membership.collective_id)


def get_meeting(membership: Membership, pk: int) -> SystemMeeting:
    found = meetings_in(membership).select_related("series", "series__organisation")
    meeting = found.filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such system meeting.")
    return meeting


def get_item(membership: Membership, pk: int) -> AgendaItem:
    require_reader(membership)
    found = (
        AgendaItem.objects.filter(meeting__collective_id=membership.collective_id, pk=pk)
        .select_related("meeting", "meeting__series", "decision", "mandate")
        .first()
    )
    if found is None:
        raise Http404("No such agenda item.")
    return found


# The provider voice -----------------------------------------------------------------------


def may_see_limits(membership: Membership) -> bool:
    """A mandate's limits: the leadership group only (pages, API and exports alike)."""
    return membership.role != Role.GUEST and is_leadership(membership)


def practice_spoken_for(membership: Membership) -> int | None:
    """The member practice the member raises and supports needs for, if any."""
    if membership.role in SPEAKING_ROLES and membership.organisation_id is not None:
        return membership.organisation_id
    return None


def require_speaks_for_a_practice(membership: Membership) -> int:
    found = practice_spoken_for(membership)
    if found is None:
        raise PermissionDenied(
            "Only a member practice's representative or deputy can raise or support a need."
        )
    return found


def needs_in(membership: Membership) -> QuerySet[Need]:
    require_reader(membership)
    return Need.objects.filter(collective_id=membership.collective_id)


def get_need(membership: Membership, pk: int) -> Need:
    found = needs_in(membership).select_related("practice").filter(pk=pk).first()
    if found is None:
        raise Http404("No such need.")
    return found


def mandates_in(membership: Membership) -> QuerySet[Mandate]:
    require_reader(membership)
    return Mandate.objects.filter(collective_id=membership.collective_id)


def get_mandate(membership: Membership, pk: int) -> Mandate:
    found = mandates_in(membership).select_related("need", "of_whom").filter(pk=pk).first()
    if found is None:
        raise Http404("No such mandate.")
    return found
