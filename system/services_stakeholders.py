"""Writes for stakeholders: adding one (a person in a system organisation), changing what we
know of them, dated assessments of warmth and sway, GP leaders' key relationships, notes
(and their review), and logging a contact with them in the collective's contact log.

Who may act is system.access: the leadership group adds stakeholders; the leadership group
and the owners of a key relationship with them change them, assess them and keep notes; a
GP leader marks their own key relationships, at most MOST_KEY_RELATIONSHIPS.

A stakeholder's name, e-mail, role, agenda and notes are personal data that erasure must
remove without trace, and the audit log is append-only: so no audit entry here holds them.
Entries name a stakeholder (and their person) by id alone (`audit_ref`), and record which
fields changed, never their values.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from alliance.limits import EMAIL_MAX
from collectives.models import Membership
from directory.models import Organisation, OrganisationKind, Person, PersonRole
from directory.services import organisation_create
from relationships.models import Contact, Mode
from relationships.services import contact_add
from system import access
from system.models import (
    MOST_KEY_RELATIONSHIPS,
    Assessment,
    KeyRelationship,
    Stakeholder,
    StakeholderNote,
)
from system.selectors_stakeholders import (
    has_had_contact,
    organisation_to_pick,
    people_known_to,
)
from system.services_common import audited
from system.text import clean_text

#: The kinds of organisation a collective adds by hand for its stakeholders.
SYSTEM_KINDS = (
    OrganisationKind.ICB,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.PUBLIC_HEALTH,
    OrganisationKind.VOLUNTARY,
    OrganisationKind.LMC,
    OrganisationKind.OTHER,
)
ROLE_MAX = 150
NAME_MAX = 150


class _AuditRef:
    """What the audit log is told of a record holding personal data: its type and id. The
    log keeps `str(obj)`, which for a stakeholder or a person is their name."""

    def __init__(self, obj: models.Model) -> None:
        self._meta = obj._meta
        self.pk = obj.pk

    def __str__(self) -> str:
        return f"{str(self._meta.verbose_name).capitalize()} {self.pk}"


def audit_ref(obj: models.Model) -> models.Model:
    """The object as audit_record may be given it without writing a name into the log:
    "Stakeholder 12", "Person 40". Use it for every entry about a stakeholder."""
    return cast(models.Model, _AuditRef(obj))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _live(stakeholder: Stakeholder) -> None:
    if stakeholder.erased_at is not None or stakeholder.person_id is None:
        raise ValidationError("Their personal data was erased: nothing more can be added.")


# Stakeholders -------------------------------------------------------------------------------


def system_organisation_add(*, actor_membership: Membership, name: str, kind: str) -> Organisation:
    """Add a system organisation that is not in the directory (a council's adult social care
    directorate) as the collective's own, through the directory's own-organisation rule:
    a convenor adds it, and only the collective sees it."""
    access.require_leadership(actor_membership)
    name = clean_text(name, "name", most=200, required=True)
    if kind not in SYSTEM_KINDS:
        raise ValidationError({"kind": "Choose what kind of organisation it is from the list."})
    if not actor_membership.is_convenor:
        raise PermissionDenied(
            "Only a convenor adds an organisation that is not in the directory. Ask one of "
            "your convenors to add it."
        )
    if Organisation.objects.filter(
        owner_id=actor_membership.collective_id, name__iexact=name
    ).exists():
        raise ValidationError({"name": f"The collective already added {name}."})
    return organisation_create(
        actor=actor_membership.user,
        actor_membership=actor_membership,
        name=name,
        kind=kind,
    )


def _own_person(
    *,
    actor_membership: Membership,
    organisation: Organisation,
    name: str,
    job_title: str,
    email: str,
) -> Person:
    """The collective's own record of someone in a system organisation. The directory adds a
    collective's own people only at its member organisations, so this adds it here, with
    the same owner rule (only the collective sees it) and an audit entry without the name."""
    name = clean_text(name, "name", most=NAME_MAX, required=True)
    job_title = clean_text(job_title, "job_title", most=ROLE_MAX)
    email = clean_text(email, "email", most=EMAIL_MAX).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": "Enter an e-mail address in the right format, like name@example.org."}
            ) from None
    person = Person.objects.create(
        name=name,
        job_title=job_title,
        email=email,
        role=PersonRole.SYSTEM_LEADER,
        organisation=organisation,
        owner_id=actor_membership.collective_id,
    )
    audited(
        actor_membership,
        "person.created",
        audit_ref(person),
        after={"organisation": organisation.pk, "owner": actor_membership.collective_id},
    )
    return person


def stakeholder_add(
    *,
    actor_membership: Membership,
    organisation: int,
    person: int | None = None,
    name: str = "",
    job_title: str = "",
    email: str = "",
    role: str = "",
    agenda_learned: str = "",
    now: dt.datetime | None = None,
) -> Stakeholder:
    """Add a stakeholder: someone already known to the collective at the organisation
    (`person`), or someone new (`name`, and optionally their job title and e-mail), who
    becomes the collective's own record. `role` defaults to their job title."""
    access.require_leadership(actor_membership)
    collective_id = actor_membership.collective_id
    found = organisation_to_pick(collective_id, organisation)
    if found is None:
        raise ValidationError(
            {
                "organisation": "Choose a system organisation from the directory, or one the "
                "collective added."
            }
        )
    role = clean_text(role, "role", most=ROLE_MAX)
    agenda_learned = clean_text(agenda_learned, "agenda_learned")
    known: Person | None = None
    if person is not None:
        known = people_known_to(collective_id).filter(pk=person, organisation=found).first()
        if known is None:
            raise ValidationError(
                {"person": f"Choose someone the collective knows at {found.name}, or add them."}
            )
        if Stakeholder.objects.filter(collective_id=collective_id, person=known).exists():
            raise ValidationError({"person": f"{known.name} is already a stakeholder."})
    elif not (name or "").strip():
        raise ValidationError({"name": "Enter their name, or choose someone already known."})
    with transaction.atomic():
        if known is None:
            known = _own_person(
                actor_membership=actor_membership,
                organisation=found,
                name=name,
                job_title=job_title,
                email=email,
            )
        try:
            with transaction.atomic():
                stakeholder = Stakeholder.objects.create(
                    collective_id=collective_id,
                    person=known,
                    organisation=found,
                    role=role or known.job_title,
                    agenda_learned=agenda_learned,
                    added_by=actor_membership.user,
                    added_at=_now(now),
                )
        except IntegrityError:
            raise ValidationError({"person": f"{known.name} is already a stakeholder."}) from None
        audited(
            actor_membership,
            "stakeholder.added",
            audit_ref(stakeholder),
            after={"organisation": found.pk, "person": known.pk, "new_person": person is None},
        )
    return stakeholder


