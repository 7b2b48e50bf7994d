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
- Coverage and the grid name stakeholders and how warm they are: the leadership group sees
  all of them; the owner of a key relationship outside it sees only their own stakeholders.
  Key organisations: the leadership group reads them; only a convenor sets them.
- Agenda alignment: the collective's priorities, the system organisations' and each
  stakeholder's. A stakeholder's own priorities are what we learned of them (personal data):
  the leadership group and the owners of a key relationship with them. The leadership group
  keeps our priorities and the organisations'; an owner outside it adds and removes their
  stakeholder's priorities and marks where ours meet them.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation
from system.models import (
    AgendaItem,
    KeyOrganisation,
    KeyRelationship,
    Mandate,
    MeetingSeries,
    Need,
    Overlap,
    PrepConversation,
    Priority,
    PriorityOwner,
    Stakeholder,
    SystemMeeting,
)

#: The roles that speak for one organisation.
SPEAKING_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY)

M = TypeVar("M", bound=Model)


def _one(found: QuerySet[M], pk: int, what: str) -> M:
    """The object with `pk` among those the member may see, else 404 ("No such <what>.")."""
    obj = found.filter(pk=pk).first()
    if obj is None:
        raise Http404(f"No such {what}.")
    return obj


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
    found = stakeholders_in(membership).filter(erased_at__isnull=True)
    return _one(found.select_related("person", "organisation"), pk, "stakeholder")


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


# System meetings --------------------------------------------------------------------------


def may_see_preparation(membership: Membership) -> bool:
    """The conversations before a meeting name people and what they think: the leadership
    group only."""
    return membership.role != Role.GUEST and is_leadership(membership)


def require_preparation(membership: Membership) -> None:
    """The conversations before a meeting and the prep sheet: the leadership group only."""
    require_reader(membership)
    if not may_see_preparation(membership):
        raise PermissionDenied(
            "The preparation for a system meeting (who talks to whom, and what they think) is "
            "for the leadership group only."
        )


def series_in(membership: Membership) -> QuerySet[MeetingSeries]:
    require_reader(membership)
    return MeetingSeries.objects.filter(collective_id=membership.collective_id)


def get_series(membership: Membership, pk: int) -> MeetingSeries:
    return _one(series_in(membership).select_related("organisation"), pk, "meeting series")


def meetings_in(membership: Membership) -> QuerySet[SystemMeeting]:
    require_reader(membership)
    return SystemMeeting.objects.filter(collective_id=membership.collective_id)


def get_meeting(membership: Membership, pk: int) -> SystemMeeting:
    found = meetings_in(membership).select_related("series", "series__organisation")
    return _one(found, pk, "system meeting")


def get_item(membership: Membership, pk: int) -> AgendaItem:
    require_reader(membership)
    found = AgendaItem.objects.filter(meeting__collective_id=membership.collective_id)
    return _one(
        found.select_related("meeting", "meeting__series", "decision", "mandate"),
        pk,
        "agenda item",
    )


def get_conversation(membership: Membership, pk: int) -> PrepConversation:
    """A conversation before a meeting of the member's collective. Someone outside the
    leadership group is refused (403) before anything is looked up."""
    require_preparation(membership)
    return _one(
        PrepConversation.objects.filter(
            item__meeting__collective_id=membership.collective_id
        ).select_related(
            "item",
            "item__meeting",
            "item__meeting__series",
            "stakeholder",
            "stakeholder__person",
            "stakeholder__organisation",
            "by",
        ),
        pk,
        "conversation",
    )


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
    return _one(needs_in(membership).select_related("practice"), pk, "need")


def mandates_in(membership: Membership) -> QuerySet[Mandate]:
    require_reader(membership)
    return Mandate.objects.filter(collective_id=membership.collective_id)


def get_mandate(membership: Membership, pk: int) -> Mandate:
    return _one(mandates_in(membership).select_related("need", "of_whom"), pk, "mandate")


# Coverage and key organisations -----------------------------------------------------------


def require_key_organisations_reader(membership: Membership) -> None:
    require_leadership(membership)


def may_set_key_organisations(membership: Membership) -> bool:
    return membership.role == Role.CONVENOR


# Agenda alignment -------------------------------------------------------------------------


def require_sees_alignment(membership: Membership) -> None:
    """The leadership group, and the owners of a key relationship."""
    require_reader(membership)
    if not may_see_stakeholders(membership):
        raise PermissionDenied(
            "Agenda alignment is for the leadership group, and for the owners of key "
            "relationships with their own stakeholders."
        )


def priorities_in(membership: Membership) -> QuerySet[Priority]:
    """The priorities the member may see: every one of the collective's for the leadership
    group; for an owner outside it, ours, the organisations' of their stakeholders, and their
    stakeholders' own. Never those of an erased stakeholder."""
    require_sees_alignment(membership)
    found = Priority.objects.filter(collective_id=membership.collective_id).exclude(
        stakeholder__erased_at__isnull=False
    )
    if is_leadership(membership):
        return found
    mine = owns_key_relationship(membership)
    return found.filter(
        Q(whose=PriorityOwner.COLLECTIVE)
        | Q(whose=PriorityOwner.ORGANISATION)
        & Exists(mine.filter(stakeholder__organisation_id=OuterRef("organisation_id")))
        | Q(whose=PriorityOwner.STAKEHOLDER)
        & Exists(mine.filter(stakeholder=OuterRef("stakeholder_id")))
    )


def get_priority_for(membership: Membership, pk: int) -> Priority:
    return _one(
        priorities_in(membership).select_related(
            "organisation",
            "stakeholder",
            "stakeholder__person",
            "stakeholder__organisation",
            "decision",
        ),
        pk,
        "priority",
    )


def may_change_priority(membership: Membership, priority: Priority) -> bool:
    """Ours and the organisations': the leadership group. A stakeholder's: the leadership
    group and the owners of a key relationship with them. The same people mark where our
    priority meets it."""
    if priority.whose == PriorityOwner.STAKEHOLDER and priority.stakeholder is not None:
        return may_change_stakeholder(membership, priority.stakeholder)
    return membership.role not in (Role.GUEST, Role.OBSERVER) and is_leadership(membership)


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
    return _one(
        overlaps_in(membership).select_related(
            "ours",
            "theirs",
            "theirs__organisation",
            "theirs__stakeholder",
            "theirs__stakeholder__person",
            "theirs__stakeholder__organisation",
            "marked_by",
        ),
        pk,
        "overlap",
    )


def may_mark_overlap(membership: Membership, theirs: Priority) -> bool:
    """Where our priority meets theirs: whoever may change their priority."""
    return may_change_priority(membership, theirs)


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
    stakeholders = stakeholders_in(membership).filter(erased_at__isnull=True)
    theirs = Exists(stakeholders.filter(organisation_id=OuterRef("pk")))
    if not is_leadership(membership):
        return Organisation.objects.filter(theirs)
    return Organisation.objects.filter(
        theirs
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
    return _one(system_organisations_in(membership), pk, "system organisation")
