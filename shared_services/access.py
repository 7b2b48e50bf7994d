"""Who may see and do what in shared services, written once for the pages, the API and the
exports: fetch an object and check the member's right to it in one step. An object of
another collective is not found (404), never forbidden.

- Reading: every member of the collective except guests (system partners see what general
  practice has agreed only where the collective shares it, and it shares nothing of this
  yet), observers included.
- Running a service (its details, stage, practices, ways of working, benefit measures): a
  convenor, or the service's lead.
- Answering a way of working, and sharing a practice's readiness: the representative or
  deputy of a participating practice, for that practice only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation
from shared_services.models import (
    BenefitMeasure,
    Function,
    MatrixChange,
    SharedService,
    WayOfWorking,
)

#: The roles that speak for one organisation (and so answer for a practice).
SPEAKING_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY)


def require_reader(membership: Membership) -> None:
    if membership.role == Role.GUEST:
        raise PermissionDenied(
            "Shared services are for the collective's members; system partners see what "
            "the collective chooses to share with them."
        )


def services_in(membership: Membership) -> QuerySet[SharedService]:
    """The collective's services, for a member who may read them."""
    require_reader(membership)
    return SharedService.objects.filter(collective_id=membership.collective_id)


def get_service_in_collective(membership: Membership, pk: int) -> SharedService:
    found = (
        services_in(membership).select_related("host", "lead", "collective").filter(pk=pk).first()
    )
    if found is None:
        raise Http404("No such shared service.")
    return found


def can_run(membership: Membership, service: SharedService) -> bool:
    """Convenors run every service; a service's lead runs that one."""
    return membership.role == Role.CONVENOR or (
        service.lead_id is not None and service.lead_id == membership.user_id
    )


def require_runs(membership: Membership, service: SharedService) -> None:
    if not can_run(membership, service):
        raise PermissionDenied("Only the service's lead or a convenor can change the service.")


def require_convenor(membership: Membership) -> None:
    if membership.role != Role.CONVENOR:
        raise PermissionDenied("Only a convenor can do that.")


def practice_spoken_for(membership: Membership) -> Organisation | None:
    """The practice the member answers for (as its representative or deputy), if any."""
    if membership.role in SPEAKING_ROLES and membership.organisation_id is not None:
        return membership.organisation
    return None


def require_speaks_for(membership: Membership, organisation_id: int) -> None:
    if membership.role not in SPEAKING_ROLES or membership.organisation_id != organisation_id:
        raise PermissionDenied(
            "Only the practice's representative or deputy can answer for the practice."
        )


def get_way_in_collective(membership: Membership, pk: int) -> WayOfWorking:
    found = (
        WayOfWorking.objects.select_related("service", "service__host", "service__lead")
        .filter(service__collective_id=membership.collective_id, pk=pk)
        .first()
    )
    require_reader(membership)
    if found is None:
        raise Http404("No such way of working.")
    return found


def get_measure_in_collective(membership: Membership, pk: int) -> BenefitMeasure:
    found = (
        BenefitMeasure.objects.select_related("service", "service__lead")
        .filter(service__collective_id=membership.collective_id, pk=pk)
        .first()
    )
    require_reader(membership)
    if found is None:
        raise Http404("No such benefit measure.")
    return found


def get_member_organisation(membership: Membership, organisation_id: int) -> Organisation:
    """A member organisation of the collective (a practice's ledger page), or 404."""
    require_reader(membership)
    found = (
        CollectiveOrganisation.objects.select_related("organisation")
        .filter(collective_id=membership.collective_id, organisation_id=organisation_id)
        .first()
    )
    if found is None:
        raise Http404("No such member organisation.")
    return found.organisation


def get_function_in_collective(membership: Membership, pk: int) -> Function:
    """A function of the collective's responsibility matrix (404 for another's)."""
    require_reader(membership)
    found = Function.objects.filter(collective_id=membership.collective_id, pk=pk).first()
    if found is None:
        raise Http404("No such function.")
    return found


def get_change_in_collective(membership: Membership, pk: int) -> MatrixChange:
    """A change to the collective's responsibility matrix, with its proposal and decision; a
    withdrawn change is kept for the record but not found (404 for another's)."""
    from shared_services.selectors_matrix import changes_in

    require_reader(membership)
    found = changes_in(membership.collective_id).filter(pk=pk).first()
    if found is None:
        raise Http404("No such change to who does what.")
    return found