def stakeholder_update(
    *,
    actor_membership: Membership,
    stakeholder: Stakeholder,
    role: str | None = None,
    agenda_learned: str | None = None,
) -> Stakeholder:
    """Change their role or what we learned of their agenda (None leaves a field as it is)."""
    access.require_changes_stakeholder(actor_membership, stakeholder)
    _live(stakeholder)
    changes: dict[str, str] = {}
    if role is not None:
        changes["role"] = clean_text(role, "role", most=ROLE_MAX)
    if agenda_learned is not None:
        changes["agenda_learned"] = clean_text(agenda_learned, "agenda_learned")
    with transaction.atomic():
        locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, changes[name])
            setattr(stakeholder, name, changes[name])
        if changed:
            locked.save(update_fields=changed)
            audited(
                actor_membership,
                "stakeholder.changed",
                audit_ref(stakeholder),
                after={"changed": changed},
            )
    return stakeholder


# Assessments --------------------------------------------------------------------------------


def assessment_add(
    *,
    actor_membership: Membership,
    stakeholder: Stakeholder,
    warmth: int,
    sway: int,
    assessed_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """A dated judgement of their warmth and sway, each 1 to 5. The newest is the current
    one; earlier ones are kept as the history."""
    access.require_changes_stakeholder(actor_membership, stakeholder)
    _live(stakeholder)
    now = _now(now)
    today = timezone.localdate(now)
    assessed_on = assessed_on or today
    errors: dict[str, str] = {}
    if not isinstance(warmth, int) or not 1 <= warmth <= 5:
        errors["warmth"] = "Give their warmth from 1 (frosty) to 5 (warm)."
    if not isinstance(sway, int) or not 1 <= sway <= 5:
        errors["sway"] = "Give their sway from 1 (little) to 5 (decisive)."
    if assessed_on > today:
        errors["assessed_on"] = "The date of the assessment cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            stakeholder=stakeholder,
            warmth=warmth,
            sway=sway,
            assessed_on=assessed_on,
            assessed_by=actor_membership.user,
            recorded_at=now,
        )
        audited(
            actor_membership,
            "stakeholder.assessed",
            audit_ref(stakeholder),
            after={"warmth": warmth, "sway": sway, "assessed_on": assessed_on.isoformat()},
        )
    return assessment


