"""Reads for privacy: everything held about one stakeholder (subject access), what erasing
them would remove and keep, and the notes due for review. Each in a fixed number of queries,
however many notes, assessments, contacts and meetings there are.

Who may read is decided before these are called (system.access.require_leadership, then
get_stakeholder): these take a stakeholder already checked, or a membership already checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from collectives.models import Membership
from directory.models import Person
from relationships.models import Contact, ContactParticipant
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
from system.selectors_stakeholders import two_years_before


@dataclass(frozen=True)
class SubjectAccess:
    """Everything the collective holds about one stakeholder."""

    stakeholder: Stakeholder
    person: Person | None
    notes: list[StakeholderNote]
    assessments: list[Assessment]
    key_relationships: list[KeyRelationship]
    priorities: list[Priority]
    overlaps: list[Overlap]
    conversations: list[PrepConversation]
    contacts: list[Contact]


def _their_contacts(stakeholder: Stakeholder) -> QuerySet[Contact]:
    """The collective's logged contacts their person took part in."""
    return Contact.objects.filter(
        collective_id=stakeholder.collective_id,
        pk__in=ContactParticipant.objects.filter(person_id=stakeholder.person_id or 0).values(
            "contact_id"
        ),
    )


def _their_overlaps(stakeholder: Stakeholder) -> QuerySet[Overlap]:
    return Overlap.objects.filter(
        Q(theirs__stakeholder=stakeholder) | Q(ours__stakeholder=stakeholder)
    )


def subject_access(stakeholder: Stakeholder) -> SubjectAccess:
    """Everything held about the stakeholder (eight queries): their person, role and agenda
    as learned, every note, every assessment, the key relationships with them and their
    owners, their own priorities and where ours meet them, the conversations before system
    meetings with them (item, meeting, stance), and the logged contacts they were in."""
    person = (
        Person.objects.select_related("organisation").filter(pk=stakeholder.person_id).first()
        if stakeholder.person_id
        else None
    )
    return SubjectAccess(
        stakeholder=stakeholder,
        person=person,
        notes=list(
            StakeholderNote.objects.filter(stakeholder=stakeholder)
            .select_related("author")
            .order_by("-written_at", "-id")
        ),
        assessments=list(
            Assessment.objects.filter(stakeholder=stakeholder)
            .select_related("assessed_by")
            .order_by("-assessed_on", "-id")
        ),
        key_relationships=list(
            KeyRelationship.objects.filter(stakeholder=stakeholder)
            .select_related("owner")
            .order_by("since", "id")
        ),
        priorities=list(
            Priority.objects.filter(stakeholder=stakeholder, whose=PriorityOwner.STAKEHOLDER)
            .select_related("added_by")
            .order_by("added_at", "id")
        ),
        overlaps=list(
            _their_overlaps(stakeholder)
            .select_related("ours", "theirs", "marked_by")
            .order_by("marked_at", "id")
        ),
        conversations=list(
            PrepConversation.objects.filter(stakeholder=stakeholder)
            .select_related("item__meeting__series", "by")
            .order_by("item__meeting__starts_at", "id")
        ),
        contacts=list(
            _their_contacts(stakeholder)
            .select_related("recorded_by")
            .order_by("-happened_at", "-id")
        ),
    )


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _who(user: Any) -> str | None:
    return user.display_name if user is not None else None


