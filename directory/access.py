"""Fetch a directory object and check the user's right to it in one step."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from collectives.models import Membership, Role
from directory.models import Organisation, Person
from directory.selectors import organisation_by_key, people_visible_to


def get_organisation(key: str) -> Organisation:
    """Organisations are public NHS reference data: any signed-in person may look them up."""
    organisation = organisation_by_key(key)
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Superusers, and convenors of a collective the organisation belongs to."""
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(
        user_id=user.pk or 0,
        role=Role.CONVENOR,
        collective__members__organisation=organisation,
    ).exists()


def can_add_organisations(user: Any) -> bool:
    """Superusers, and anyone who convenes a collective (they add its federation, LMC...)."""
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user_id=user.pk or 0, role=Role.CONVENOR).exists()


def get_organisation_for_editing(user: Any, key: str) -> Organisation:
    organisation = get_organisation(key)
    if not can_edit_organisation(user, organisation):
        raise PermissionDenied(
            "Only a convenor of a collective this organisation belongs to can change it."
        )
    return organisation


def get_person_for_user(user: Any, pk: int) -> Person:
    """People are visible only through the user's collectives; others are not found."""
    person = people_visible_to(user=user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


def get_person_for_editing(user: Any, pk: int) -> Person:
    person = get_person_for_user(user, pk)
    if not can_edit_organisation(user, person.organisation):
        raise PermissionDenied(
            "Only a convenor of a collective this person's organisation belongs to can "
            "change their details."
        )
    return person


def require_superuser(user: Any) -> None:
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied("Only a superuser can import the ODS files.")
