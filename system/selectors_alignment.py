"""Reads for agenda alignment: our priorities, the system organisations with theirs, and one
organisation's page ("Where our agendas meet"). Each in a fixed number of queries; who sees
what is system.access (a stakeholder's own priorities only for the leadership
group and the owners of a key relationship with them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from collectives.models import Membership
from decisions.models import Decision
from decisions.selectors import decisions_for_collective
from directory.models import Organisation
from system import access
from system.models import Overlap, Priority, PriorityOwner, Stakeholder
from system.selectors_coverage import stakeholder_name, stakeholder_role


def our_priorities(membership: Membership) -> list[Priority]:
    """The collective's own priorities, oldest first, with their decisions: one query."""
    return list(
        access.priorities_in(membership)
        .filter(whose=PriorityOwner.COLLECTIVE)
        .select_related("decision", "added_by")
        .order_by("added_at", "pk")
    )


def decisions_to_link(membership: Membership) -> list[Decision]:
    """The collective's decisions, newest first, for linking our priorities to: one query."""
    return list(decisions_for_collective(collective=membership.collective).order_by("-pk"))


def _where(whose: str, organisation: int | None, stakeholders_organisation: int | None) -> int:
    """The organisation a priority of theirs is at: its own, or its stakeholder's."""
    found = organisation if whose == PriorityOwner.ORGANISATION else stakeholders_organisation
    return found or 0


@dataclass
class OrganisationRow:
    organisation: Organisation
    priorities: int  # theirs: the organisation's and its stakeholders'
    overlaps: int


@dataclass
class AlignmentView:
    ours: list[Priority]
    overlaps_of_ours: Counter[int]  # our priority's id -> how many of theirs it meets
    organisations: QuerySet[Organisation]  # to page through
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # org id -> (theirs, overlaps)

    def rows(self, page: Any) -> list[OrganisationRow]:
        return [OrganisationRow(o, *self.counts.get(o.pk, (0, 0))) for o in page]


def alignment_overview(membership: Membership, *, q: str = "") -> AlignmentView:
    """Our priorities and the system organisations with how many priorities and overlaps
    each has: four queries, and the page of organisations the view takes."""
    ours = our_priorities(membership)
    theirs = (
        access.priorities_in(membership)
        .exclude(whose=PriorityOwner.COLLECTIVE)
        .values_list("whose", "organisation_id", "stakeholder__organisation_id")
    )
    overlaps = access.overlaps_in(membership).values_list(
        "ours_id",
        "theirs__whose",
        "theirs__organisation_id",
        "theirs__stakeholder__organisation_id",
    )
    priorities: Counter[int] = Counter()
    for whose, organisation, stakeholders_organisation in theirs:
        priorities[_where(whose, organisation, stakeholders_organisation)] += 1
    met: Counter[int] = Counter()
    of_ours: Counter[int] = Counter()
    for ours_id, whose, organisation, stakeholders_organisation in overlaps:
        of_ours[ours_id] += 1
        met[_where(whose, organisation, stakeholders_organisation)] += 1
    organisations = access.system_organisations_in(membership)
    if q.strip():
        organisations = organisations.filter(name__icontains=q.strip())
    counts = {pk: (priorities[pk], met[pk]) for pk in {*priorities, *met}}
    return AlignmentView(ours, of_ours, organisations.order_by("name", "pk"), counts)


@dataclass
class StakeholderPriorities:
    stakeholder: Stakeholder
    name: str
    role: str
    priorities: list[Priority]
    can_change: bool


@dataclass
class AgendaView:
    """One organisation's page: where our agendas meet."""

    organisation: Organisation
    ours: list[Priority]
    organisations: list[Priority]  # the organisation's own priorities
    stakeholders: list[StakeholderPriorities]  # each stakeholder seen there, with theirs
    overlaps: list[Overlap]
    can_change_organisation: bool  # the leadership group: the organisation's priorities

    @property
    def theirs(self) -> list[Priority]:
        return [*self.organisations, *(p for s in self.stakeholders for p in s.priorities)]

    def may_change(self, priority: Priority) -> bool:
        """Whether the member may delete this priority of theirs, or mark an overlap with it."""
        if priority.whose == PriorityOwner.ORGANISATION:
            return self.can_change_organisation
        return any(
            s.can_change for s in self.stakeholders if s.stakeholder.pk == priority.stakeholder_id
        )

    def markable(self) -> list[Priority]:
        return [p for p in self.theirs if self.may_change(p)]

    def whose(self, priority: Priority) -> str:
        """Whose priority it is, in words: the organisation's name or the stakeholder's."""
        if priority.whose == PriorityOwner.STAKEHOLDER and priority.stakeholder is not None:
            stakeholder = priority.stakeholder
            role = stakeholder_role(stakeholder)
            name = stakeholder_name(stakeholder)
            return f"{name}, {role}" if role else name
        return self.organisation.name


