"""Reads for coverage, the warmth × sway grid and the key organisations: the facts loaded in
a fixed number of queries, whatever the number of stakeholders, assessments or contacts,
and handed to the pure rules in system.coverage.

The queries: the key organisations set (1), the organisations the collective's stakeholders
are at (1), the stakeholders the member sees with their people and organisations (1, after
system.access's own checks), each one's newest two assessments (1, a window function) and
the key relationships with their owners (1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from collectives.models import Membership
from directory.models import Organisation, OrganisationKind
from directory.selectors import organisations_matching, organisations_visible_to
from system import access
from system import coverage as rules
from system.models import Assessment, KeyOrganisation, KeyRelationship, Stakeholder

#: Kinds that are general practice's own, never a key *system* organisation.
GENERAL_PRACTICE_KINDS = (
    OrganisationKind.PRACTICE,
    OrganisationKind.PCN,
    OrganisationKind.FEDERATION,
    OrganisationKind.LMC,
)
#: The most organisations a search for a key organisation lists.
CANDIDATES_SHOWN = 20


def stakeholder_name(stakeholder: Stakeholder) -> str:
    if stakeholder.erased_at is not None or stakeholder.person is None:
        return "An erased stakeholder"
    return stakeholder.person.name


def stakeholder_role(stakeholder: Stakeholder) -> str:
    if stakeholder.role:
        return stakeholder.role
    return stakeholder.person.job_title if stakeholder.person is not None else ""


class Place(NamedTuple):
    """An organisation where someone is known, for the grid's filter."""

    pk: int
    name: str


@dataclass
class People:
    """The stakeholders a member sees, as coverage sees them."""

    known: list[rules.Known]
    #: False for an owner outside the leadership group, who sees only their own stakeholders.
    everyone: bool
    #: The organisations they are at, by id (for the grid's filter).
    organisations: dict[int, Place] = field(default_factory=dict)


