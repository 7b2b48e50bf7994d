"""Writes for readiness: a practice's choice to share its readiness with the service's lead
(recorded, revocable, audited), and the record of each time its own people are shown the
figures behind it (its own survey answers, as surveys records each read of raw answers).

Only the practice's representative or deputy shares or stops sharing, for their own
practice, while it takes part in the service. The audit entries name the service and the
practice, never a placement or a figure.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from collectives.models import Membership
from shared_services import access, selectors_readiness
from shared_services.models import Participation, ReadinessShare, SharedService


def _practice_taking_part(membership: Membership, service: SharedService) -> int:
    """The practice this person speaks for, if it takes part in the service; refused
    otherwise. Takes a lock on the service first, so two shares are decided in turn."""
    if membership.role not in access.SPEAKING_ROLES or membership.organisation_id is None:
        raise PermissionDenied(
            "Only a practice's representative or deputy can share the practice's readiness."
        )
    SharedService.objects.select_for_update().filter(pk=service.pk).first()
    if not Participation.objects.filter(
        service=service, organisation_id=membership.organisation_id, left_on__isnull=True
    ).exists():
        raise PermissionDenied("Your practice does not take part in this service.")
    return membership.organisation_id


def readiness_share(*, actor_membership: Membership, service: SharedService) -> ReadinessShare:
    """Tick "share our readiness with the service lead": the lead and the convenors then see
    the practice's placement by name (never the figures behind it). Sharing again changes
    nothing."""
    with transaction.atomic():
        organisation_id = _practice_taking_part(actor_membership, service)
        current = ReadinessShare.objects.filter(
            service=service, organisation_id=organisation_id, revoked_at__isnull=True
        ).first()
        if current is not None:
            return current
        share = ReadinessShare.objects.create(
            service=service, organisation_id=organisation_id, shared_by=actor_membership.user
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.readiness_shared",
            obj=share,
            collective=actor_membership.collective,
            after={"service": service.pk, "organisation": organisation_id},
        )
    return share


def readiness_share_revoke(
    *, actor_membership: Membership, service: SharedService, now: dt.datetime | None = None
) -> ReadinessShare | None:
    """Untick it: the practice's placement is no longer shown by name. None when it was not
    shared."""
    with transaction.atomic():
        organisation_id = _practice_taking_part(actor_membership, service)
        current = (
            ReadinessShare.objects.select_for_update()
            .filter(service=service, organisation_id=organisation_id, revoked_at__isnull=True)
            .first()
        )
        if current is None:
            return None
        current.revoked_at = now or timezone.now()
        current.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor_membership.user,
            action="shared_services.readiness_share_revoked",
            obj=current,
            collective=actor_membership.collective,
            after={"service": service.pk, "organisation": organisation_id},
        )
    return current


def readiness_read(
    *, membership: Membership, service: SharedService, now: dt.datetime | None = None
) -> selectors_readiness.ReadinessView:
    """What this person may see of the service's readiness (selectors_readiness), for the
    page, the API and the exports. When it shows them the figures behind their own
    practice's placement, the read is recorded (the service and the practice, never a
    value), as surveys records every read of a practice's own answers."""
    view = selectors_readiness.readiness_view(membership=membership, service=service, now=now)
    if view.own is not None and view.own.figures:
        audit_record(
            actor=membership.user,
            action="shared_services.readiness_evidence_read",
            obj=service,
            collective=service.collective,
            after={"service": service.pk, "organisation": view.own.organisation.pk},
        )
    return view