def organisation_agenda(membership: Membership, organisation: Organisation) -> AgendaView:
    """Our priorities, the organisation's and its stakeholders' (those the member sees), and
    the overlaps between them: four queries after the access checks."""
    leadership = access.is_leadership(membership)
    ours = our_priorities(membership)
    stakeholders = list(
        access.stakeholders_in(membership)
        .filter(organisation=organisation, erased_at__isnull=True)
        .select_related("person", "organisation")
        .order_by("person__name", "pk")
    )
    owned: set[int] = set()
    if not leadership:
        owned = set(
            access.owns_key_relationship(membership)
            .filter(stakeholder__organisation=organisation)
            .values_list("stakeholder_id", flat=True)
        )
    theirs = list(
        access.priorities_in(membership)
        .filter(
            Q(whose=PriorityOwner.ORGANISATION, organisation=organisation)
            | Q(whose=PriorityOwner.STAKEHOLDER, stakeholder__organisation=organisation)
        )
        .select_related("stakeholder", "stakeholder__person", "decision")
        .order_by("added_at", "pk")
    )
    by_stakeholder: dict[int, list[Priority]] = {}
    for priority in theirs:
        if priority.stakeholder_id is not None:
            by_stakeholder.setdefault(priority.stakeholder_id, []).append(priority)
    overlaps = list(
        access.overlaps_in(membership)
        .filter(theirs__in=[p.pk for p in theirs])
        .select_related(
            "ours", "theirs", "theirs__stakeholder", "theirs__stakeholder__person", "marked_by"
        )
        .order_by("ours__added_at", "ours_id", "marked_at", "pk")
    )
    return AgendaView(
        organisation=organisation,
        ours=ours,
        organisations=[p for p in theirs if p.whose == PriorityOwner.ORGANISATION],
        stakeholders=[
            StakeholderPriorities(
                stakeholder=s,
                name=stakeholder_name(s),
                role=stakeholder_role(s),
                priorities=by_stakeholder.get(s.pk, []),
                can_change=leadership or s.pk in owned,
            )
            for s in stakeholders
        ],
        overlaps=overlaps,
        can_change_organisation=leadership,
    )


def overlaps_of(priority: Priority) -> int:
    """How many overlaps are marked with the priority (deleting it deletes them): one query."""
    return Overlap.objects.filter(Q(ours=priority) | Q(theirs=priority)).count()


def priorities_filtered(
    membership: Membership,
    *,
    whose: str = "",
    organisation: int | None = None,
    stakeholder: int | None = None,
    q: str = "",
) -> QuerySet[Priority]:
    """The priorities the member sees, filtered, for the API's list: one query a page."""
    found = access.priorities_in(membership).select_related(
        "organisation", "stakeholder", "stakeholder__person", "decision"
    )
    if whose:
        found = found.filter(whose=whose)
    if organisation is not None:
        found = found.filter(
            Q(organisation_id=organisation) | Q(stakeholder__organisation_id=organisation)
        )
    if stakeholder is not None:
        found = found.filter(stakeholder_id=stakeholder)
    if q.strip():
        found = found.filter(text__icontains=q.strip())
    return found.order_by("whose", "added_at", "pk")


def overlaps_filtered(
    membership: Membership, *, organisation: int | None = None, ours: int | None = None
) -> QuerySet[Overlap]:
    found = access.overlaps_in(membership).select_related(
        "ours",
        "theirs",
        "theirs__organisation",
        "theirs__stakeholder",
        "theirs__stakeholder__person",
        "marked_by",
    )
    if organisation is not None:
        found = found.filter(
            Q(theirs__organisation_id=organisation)
            | Q(theirs__stakeholder__organisation_id=organisation)
        )
    if ours is not None:
        found = found.filter(ours_id=ours)
    return found.order_by("marked_at", "pk")