def subject_access_data(found: SubjectAccess) -> dict[str, Any]:
    """The subject access export as JSON-ready data: what the page shows, whole."""
    s, person = found.stakeholder, found.person
    return {
        "stakeholder": s.pk,
        "person": None
        if person is None
        else {
            "name": person.name,
            "job_title": person.job_title,
            "email": person.email,
            "phone": person.phone,
            "organisation": person.organisation.name,
            "kept_by": "this collective" if person.owner_id else "the shared directory",
        },
        "organisation": s.organisation.name,
        "role": s.role,
        "agenda_learned": s.agenda_learned,
        "added_at": _when(s.added_at),
        "notes": [
            {
                "written_at": _when(n.written_at),
                "author": _who(n.author),
                "text": n.text,
                "reviewed_at": _when(n.reviewed_at),
            }
            for n in found.notes
        ],
        "assessments": [
            {
                "assessed_on": _when(a.assessed_on),
                "warmth": a.warmth,
                "sway": a.sway,
                "assessed_by": _who(a.assessed_by),
            }
            for a in found.assessments
        ],
        "key_relationships": [
            {"owner": _who(k.owner), "since": _when(k.since)} for k in found.key_relationships
        ],
        "priorities": [
            {"text": p.text, "added_at": _when(p.added_at), "added_by": _who(p.added_by)}
            for p in found.priorities
        ],
        "overlaps": [
            {
                "ours": o.ours.text,
                "theirs": o.theirs.text,
                "note": o.note,
                "marked_by": _who(o.marked_by),
                "marked_at": _when(o.marked_at),
            }
            for o in found.overlaps
        ],
        "conversations": [
            {
                "item": c.item.title,
                "meeting": c.item.meeting.series.name,
                "meeting_starts_at": _when(c.item.meeting.starts_at),
                "stance": c.stance,
                "stance_label": c.get_stance_display(),
                "by": _who(c.by),
                "done": c.done,
            }
            for c in found.conversations
        ],
        "contacts": [
            {
                "happened_at": _when(c.happened_at),
                "mode": c.mode,
                "mode_label": c.get_mode_display(),
                "duration_minutes": c.duration_minutes,
                "note": c.note,
                "recorded_by": _who(c.recorded_by),
            }
            for c in found.contacts
        ],
    }


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing a stakeholder removes, and what it keeps (anonymised)."""

    notes: int
    assessments: int
    owners: list[str]
    priorities: int
    overlaps: int
    contacts: int
    conversations: int
    person_deleted: bool  # the collective's own directory record goes; a shared one stays


def erasure_preview(stakeholder: Stakeholder) -> ErasurePreview:
    """The counts the erasure page names (six queries)."""
    return ErasurePreview(
        notes=StakeholderNote.objects.filter(stakeholder=stakeholder).count(),
        assessments=Assessment.objects.filter(stakeholder=stakeholder).count(),
        owners=[
            k.owner.display_name
            for k in KeyRelationship.objects.filter(stakeholder=stakeholder)
            .select_related("owner")
            .order_by("since", "id")
        ],
        priorities=Priority.objects.filter(
            stakeholder=stakeholder, whose=PriorityOwner.STAKEHOLDER
        ).count(),
        overlaps=_their_overlaps(stakeholder).count(),
        contacts=_their_contacts(stakeholder).count(),
        conversations=PrepConversation.objects.filter(stakeholder=stakeholder).count(),
        person_deleted=stakeholder.person is not None
        and stakeholder.person.owner_id == stakeholder.collective_id,
    )


# Notes due for review ------------------------------------------------------------------------


def _due(now: dt.datetime) -> Q:
    """A note written more than two years ago and not kept (reviewed) within the last two."""
    cut = two_years_before(now)
    return Q(notes__written_at__lt=cut) & (
        Q(notes__reviewed_at__isnull=True) | Q(notes__reviewed_at__lt=cut)
    )


def stakeholders_with_notes_due(
    membership: Membership, *, now: dt.datetime, q: str = ""
) -> QuerySet[Stakeholder]:
    """The stakeholders (not erased) with notes due for review, the longest-waiting first,
    each with `due` (how many notes) and `oldest` (when the oldest was written); searched by
    name, role and organisation. The leadership group only."""
    access.require_leadership(membership)
    due = _due(now)
    found = (
        Stakeholder.objects.filter(collective_id=membership.collective_id, erased_at__isnull=True)
        .annotate(due=Count("notes", filter=due), oldest=Min("notes__written_at", filter=due))
        .filter(due__gt=0)
        .select_related("person", "organisation")
        .order_by("oldest", "pk")
    )
    q = q.strip()
    if q:
        found = found.filter(
            Q(person__name__icontains=q) | Q(role__icontains=q) | Q(organisation__name__icontains=q)
        )
    return found


def notes_due_count(membership: Membership, *, now: dt.datetime) -> int:
    """How many notes in the collective are due for review (one query)."""
    access.require_leadership(membership)
    cut = two_years_before(now)
    return (
        StakeholderNote.objects.filter(
            stakeholder__collective_id=membership.collective_id,
            stakeholder__erased_at__isnull=True,
            written_at__lt=cut,
        )
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=cut))
        .count()
    )
