"""Writes to the directory made by people (the ODS import is in directory.importer)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record, snapshot
from directory.models import IMPORTED_FIELDS, Organisation, OrganisationKind, Person

EDITABLE_FIELDS = ("name", "kind", "status", "address", "postcode", "phone")


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    ods_code: str | None = None,
    postcode: str = "",
    address: str = "",
    phone: str = "",
) -> Organisation:
    """Add an organisation by hand (e.g. a federation or an LMC without an ODS code)."""
    if kind not in OrganisationKind.values:
        raise ValueError(f"Unknown organisation kind {kind!r}.")
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        ods_code=(ods_code or "").strip().upper() or None,
        postcode=postcode.strip().upper(),
        address=address.strip(),
        phone=phone.strip(),
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


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's details. Fields a person changes are marked as edited, so a
    later ODS import keeps them (and lists the difference as a conflict)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
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
        collective=None,
        before=before,
        after=snapshot(organisation),
    )
    return organisation


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    organisation: Organisation,
    job_title: str = "",
    role: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    person = Person(
        name=name.strip(),
        organisation=organisation,
        job_title=job_title.strip(),
        role=role,
        email=email.strip().lower(),
        phone=phone.strip(),
    )
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action="person.created", obj=person, collective=None, after=snapshot(person)
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    allowed = {"name", "job_title", "role", "email", "phone", "organisation"}
    if set(changes) - allowed:
        raise ValueError(f"These fields cannot be edited: {sorted(set(changes) - allowed)}.")
    person = Person.objects.select_for_update().get(pk=person.pk)
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
        collective=None,
        before=before,
        after=snapshot(person),
    )
    return person