# Key relationships -------------------------------------------------------------------------


def key_relationship_mark(
    *, actor_membership: Membership, stakeholder: Stakeholder, now: dt.datetime | None = None
) -> KeyRelationship:
    """Make the stakeholder one of the GP leader's own key relationships: theirs to keep
    warm. At most MOST_KEY_RELATIONSHIPS each in a collective; the error names them."""
    access.require_reader(actor_membership)
    if not access.may_own_key_relationships(actor_membership):
        raise PermissionDenied(
            "Only GP leaders own key relationships: convenors, and the representatives and "
            "deputies of the leadership group's members."
        )
    _live(stakeholder)
    with transaction.atomic():
        # One owner's marks one at a time, so two at once cannot make a sixth.
        Membership.objects.select_for_update().filter(pk=actor_membership.pk).first()
        mine = list(
            access.owns_key_relationship(actor_membership)
            .select_related("stakeholder__person", "stakeholder__organisation")
            .order_by("since", "id")
        )
        if any(k.stakeholder_id == stakeholder.pk for k in mine):
            raise ValidationError("They are already one of your key relationships.")
        if len(mine) >= MOST_KEY_RELATIONSHIPS:
            names = "; ".join(str(k.stakeholder) for k in mine)
            raise ValidationError(
                f"You already have {MOST_KEY_RELATIONSHIPS} key relationships, the most one "
                f"GP leader keeps: {names}. Unmark one of them first."
            )
        key = KeyRelationship.objects.create(
            collective_id=actor_membership.collective_id,
            stakeholder=stakeholder,
            owner=actor_membership.user,
            since=_now(now),
        )
        audited(
            actor_membership,
            "key_relationship.marked",
            audit_ref(stakeholder),
            after={"owner": actor_membership.user_id},
        )
    return key


def key_relationship_unmark(
    *, actor_membership: Membership, stakeholder: Stakeholder, owner: int | None = None
) -> None:
    """End a key relationship: the owner's own (the default), or anyone's by a convenor."""
    access.require_reader(actor_membership)
    owner = owner or actor_membership.user_id
    if owner != actor_membership.user_id and not actor_membership.is_convenor:
        raise PermissionDenied("Only its owner or a convenor ends a key relationship.")
    with transaction.atomic():
        deleted, _ = KeyRelationship.objects.filter(
            collective_id=actor_membership.collective_id, stakeholder=stakeholder, owner_id=owner
        ).delete()
        if not deleted:
            raise ValidationError("They are not a key relationship of that person.")
        audited(
            actor_membership,
            "key_relationship.unmarked",
            audit_ref(stakeholder),
            after={"owner": owner},
        )


# Notes --------------------------------------------------------------------------------------


def notes_read(*, membership: Membership, stakeholder: Stakeholder) -> None:
    """Record that someone read the stakeholder's notes (a page, the API or an export),
    unless they own a key relationship with them. Call it before showing the notes. The
    entry holds ids only: the stakeholder's, never their name or e-mail."""
    if access.is_owner(membership, stakeholder):
        return
    with transaction.atomic():
        audited(
            membership,
            "stakeholder.notes_read",
            audit_ref(stakeholder),
            after={"stakeholder": stakeholder.pk},
        )


