"""Reads for stakeholders, their assessments, key relationships, notes and the contact log,
each in a fixed number of queries however many stakeholders, assessments and contacts the
collective has.

Who may read is system.access (stakeholders_in, get_stakeholder): these take a membership
or a stakeholder already checked. `current_assessments` and `last_contacts` take a
collective's id: they are the public reads the coverage, the grid and the cold-relationship
nudges build on, and show nothing by themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from collectives.models import CollectiveOrganisation, Membership
from directory.models import Organisation, OrganisationKind, Person
from directory.selectors import organisations_matching, organisations_open_to, people_seen_by
from relationships.models import Contact, ContactParticipant
from system import access
from system.models import (
    MOST_KEY_RELATIONSHIPS,
    Assessment,
    KeyRelationship,
    Stakeholder,
    StakeholderNote,
)

#: Warmth, 1 to 5: how approachable they are, how willing to listen to us.
WARMTH_LABELS = {
    1: "Frosty",
    2: "Cool",
    3: "Neutral",
    4: "Friendly",
    5: "Warm: approachable and willing to listen",
}
#: Sway, 1 to 5: how far their word turns into action inside their organisation.
SWAY_LABELS = {
    1: "Little: their word rarely turns into action",
    2: "Some",
    3: "Real: what they back often happens",
    4: "Strong",
    5: "Decisive: what they back happens",
}
#: Organisations a stakeholder is not picked from: general practice's own.
NOT_SYSTEM_KINDS = (OrganisationKind.PRACTICE, OrganisationKind.PCN)
#: The organisations shown for one search when adding a stakeholder.
ORGANISATION_RESULTS = 25
#: A note older than this (and not kept since) is offered for review.
NOTE_REVIEW_YEARS = 2
#: Contacts listed on a stakeholder's page.
RECENT_CONTACTS = 10


def two_years_before(now: dt.datetime) -> dt.datetime:
    """The same moment NOTE_REVIEW_YEARS years earlier (29 February becomes 28)."""
    try:
        return now.replace(year=now.year - NOTE_REVIEW_YEARS)
    except ValueError:
        return now.replace(year=now.year - NOTE_REVIEW_YEARS, day=28)


def note_due_for_review(note: StakeholderNote, now: dt.datetime) -> bool:
    """Written more than two years ago, and not kept (reviewed) within the last two."""
    cut = two_years_before(now)
    return note.written_at < cut and (note.reviewed_at is None or note.reviewed_at < cut)


def movement(current: Assessment, previous: Assessment | None) -> str:
    """What changed since the previous assessment: "warmth 3 → 4", "warmth 3 → 4, sway 2 →
    1", "no change", or "first assessment" when there is none before it."""
    if previous is None:
        return "first assessment"
    parts = [
        f"{what} {before} → {after}"
        for what, before, after in (
            ("warmth", previous.warmth, current.warmth),
            ("sway", previous.sway, current.sway),
        )
        if before != after
    ]
    return ", ".join(parts) or "no change"


def visible_stakeholders(membership: Membership) -> QuerySet[Stakeholder]:
    """The stakeholders the member may see (system.access), not erased."""
    return access.stakeholders_in(membership).filter(erased_at__isnull=True)


def stakeholder_list(
    membership: Membership, *, q: str = "", organisation: int | None = None
) -> QuerySet[Stakeholder]:
    """The stakeholders the member may see, by name, with their organisation and the owners
    of key relationships with them; searched by name, job title, role and organisation."""
    found = (
        visible_stakeholders(membership)
        .select_related("person", "organisation")
        .prefetch_related(
            Prefetch(
                "key_relationships",
                queryset=KeyRelationship.objects.select_related("owner").order_by("since", "id"),
            )
        )
        .order_by("person__name", "pk")
    )
    q = q.strip()
    if q:
        found = found.filter(
            Q(person__name__icontains=q)
            | Q(person__job_title__icontains=q)
            | Q(role__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    if organisation is not None:
        found = found.filter(organisation_id=organisation)
    return found


def organisations_of_stakeholders(membership: Membership) -> list[Organisation]:
    """The organisations of the stakeholders the member sees, by name: the list's filter."""
    ids = visible_stakeholders(membership).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


def current_assessments(
    collective_id: int, among: Iterable[int] | None = None
) -> dict[int, tuple[Assessment, Assessment | None]]:
    """{stakeholder id: (their current assessment, the one before it or None)} for every
    assessed stakeholder of the collective (or those `among`), in one query: the two newest
    assessments of each, numbered in the database."""
    rows = Assessment.objects.filter(
        stakeholder__collective_id=collective_id, stakeholder__erased_at__isnull=True
    )
    if among is not None:
        rows = rows.filter(stakeholder_id__in=list(among))
    ranked = rows.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("stakeholder_id")],
            order_by=[F("assessed_on").desc(), F("id").desc()],
        )
    ).filter(rank__lte=2)
    found: dict[int, list[Assessment]] = {}
    for assessment in ranked.select_related("assessed_by").order_by("stakeholder_id", "rank"):
        found.setdefault(assessment.stakeholder_id, []).append(assessment)
    return {pk: (pair[0], pair[1] if len(pair) > 1 else None) for pk, pair in found.items()}


def last_contacts(collective_id: int) -> dict[int, dt.datetime]:
    """{stakeholder id: when the latest contact in the collective's log that their person
    took part in happened}, for each stakeholder with one; one query."""
    latest = (
        ContactParticipant.objects.filter(
            person_id=OuterRef("person_id"), contact__collective_id=collective_id
        )
        .order_by("-contact__happened_at")
        .values("contact__happened_at")[:1]
    )
    rows = (
        Stakeholder.objects.filter(
            collective_id=collective_id, person__isnull=False, erased_at__isnull=True
        )
        .annotate(last=Subquery(latest))
        .filter(last__isnull=False)
        .values_list("pk", "last")
    )
    return dict(rows)