def readings(collective_id: int) -> dict[int, tuple[rules.Reading, rules.Reading | None]]:
    """{stakeholder id: (current reading, the one before or None)} for every assessed
    stakeholder of the collective, in one query (the two newest of each, numbered in the
    database). As system.selectors_stakeholders.current_assessments, but plain values: the
    coverage page reads hundreds of them and needs no model instances."""
    rows = (
        Assessment.objects.filter(
            stakeholder__collective_id=collective_id, stakeholder__erased_at__isnull=True
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stakeholder_id")],
                order_by=[F("assessed_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .order_by("stakeholder_id", "rank")
        .values_list("stakeholder_id", "warmth", "sway", "assessed_on")
    )
    found: dict[int, tuple[rules.Reading, rules.Reading | None]] = {}
    for pk, warmth, sway, on in rows:
        reading = rules.Reading(warmth, sway, on)
        if pk in found:
            found[pk] = (found[pk][0], reading)
        else:
            found[pk] = (reading, None)
    return found


def known_people(membership: Membership) -> People:
    """Every stakeholder the member may see (erased ones left out), with their newest two
    assessments and the owners of key relationships with them: three queries after the
    access checks, of plain values (no model instances: the page reads hundreds)."""
    visible = access.stakeholders_in(membership).filter(erased_at__isnull=True)
    everyone = access.is_leadership(membership)
    stakeholders = visible.order_by("pk").values_list(
        "pk",
        "role",
        "person__name",
        "person__job_title",
        "organisation_id",
        "organisation__name",
    )
    assessed = readings(membership.collective_id)
    owners: dict[int, list[str]] = {}
    for stakeholder_id, full_name, email in (
        KeyRelationship.objects.filter(
            collective_id=membership.collective_id, stakeholder__in=visible.values("pk")
        )
        .order_by("since", "pk")
        .values_list("stakeholder_id", "owner__full_name", "owner__email")
    ):
        owners.setdefault(stakeholder_id, []).append(full_name or email)
    known = []
    places: dict[int, Place] = {}
    for pk, role, name, job_title, organisation_id, organisation_name in stakeholders:
        current, previous = assessed.get(pk, (None, None))
        known.append(
            rules.Known(
                stakeholder_id=pk,
                name=name if name is not None else "An erased stakeholder",
                role=role or job_title or "",
                organisation_id=organisation_id,
                organisation_name=organisation_name,
                current=current,
                previous=previous,
                owners=tuple(owners.get(pk, ())),
            )
        )
        places[organisation_id] = Place(organisation_id, organisation_name)
    return People(known, everyone, places)


# Key organisations ------------------------------------------------------------------------


@dataclass
class KeyOrganisations:
    """The collective's key organisations: those a convenor set, in order, or (none set)
    the defaults, one slot per kind filled by the stakeholders' organisations."""

    chosen: list[Organisation]
    slots: list[rules.Slot]

    @property
    def is_default(self) -> bool:
        return not self.chosen


def stakeholder_organisations(collective_id: int) -> list[tuple[int, str, str]]:
    """(id, name, kind) of every organisation where the collective knows someone: one query.
    Organisation names are no one's personal data, so the defaults are the same for all."""
    return list(
        Organisation.objects.filter(
            pk__in=Stakeholder.objects.filter(
                collective_id=collective_id, erased_at__isnull=True
            ).values("organisation_id")
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "kind")
    )


def key_organisations(collective_id: int) -> KeyOrganisations:
    """Two queries. Nothing is written: the defaults are worked out each time."""
    chosen = [
        key.organisation
        for key in KeyOrganisation.objects.filter(collective_id=collective_id).select_related(
            "organisation"
        )
    ]
    if chosen:
        slots = [rules.Slot(o.kind, o.pk, o.name) for o in chosen]
    else:
        slots = rules.default_slots(stakeholder_organisations(collective_id))
    return KeyOrganisations(chosen, slots)


def key_organisation_candidates(membership: Membership, q: str) -> list[Organisation]:
    """Organisations a convenor may add as key ones (in the directory they see, not general
    practice's own, not already key) matching the search: one query, at most 20."""
    if not q.strip():
        return []
    within = (
        organisations_visible_to(user=membership.user)
        .exclude(kind__in=GENERAL_PRACTICE_KINDS)
        .exclude(
            pk__in=KeyOrganisation.objects.filter(collective_id=membership.collective_id).values(
                "organisation_id"
            )
        )
    )
    return list(organisations_matching(within=within, query=q)[:CANDIDATES_SHOWN])


# Coverage ---------------------------------------------------------------------------------


@dataclass
class CoverageView:
    rows: list[rules.OrganisationCoverage]
    is_default: bool
    everyone: bool  # False: an owner outside the leadership group, who sees only their own

    @property
    def gaps(self) -> list[rules.OrganisationCoverage]:
        return [row for row in self.rows if row.is_gap]


def coverage_for(membership: Membership) -> CoverageView:
    people = known_people(membership)
    keys = key_organisations(membership.collective_id)
    return CoverageView(rules.coverage(keys.slots, people.known), keys.is_default, people.everyone)


def _joined(items: Iterable[str]) -> str:
    return "; ".join(item for item in items if item)


def _owned(person: rules.Known) -> str:
    return f"{' and '.join(person.owners)} with {person.label}"


def coverage_export_rows(view: CoverageView) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "Key organisation",
            "Kind",
            "Status",
            "Covered by",
            "Other key relationships there",
            "People known there, best first",
            "Worth a look",
            "What it means",
        ]
    ]
    kinds = dict(OrganisationKind.choices)
    for row in view.rows:
        rows.append(
            [
                row.slot.organisation_name or "Not known yet",
                kinds.get(row.slot.kind, row.slot.kind),
                rules.STATUS_NAMES[row.status],
                _joined(_owned(p) for p in row.covered_by),
                _joined(f"{_owned(p)}: {why}" for p, why in row.not_covering),
                _joined(f"{s.person.label} ({_scores(s.person)})" for s in row.suggestions),
                _joined(s.worth_more for s in row.suggestions),
                row.message,
            ]
        )
    return rows


def _scores(person: rules.Known) -> str:
    reading = person.current
    if reading is None:
        return "not assessed"
    return f"warmth {reading.warmth}, sway {reading.sway}"


# The grid ---------------------------------------------------------------------------------


@dataclass
class GridView:
    grid: rules.Grid
    everyone: bool
    known: list[rules.Known]  # everyone the member sees, before any search
    organisations: list[Place]  # where the member sees someone, for the filter

    @property
    def total(self) -> int:
        return len(self.known)


def _matches(person: rules.Known, q: str) -> bool:
    text = q.casefold()
    return any(
        text in value.casefold()
        for value in (person.name, person.role, person.organisation_name, *person.owners)
    )


def grid_for(membership: Membership) -> GridView:
    """Everyone the member sees on the grid: three queries after the access checks."""
    people = known_people(membership)
    organisations = sorted(people.organisations.values(), key=lambda o: (o.name.casefold(), o.pk))
    return GridView(rules.grid(people.known), people.everyone, people.known, organisations)


def filtered_grid(view: GridView, *, q: str = "", organisation: int | None = None) -> GridView:
    """The grid of those matching a search (name, role, organisation or owner) and at an
    organisation; no query."""
    chosen = [
        p
        for p in view.known
        if (not q.strip() or _matches(p, q.strip()))
        and (organisation is None or p.organisation_id == organisation)
    ]
    return GridView(rules.grid(chosen), view.everyone, view.known, view.organisations)


def grid_export_rows(view: GridView) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "Name",
            "Role",
            "Organisation",
            "Warmth",
            "Sway",
            "Assessed on",
            "Quadrant",
            "Movement since the assessment before",
            "Key relationship owners",
        ]
    ]
    for placed in view.grid.placements:
        person, reading = placed.person, placed.person.current
        rows.append(
            [
                person.name,
                person.role,
                person.organisation_name,
                reading.warmth if reading else "",
                reading.sway if reading else "",
                reading.on if reading else "",
                rules.QUADRANT_NAMES[placed.quadrant] if placed.quadrant else "Not assessed yet",
                placed.movement_words,
                _joined(person.owners),
            ]
        )
    return rows
