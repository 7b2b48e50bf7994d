"""Who sees and changes coverage, the grid and agenda alignment: built on system.access, for
the pages, the API, the exports and the services alike.

- Coverage and the grid name stakeholders and how warm they are: the leadership group sees
  all of them; the owner of a key relationship outside it sees only their own stakeholders
  (system.access.stakeholders_in).
- Key organisations: the leadership group reads them; only a convenor sets them.
- Agenda alignment: the collective's priorities, the system organisations' and each
  stakeholder's. A stakeholder's own priorities are what we learned of them (personal data):
  the leadership group and the owners of a key relationship with them. The leadership group
  keeps our priorities and the organisations'; an owner outside it adds and removes their
  stakeholder's priorities and marks where ours meet them.
- Anything of another collective is not found (404), never forbidden.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from collectives.models import Membership, Role
from directory.models import Organisation
from system import access
from system.models import KeyOrganisation, KeyRelationship, Overlap, Priority, PriorityOwner

NOT_FOR_YOU = (
    "Agenda alignment is for the leadership group, and for the owners of key relationships "
    "with their own stakeholders."
)


def require_key_organisations_reader(membership: Membership) -> None:
    access.require_leadership(membership)


def may_set_key_organisations(membership: Membership) -> bool:
    return membership.role == Role.CONVENOR


def require_sees_alignment(membership: Membership) -> None:
    """The leadership group, and the owners of a key relationship."""
    access.require_reader(membership)
    if not access.may_see_stakeholders(membership):
        raise PermissionDenied(NOT_FOR_YOU)


def _mine(membership: Membership) -> Exists:
    return Exists(
        KeyRelationship.objects.filter(
            stakeholder=OuterRef("stakeholder_id"), owner_id=membership.user_id
        )
    )


def priorities_in(membership: Membership) -> QuerySet[Priority]:
    """The priorities the member may see: every one of the collective's for the leadership
    group; for an owner outside it, ours, the organisations' of their stakeholders, and their
    stakeholders' own. Never those of an erased stakeholder."""
    require_sees_alignment(membership)
    found = Priority.objects.filter(collective_id=membership.collective_id).exclude(
        stakeholder__erased_at__isnull=False
    )
    if access.is_leadership(membership):
        return found
    theirs = Exists(
        KeyRelationship.objects.filter(
            owner_id=membership.user_id,
            collective_id=membership.collective_id,
            stakeholder__organisation_id=OuterRef("organisation_id"),
        )
    )
    return found.filter(
        Q(whose=PriorityOwner.COLLECTIVE)
        | Q(whose=PriorityOwner.ORGANISATION) & theirs
        | Q(whose=PriorityOwner.STAKEHOLDER) & _mine(membership)
    )


def get_priority_for(membership: Membership, pk: int) -> Priority:
    found = (
        priorities_in(membership)
        .select_related(
            "organisation",
            "stakeholder",
            "stakeholder__person",
            "stakeholder__organisation",
            "decision",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such priority.")
    return found


def may_change_priority(membership: Membership, priority: Priority) -> bool:
    """Ours and the organisations': the leadership group. A stakeholder's: the leadership
    group and the owners of a key relationship with them."""
    if membership.role in (Role.GUEST, Role.OBSERVER):
        return False
    if access.is_leadership(membership):
        return True
    return priority.whose == PriorityOwner.STAKEHOLDER and (
        priority.stakeholder is not None and access.is_owner(membership, priority.stakeholder)
    )


def require_changes_priority(membership: Membership, priority: Priority) -> None:
    if not may_change_priority(membership, priority):
        raise PermissionDenied(
            "Only the leadership group can change our priorities and an organisation's; "
            "a stakeholder's, the leadership group and their key relationship's owner."
        )


def overlaps_in(membership: Membership) -> QuerySet[Overlap]:
    """Overlaps whose two priorities the member may both see."""
    visible = priorities_in(membership)
    return Overlap.objects.filter(ours__in=visible, theirs__in=visible)


def get_overlap_for(membership: Membership, pk: int) -> Overlap:
    found = (
        overlaps_in(membership)
        .select_related(
            "ours",
            "theirs",
            "theirs__organisation",
            "theirs__stakeholder",
            "theirs__stakeholder__person",
            "theirs__stakeholder__organisation",
            "marked_by",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such overlap.")
    return found


def may_mark_overlap(membership: Membership, theirs: Priority) -> bool:
    """Where our priority meets theirs: the leadership group, or the owner of a key
    relationship with the stakeholder whose priority it is."""
    if membership.role in (Role.GUEST, Role.OBSERVER):
        return False
    if access.is_leadership(membership):
        return True
    return theirs.whose == PriorityOwner.STAKEHOLDER and (
        theirs.stakeholder is not None and access.is_owner(membership, theirs.stakeholder)
    )


def require_marks_overlap(membership: Membership, theirs: Priority) -> None:
    if not may_mark_overlap(membership, theirs):
        raise PermissionDenied(
            "Only the leadership group, or the owner of the key relationship with the "
            "stakeholder whose priority it is, can mark where our agendas meet."
        )


def system_organisations_in(membership: Membership) -> QuerySet[Organisation]:
    """The system organisations the member's agenda pages cover: for the leadership group,
    the collective's key organisations, its stakeholders' organisations and those it holds
    priorities of; for an owner outside it, their stakeholders' organisations."""
    require_sees_alignment(membership)
    collective_id = membership.collective_id
    stakeholders = access.stakeholders_in(membership).filter(erased_at__isnull=True)
    if not access.is_leadership(membership):
        return Organisation.objects.filter(
            Exists(stakeholders.filter(organisation_id=OuterRef("pk")))
        )
    return Organisation.objects.filter(
        Exists(stakeholders.filter(organisation_id=OuterRef("pk")))
        | Exists(
            KeyOrganisation.objects.filter(
                collective_id=collective_id, organisation_id=OuterRef("pk")
            )
        )
        | Exists(
            Priority.objects.filter(
                collective_id=collective_id,
                whose=PriorityOwner.ORGANISATION,
                organisation_id=OuterRef("pk"),
            )
        )
    )


def get_system_organisation(membership: Membership, pk: int) -> Organisation:
    """One of system_organisations_in: any other organisation is not found."""
    found = system_organisations_in(membership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such system organisation.")
    return found