def has_had_contact(stakeholder: Stakeholder) -> bool:
    """Whether the collective's contact log has a contact their person took part in."""
    if stakeholder.person_id is None:
        return False
    return ContactParticipant.objects.filter(
        person_id=stakeholder.person_id, contact__collective_id=stakeholder.collective_id
    ).exists()


def recent_contacts(stakeholder: Stakeholder, limit: int = RECENT_CONTACTS) -> list[Contact]:
    """The latest contacts their person took part in, newest first, with who logged them."""
    if stakeholder.person_id is None:
        return []
    return list(
        Contact.objects.filter(
            collective_id=stakeholder.collective_id,
            pk__in=ContactParticipant.objects.filter(person_id=stakeholder.person_id).values(
                "contact_id"
            ),
        )
        .select_related("recorded_by")
        .order_by("-happened_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class HistoryRow:
    assessment: Assessment
    movement: str

    @property
    def warmth_label(self) -> str:
        return WARMTH_LABELS[self.assessment.warmth]

    @property
    def sway_label(self) -> str:
        return SWAY_LABELS[self.assessment.sway]


def assessment_history(stakeholder: Stakeholder) -> list[HistoryRow]:
    """Every assessment, newest first, each with its movement since the one before; one
    query."""
    found = list(
        Assessment.objects.filter(stakeholder=stakeholder)
        .select_related("assessed_by")
        .order_by("-assessed_on", "-id")
    )
    return [
        HistoryRow(a, movement(a, found[n + 1] if n + 1 < len(found) else None))
        for n, a in enumerate(found)
    ]


def key_relationships_of(stakeholder: Stakeholder) -> list[KeyRelationship]:
    """The key relationships with the stakeholder, oldest first, with their owners."""
    return list(
        KeyRelationship.objects.filter(stakeholder=stakeholder)
        .select_related("owner")
        .order_by("since", "id")
    )


def my_key_relationships(membership: Membership) -> list[KeyRelationship]:
    """The member's own key relationships in the collective, with the stakeholder."""
    return list(
        KeyRelationship.objects.filter(
            collective_id=membership.collective_id,
            owner_id=membership.user_id,
            stakeholder__erased_at__isnull=True,
        )
        .select_related("stakeholder__person", "stakeholder__organisation")
        .order_by("since", "id")[: MOST_KEY_RELATIONSHIPS * 2]
    )


@dataclass(frozen=True)
class NoteRow:
    note: StakeholderNote
    due_for_review: bool


def notes_of(stakeholder: Stakeholder, now: dt.datetime) -> list[NoteRow]:
    """The stakeholder's notes, newest first, each flagged when due for review. Callers
    record the read first (services_stakeholders.notes_read)."""
    return [
        NoteRow(note, note_due_for_review(note, now))
        for note in StakeholderNote.objects.filter(stakeholder=stakeholder)
        .select_related("author")
        .order_by("-written_at", "-id")
    ]


def get_note(stakeholder: Stakeholder, pk: int) -> StakeholderNote | None:
    return StakeholderNote.objects.filter(stakeholder=stakeholder, pk=pk).first()


# Adding a stakeholder ----------------------------------------------------------------------


def organisations_to_pick(collective_id: int, q: str) -> list[Organisation]:
    """The system organisations a stakeholder may be picked from whose name or ODS code
    matches: shared directory data and the collective's own organisations (never another
    collective's), not practices or PCNs; at most ORGANISATION_RESULTS."""
    if not q.strip():
        return []
    within = organisations_open_to(collective_id=collective_id).exclude(kind__in=NOT_SYSTEM_KINDS)
    return list(organisations_matching(within=within, query=q)[:ORGANISATION_RESULTS])


def own_organisations(collective_id: int) -> list[Organisation]:
    """The organisations the collective added by hand, not practices or PCNs, by name."""
    return list(
        Organisation.objects.filter(owner_id=collective_id)
        .exclude(kind__in=NOT_SYSTEM_KINDS)
        .order_by("name", "pk")
    )


def organisation_to_pick(collective_id: int, pk: int) -> Organisation | None:
    """An organisation a stakeholder may be in: shared data or the collective's own."""
    return (
        organisations_open_to(collective_id=collective_id)
        .exclude(kind__in=NOT_SYSTEM_KINDS)
        .filter(pk=pk)
        .first()
    )


def people_known_to(collective_id: int) -> QuerySet[Person]:
    """The people the collective sees (directory.selectors.people_seen_by: the shared people
    of its member organisations and its own) and its own people anywhere: those it added as
    stakeholders in system organisations."""
    return Person.objects.filter(
        Q(pk__in=people_seen_by(collective_id=collective_id).values("pk"))
        | Q(owner_id=collective_id)
    )


def people_to_pick(collective_id: int, organisation_id: int) -> list[Person]:
    """The people known to the collective at the organisation who are not yet stakeholders."""
    taken = Stakeholder.objects.filter(collective_id=collective_id, person__isnull=False).values(
        "person_id"
    )
    return list(
        people_known_to(collective_id)
        .filter(organisation_id=organisation_id)
        .exclude(pk__in=taken)
        .order_by("name", "pk")
    )


def member_organisations(collective_id: int) -> list[Organisation]:
    """The collective's member organisations by name: whom a contact is logged for."""
    return [
        row.organisation
        for row in CollectiveOrganisation.objects.filter(collective_id=collective_id)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    ]
