"""Fetch a directory object and check the user's right to it in one step.

The one rule for changing directory records, used by pages, the API and the services:

- shared directory data (no owner: the ODS imports and what stewards add) is changed only by
  the service's data stewards, its superusers, or by a re-import;
- a collective's own organisations and people are changed only by that collective's
  convenors (and the stewards).

What a collective records about shared data (a local name, a note, a person's role there)
is the collective's, changed through its own pages (collectives.services).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from alliance.tenancy import tenancy
from directory.models import Organisation, Person
from directory.selectors import is_data_steward, organisation_by_key, people_visible_to


def owner_convenor(user: Any, owner_id: int | None) -> Any:
    """The user's convenor membership of the collective that owns a record, if any."""
    if owner_id is None:
        return None
    return tenancy().convenor_memberships_of(user).filter(collective_id=owner_id).first()


def can_edit(user: Any, record: Organisation | Person) -> bool:
    """Stewards change anything; a collective's convenors change its own records only."""
    if is_data_steward(user):
        return True
    return owner_convenor(user, record.owner_id) is not None


def require_can_edit(user: Any, record: Organisation | Person) -> None:
    if can_edit(user, record):
        return
    what = record.name
    if record.owner_id is None:
        raise PermissionDenied(
            f"{what} is shared directory data: only the service's data stewards change it. "
            "Your collective can give an organisation its own name and a note, and people "
            "their role in the collective, on the collective's page for the organisation."
        )
    raise PermissionDenied(
        f"{what} was added by {record.owner.name}: only its convenors can change it."  # type: ignore[union-attr]
    )


def convened_by(user: Any) -> list[Any]:
    """The user's convenor memberships, by collective name: the collectives whose own
    records they add and change."""
    return sorted(
        tenancy().convenor_memberships_of(user), key=lambda membership: membership.collective.name
    )


def can_add_organisations(user: Any) -> bool:
    """Stewards (shared data), and anyone who convenes a collective (its own organisations:
    a federation, an LMC...)."""
    if is_data_steward(user):
        return True
    return tenancy().convenor_memberships_of(user).exists()


def get_owner_named(user: Any, slug: str | None) -> Any:
    """The membership a new organisation is added under, named by its collective's slug:
    None for shared data (no slug), else the user's membership of that collective, or a
    ValidationError on the field ``owner``. The service checks that it is a convenor's."""
    if not slug:
        return None
    try:
        return tenancy().membership_for_user(user, slug, convenor_only=False)
    except Http404:
        raise ValidationError(
            {"owner": [f"You are in no collective with the slug {slug!r}."]}
        ) from None


def get_organisation(user: Any, key: str) -> Organisation:
    """Shared organisations are public NHS reference data: any signed-in person may look
    them up. A collective's own organisations are found only by its members."""
    organisation = organisation_by_key(key, user=user)
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def get_organisation_for_editing(user: Any, key: str) -> Organisation:
    organisation = get_organisation(user, key)
    require_can_edit(user, organisation)
    return organisation


def get_person_for_user(user: Any, pk: int) -> Person:
    """People are visible only through the user's collectives; others are not found."""
    person = people_visible_to(user=user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


def get_person_for_editing(user: Any, pk: int) -> Person:
    person = get_person_for_user(user, pk)
    require_can_edit(user, person)
    return person


def require_superuser(user: Any) -> None:
    if not is_data_steward(user):
        raise PermissionDenied("Only a superuser can import the ODS files.")