def note_add(
    *,
    actor_membership: Membership,
    stakeholder: Stakeholder,
    text: str,
    now: dt.datetime | None = None,
) -> StakeholderNote:
    """A note about the stakeholder: personal data, seen only by the leadership group and
    the owners of a key relationship with them."""
    access.require_changes_stakeholder(actor_membership, stakeholder)
    _live(stakeholder)
    text = clean_text(text, "text", required=True)
    with transaction.atomic():
        note = StakeholderNote.objects.create(
            stakeholder=stakeholder, text=text, author=actor_membership.user, written_at=_now(now)
        )
        audited(
            actor_membership,
            "stakeholder_note.added",
            audit_ref(note),
            after={"stakeholder": stakeholder.pk},
        )
    return note


def note_keep(
    *, actor_membership: Membership, note: StakeholderNote, now: dt.datetime | None = None
) -> StakeholderNote:
    """Keep a note after review: it is not offered for review again for two years."""
    access.require_changes_stakeholder(actor_membership, note.stakeholder)
    with transaction.atomic():
        note.reviewed_at = _now(now)
        note.save(update_fields=["reviewed_at"])
        audited(
            actor_membership,
            "stakeholder_note.kept",
            audit_ref(note),
            after={"stakeholder": note.stakeholder_id},
        )
    return note


def note_delete(*, actor_membership: Membership, note: StakeholderNote) -> None:
    access.require_changes_stakeholder(actor_membership, note.stakeholder)
    with transaction.atomic():
        audited(
            actor_membership,
            "stakeholder_note.deleted",
            audit_ref(note),
            after={"stakeholder": note.stakeholder_id},
        )
        note.delete()


# Contact with them -------------------------------------------------------------------------


def needs_agenda(stakeholder: Stakeholder) -> bool:
    """Whether logging a contact now must say what we learned of their agenda: the first
    contact with someone who is a key relationship."""
    return (
        not has_had_contact(stakeholder)
        and KeyRelationship.objects.filter(stakeholder=stakeholder).exists()
    )


def contact_log(
    *,
    actor_membership: Membership,
    stakeholder: Stakeholder,
    mode: str,
    happened_at: dt.datetime,
    duration_minutes: int | None = None,
    organisation: int | None = None,
    agenda_learned: str = "",
) -> Contact:
    """Log a contact with the stakeholder in the collective's contact log
    (relationships.services.contact_add): their person and the one logging it take part,
    for `organisation` (a member organisation; the actor's own by default). On the first
    contact, what we learned of their agenda is kept on the stakeholder, and it must be
    given when they are someone's key relationship."""
    access.require_changes_stakeholder(actor_membership, stakeholder)
    _live(stakeholder)
    agenda_learned = clean_text(agenda_learned, "agenda_learned")
    first = not has_had_contact(stakeholder)
    errors: dict[str, str] = {}
    if first and not agenda_learned and needs_agenda(stakeholder):
        errors["agenda_learned"] = (
            "Say what we learned about their agenda: this is the first contact with a key "
            "relationship."
        )
    organisation = organisation or actor_membership.organisation_id
    if organisation is None:
        errors["organisation"] = "Choose the member organisation you were there for."
    if mode not in Mode.values:
        errors["mode"] = "Choose how you were in contact: e-mail, phone, video, in person or other."
    if errors:
        raise ValidationError(errors)
    person = Person.objects.get(pk=cast(int, stakeholder.person_id))
    with transaction.atomic():
        contact = contact_add(
            actor_membership=actor_membership,
            organisations=[cast(int, organisation)],
            mode=mode,
            happened_at=happened_at,
            duration_minutes=duration_minutes,
            participants=[actor_membership.user],
            people=[person],
        )
        learned = first and bool(agenda_learned)
        if learned:
            Stakeholder.objects.filter(pk=stakeholder.pk).update(agenda_learned=agenda_learned)
            stakeholder.agenda_learned = agenda_learned
        audited(
            actor_membership,
            "stakeholder.contact_logged",
            audit_ref(stakeholder),
            after={"contact": contact.pk, "first": first, "agenda_learned": learned},
        )
    return contact
