"""Writes to the directory. The ODS importers arrive with the directory issue."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record, snapshot
from directory.models import Organisation, OrganisationKind


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    ods_code: str | None = None,
    postcode: str = "",
) -> Organisation:
    """Add an organisation by hand (e.g. a federation or an LMC without an ODS code)."""
    if kind not in OrganisationKind.values:
        raise ValueError(f"Unknown organisation kind {kind!r}.")
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        ods_code=(ods_code or "").strip().upper() or None,
        postcode=postcode.strip().upper(),
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        obj=organisation,
        collective=None,
        after=snapshot(organisation),
    )
    return organisation
