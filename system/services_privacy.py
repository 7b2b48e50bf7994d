"""Privacy: a stakeholder's subject access (everything held about them, read by the leadership
group and audited) and the erasure of their personal data.

Erasure removes what we learned of them and the traces of their name: their notes,
assessments, key relationships (and the nudges about them), their own priorities and the
overlaps marked with them, their role and agenda, their part in the contact log (the
ContactParticipant rows naming their directory person; the contacts stay), and the directory
record itself when it is the collective's own (a shared one is kept, unlinked). The
conversations before system meetings keep their stance, anonymised, so meeting outcomes
stand. The audit log is append-only, so its entries name the stakeholder by id alone.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collectives.models import Membership
from directory.models import Person
from relationships.models import ContactParticipant
from system import access
from system.models import (
    Assessment,
    KeyRelationship,
    Overlap,
    PrepConversation,
    Priority,
    PriorityOwner,
    Stakeholder,
    StakeholderNote,
)
from system.nudges import cold_nudges_forget
from system.selectors_privacy import SubjectAccess, subject_access
from system.services_common import audited
from system.services_stakeholders import audit_ref, notes_read

#: How a subject access export was taken, as the audit log records it.
VIA = ("page", "json", "api")


def subject_access_read(
    *, actor_membership: Membership, stakeholder: Stakeholder, via: str = "page"
) -> SubjectAccess:
    """Everything held about the stakeholder, for the leadership group. Every read is
    audited (ids only), as a read of their notes too."""
    access.require_leadership(actor_membership)
    if via not in VIA:
        raise ValueError(f"Unknown way of reading: {via}")
    with transaction.atomic():
        notes_read(membership=actor_membership, stakeholder=stakeholder)
        audited(
            actor_membership,
            "stakeholder.subject_access_read",
            audit_ref(stakeholder),
            after={"stakeholder": stakeholder.pk, "via": via},
        )
    return subject_access(stakeholder)


def stakeholder_erase(
    *, actor_membership: Membership, stakeholder: Stakeholder, now: dt.datetime | None = None
) -> Stakeholder:
    """Erase the stakeholder's personal data (see the module's docstring): the leadership
    group only, once. The audit entry holds ids and counts, never a name or an e-mail."""
    access.require_leadership(actor_membership)
    now = now or timezone.now()
    collective_id = actor_membership.collective_id
    with transaction.atomic():
        found = (
            Stakeholder.objects.select_for_update()
            .filter(pk=stakeholder.pk, collective_id=collective_id)
            .first()
        )
        if found is None or found.erased_at is not None:
            raise ValidationError("Their personal data has already been erased.")
        person = (
            Person.objects.filter(pk=found.person_id).only("pk", "owner_id").first()
            if found.person_id
            else None
        )
        notes, _ = StakeholderNote.objects.filter(stakeholder=found).delete()
        assessments, _ = Assessment.objects.filter(stakeholder=found).delete()
        key_ids = list(
            KeyRelationship.objects.filter(stakeholder=found).values_list("pk", flat=True)
        )
        nudges = cold_nudges_forget(collective_id=collective_id, key_relationship_ids=key_ids)
        KeyRelationship.objects.filter(pk__in=key_ids).delete()
        theirs = Priority.objects.filter(stakeholder=found, whose=PriorityOwner.STAKEHOLDER)
        overlaps, _ = Overlap.objects.filter(ours__in=theirs).delete()
        more, _ = Overlap.objects.filter(theirs__in=theirs).delete()
        priorities, _ = Priority.objects.filter(stakeholder=found).delete()
        conversations = PrepConversation.objects.filter(stakeholder=found).update(stakeholder=None)
        participants = 0
        person_id, person_deleted = (person.pk if person is not None else None), False
        if person is not None:
            participants, _ = ContactParticipant.objects.filter(
                person_id=person.pk, contact__collective_id=collective_id
            ).delete()
            if person.owner_id == collective_id:
                Stakeholder.objects.filter(pk=found.pk).update(person=None)
                person.delete()
                person_deleted = True
        found.person = None
        found.role = ""
        found.agenda_learned = ""
        found.erased_at = now
        found.save(update_fields=["person", "role", "agenda_learned", "erased_at"])
        audited(
            actor_membership,
            "stakeholder.erased",
            audit_ref(found),
            after={
                "stakeholder": found.pk,
                "person": person_id,
                "person_deleted": person_deleted,
                "notes": notes,
                "assessments": assessments,
                "key_relationships": len(key_ids),
                "nudges": nudges,
                "priorities": priorities,
                "overlaps": overlaps + more,
                "contact_participants": participants,
                "conversations_anonymised": conversations,
            },
        )
    return found
