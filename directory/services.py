"""Writes to the directory made by people (the ODS import is in directory.importer).

Who may change what is one rule, in directory.access: shared data only the service's data
stewards (superusers); a collective's own organisations and people only its convenors. Each
write is audited in the owning collective's log, or as a service entry (no collective) for
shared data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from alliance.changes import everything_changed
from alliance.tenancy import ActingMembership, tenancy
from audit.services import audit_record, snapshot
from directory.access import is_data_steward, require_can_edit, require_superuser
from directory.models import IMPORTED_FIELDS, ImportRun, Organisation, OrganisationKind, Person
from directory.tasks import run_ods_import

EDITABLE_FIELDS = ("name", "kind", "status", "address", "postcode", "phone")
PERSON_FIELDS = ("name", "job_title", "role", "email", "phone")


def _acting_collective(actor: Any, actor_membership: ActingMembership | None) -> Any:
    """The collective a new record is for, or None for shared data (stewards only)."""
    if actor_membership is None:
        if not is_data_steward(actor):
            raise PermissionDenied(
                "Only the service's data stewards add shared directory data. Add it for your "
                "collective instead."
            )
        return None
    if actor_membership.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("You can only act for your own membership of a collective.")
    return actor_membership.collective


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    actor_membership: ActingMembership | None = None,
    ods_code: str | None = None,
    postcode: str = "",
    address: str = "",
    phone: str = "",
) -> Organisation:
    """Add an organisation by hand (e.g. a federation or an LMC without an ODS code). With
    ``actor_membership`` it is that collective's own (its convenor acting); without, it is
    shared data, which only a data steward adds."""
    if kind not in OrganisationKind.values:
        raise ValueError(f"Unknown organisation kind {kind!r}.")
    owner = _acting_collective(actor, actor_membership)
    if actor_membership is not None and not actor_membership.is_convenor:
        raise PermissionDenied("Only a convenor of the collective can do that.")
    code = (ods_code or "").strip().upper() or None
    if owner is not None and code:
        raise ValidationError(
            {
                "ods_code": "Organisations with an ODS code come from the NHS files: search "
                "the directory for it instead."
            }
        )
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        ods_code=code,
        postcode=postcode.strip().upper(),
        address=address.strip(),
        phone=phone.strip(),
        owner=owner,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        obj=organisation,
        collective=owner,
        after=snapshot(organisation),
    )
    if owner is None:
        everything_changed()  # a shared record: every collective shows it
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's details. Fields a steward changes on an ODS organisation are
    marked as edited, so a later ODS import keeps them (and lists the difference as a
    conflict)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    organisation = (
        Organisation.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=organisation.pk)
    )
    require_can_edit(actor, organisation)
    before = snapshot(organisation)
    edited = set(organisation.edited_fields)
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if name == "postcode":
            value = value.upper()
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            if name in IMPORTED_FIELDS and organisation.ods_code:
                edited.add(name)
    organisation.edited_fields = sorted(edited)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.changed",
        obj=organisation,
        collective=organisation.owner,
        before=before,
        after=snapshot(organisation),
    )
    if organisation.owner is None:
        everything_changed()  # a shared record: every collective shows it
    return organisation


def _check_person_organisation(collective: Any, organisation: Organisation) -> None:
    if organisation.owner_id == collective.pk:
        return
    if (
        organisation.owner_id is None
        and tenancy()
        .member_organisation_ids(collective.pk)
        .filter(organisation=organisation)
        .exists()
    ):
        return
    raise ValidationError(
        {"organisation": f"{organisation.name} is not a member organisation of {collective.name}."}
    )


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    organisation: Organisation,
    actor_membership: ActingMembership | None = None,
    job_title: str = "",
    role: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    """Add someone who works for an organisation. With ``actor_membership`` they are that
    collective's own record (seen only by it), at one of its member organisations; without,
    a data steward adds them to the organisation's owner (shared data for a shared one)."""
    owner = _acting_collective(actor, actor_membership)
    if actor_membership is not None:
        if not actor_membership.can_record:
            raise PermissionDenied("Observers and guests read; they do not add people.")
        _check_person_organisation(actor_membership.collective, organisation)
    else:
        owner = organisation.owner
    person = Person(
        name=name.strip(),
        organisation=organisation,
        job_title=job_title.strip(),
        role=role,
        email=email.strip().lower(),
        phone=phone.strip(),
        owner=owner,
    )
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action="person.created",
        obj=person,
        collective=owner,
        after=snapshot(person),
    )
    if owner is None:
        everything_changed()  # a shared record: every collective shows it
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    """Change someone's details: a steward for shared people, the owning collective's
    convenors for its own."""
    if set(changes) - set(PERSON_FIELDS):
        raise ValueError(
            f"These fields cannot be edited: {sorted(set(changes) - set(PERSON_FIELDS))}."
        )
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("owner").get(pk=person.pk)
    )
    require_can_edit(actor, person)
    before = snapshot(person)
    for name, value in changes.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.email = person.email.lower()
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action="person.changed",
        obj=person,
        collective=person.owner,
        before=before,
        after=snapshot(person),
    )
    if person.owner is None:
        everything_changed()  # a shared record: every collective shows it
    return person


@transaction.atomic
def ods_import_queue(*, actor: Any, upload_dir: str, forced: bool = False) -> ImportRun:
    """Record an import of the ODS files uploaded to ``upload_dir`` and run it in the
    background once this transaction commits (the importer audits the run): superusers
    only."""
    require_superuser(actor)
    run = ImportRun.objects.create(user=actor, forced=forced, upload_dir=upload_dir)
    transaction.on_commit(lambda: run_ods_import(run.pk))
    return run
