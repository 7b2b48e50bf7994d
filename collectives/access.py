"""Fetch an object *and* check the user's right to it, in one step.

Anything that belongs to a collective is reached through these helpers. An object of a
collective the user is not in is reported as not found (404), never as forbidden, so that
its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from collectives.models import CollectiveOrganisation, Invitation, Membership, Role
from collectives.selectors import memberships_for_user, people_at_member
from directory.models import Organisation, Person
from directory.selectors import is_data_steward, organisations_open_to


def get_membership_for_user(user: Any, slug: str) -> Membership:
    """The user's membership of the collective with this slug, or 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such collective.")
    membership = (
        Membership.objects.select_related("collective", "organisation", "user")
        .filter(user=user, collective__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such collective.")
    return membership


def memberships_with_current(user: Any, slug: str) -> tuple[list[Membership], Membership]:
    """All the user's memberships, by collective name (the header's switcher), and the one of
    the collective with this slug, or 404: in one query."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such collective.")
    memberships = list(memberships_for_user(user=user))
    current = next((m for m in memberships if m.collective.slug == slug), None)
    if current is None:
        raise Http404("No such collective.")
    return memberships, current


def require_data_steward(user: Any) -> None:
    """Setting up a collective is for the service's data stewards (its superusers): a
    collective's members see the people the directory records at its member organisations,
    so whoever could make one could read anyone's."""
    if not is_data_steward(user):
        raise PermissionDenied("Only the service's data stewards set up a collective.")


def require_convenor(membership: Membership) -> None:
    """Convenors manage a collective; everyone else is refused (they know it exists)."""
    if membership.role != Role.CONVENOR:
        raise PermissionDenied("Only a convenor of the collective can do that.")


def get_convenor_membership_for_user(user: Any, slug: str) -> Membership:
    membership = get_membership_for_user(user, slug)
    require_convenor(membership)
    return membership


def get_membership_in_collective(actor: Membership, pk: int) -> Membership:
    found = (
        Membership.objects.select_related("user", "organisation", "collective")
        .filter(collective_id=actor.collective_id, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such member.")
    return found


def get_member_organisation_in_collective(actor: Membership, pk: int) -> CollectiveOrganisation:
    found = (
        CollectiveOrganisation.objects.select_related("organisation", "collective")
        .filter(collective_id=actor.collective_id, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such member organisation.")
    return found


def get_invitation_in_collective(actor: Membership, pk: int) -> Invitation:
    found = (
        Invitation.objects.select_related("organisation", "collective")
        .filter(collective_id=actor.collective_id, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such invitation.")
    return found


def get_person_at_member(member: CollectiveOrganisation, pk: int) -> Person:
    """Someone the member organisation's collective sees there (shared people and its own),
    or 404: another collective's own people are not found."""
    found = people_at_member(member=member).filter(pk=pk).first()
    if found is None:
        raise Http404("No such person.")
    return found


def get_organisation_to_add(actor: Membership, pk: int) -> Organisation:
    """An organisation the actor's collective may take as a member: shared directory data or
    its own records. Another collective's own organisation is not found (404), like one that
    does not exist; the service checks the rest (already a member, the actor a convenor)."""
    found = organisations_open_to(collective_id=actor.collective_id).filter(pk=pk).first()
    if found is None:
        raise Http404("No such organisation.")
    return found


def get_organisation_named(pk: int | None) -> Organisation | None:
    """The organisation a membership or an invitation names by id (None for none). The
    services check that it is a member organisation of the collective."""
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({"organisation": [f"No organisation has id {pk}."]})
    return organisation
