"""Who may see and do what with the national practice figures, written once for the pages,
the exports and the API: fetch and authorise in one step. Something of another collective
is not found (404), never forbidden.

- Reading a collective's practices' figures: every member except guests (the same rule as
  shared services', `shared_services.access.require_reader`, which this app sits below and
  so cannot import).
- Uploading the national files, and seeing the uploads: the collective's convenors.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import OrganisationKind
from sustainability.models import PracticeDataImport


def require_reader(membership: Membership) -> None:
    if membership.role == Role.GUEST:
        raise PermissionDenied(
            "The practices' figures are for the collective's members; system partners see "
            "what the collective chooses to share with them."
        )


def require_convenor(membership: Membership) -> None:
    if membership.role != Role.CONVENOR:
        raise PermissionDenied("Only a convenor of the collective can import national figures.")


def get_practice_in_collective(membership: Membership, organisation_id: int) -> int:
    """The id of one of the collective's member practices, or 404."""
    require_reader(membership)
    found = CollectiveOrganisation.objects.filter(
        collective_id=membership.collective_id,
        organisation_id=organisation_id,
        organisation__kind=OrganisationKind.PRACTICE,
    ).exists()
    if not found:
        raise Http404("No such practice in the collective.")
    return organisation_id


def get_import_in_collective(membership: Membership, pk: int) -> PracticeDataImport:
    """An import a convenor of this collective started, or 404 (403 for a member who is not
    a convenor: they know the collective exists)."""
    require_convenor(membership)
    found = (
        PracticeDataImport.objects.select_related("user")
        .filter(collective_id=membership.collective_id, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such import.")
    return found
