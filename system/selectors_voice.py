"""Reads for the provider voice: the practices' needs ranked by the practices behind them and
the patients those practices serve, a need with its supporters and mandates, the mandates,
and what became of everything a practice raised or supported.

Each read takes the collective explicitly and runs a fixed number of queries whatever the
number of needs, supports and mandates. The patients come from the national practice data
through sustainability.selectors.collective_sustainability (its public read of each member
practice's figures at the latest period), so nothing here reads its models.

Who may read is system.access (every member but guests); a mandate's limits are left out by
the callers for anyone but the leadership group (system.access.may_see_limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation, OrganisationKind
from sustainability import selectors as figures
from system.models import (
    KeyOrganisation,
    Mandate,
    MandateStatus,
    Need,
    NeedStatus,
    NeedSupport,
    NegotiationEvent,
    Stakeholder,
)

#: Needs still being worked on: ranked before those that are closed or set aside.
OPEN_STATUSES = (NeedStatus.RAISED, NeedStatus.PRIORITISED, NeedStatus.NEGOTIATING)
#: The filter that lists only the needs still being worked on.
OPEN = "open"
#: The roles whose holders work for a practice: its needs are theirs.
PRACTICE_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER)


# Who speaks for a practice ------------------------------------------------------------------


def member_practice(collective_id: int, organisation_id: int | None) -> Organisation | None:
    """The organisation if it is a member practice of the collective (one query)."""
    if organisation_id is None:
        return None
    found = (
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id,
            organisation_id=organisation_id,
            organisation__kind=OrganisationKind.PRACTICE,
        )
        .select_related("organisation")
        .first()
    )
    return found.organisation if found else None


def practice_of(membership: Membership) -> Organisation | None:
    """The member practice whose needs are the person's: their organisation, when it is a
    member practice and they work for it (representative, deputy or member)."""
    if membership.role not in PRACTICE_ROLES:
        return None
    return member_practice(membership.collective_id, membership.organisation_id)


# The ranking --------------------------------------------------------------------------------


@dataclass
class RankedNeed:
    """A need with the practices behind it (the raiser and its supporters) and the
    registered patients they serve, where the national practice data knows them."""

    need: Need
    supports: list[NeedSupport]
    patients: int | None = None
    #: Practices behind the need whose registered patients are not known.
    unknown: int = 0

    @property
    def practices(self) -> int:
        return 1 + len(self.supports)

    @property
    def is_open(self) -> bool:
        return self.need.status in OPEN_STATUSES

    @property
    def patients_text(self) -> str:
        if self.patients is None:
            return "not known"
        shown = f"{self.patients:,}"
        if self.unknown:
            return (
                f"{shown} (not known for {self.unknown} practice{'s' if self.unknown > 1 else ''})"
            )
        return shown

    def rank_key(self) -> tuple[int, int, int, float, int]:
        return (
            0 if self.is_open else 1,
            -self.practices,
            -(self.patients or 0),
            self.need.raised_at.timestamp(),
            self.need.pk,
        )


@dataclass
class Ranking:
    needs: list[RankedNeed]
    #: Whether the national practice data has been imported (else patients are not known).
    imported: bool = False
    filtered: bool = False


@dataclass
class Patients:
    """The latest registered patients of each member practice, by organisation id."""

    by_practice: dict[int, float | None] = field(default_factory=dict)
    imported: bool = False

    def of(self, organisation_ids: list[int]) -> tuple[int | None, int]:
        """The patients the practices serve (None when none is known) and how many of them
        are not known."""
        known = [v for pk in organisation_ids if (v := self.by_practice.get(pk)) is not None]
        unknown = len(organisation_ids) - len(known)
        return (round(sum(known)) if known else None), unknown


def patients_of_practices(collective_id: int) -> Patients:
    """Each member practice's latest registered patients, from the national practice data
    (the sustainability app's read: five queries whatever the number of practices)."""
    found = figures.collective_sustainability(collective_id)
    return Patients(
        {p.organisation_id: p.values.get(figures.REGISTERED) for p in found.practices},
        found.imported,
    )


def _supports() -> Prefetch[Any]:
    return Prefetch(
        "supports",
        queryset=NeedSupport.objects.select_related("practice", "by").order_by("at", "pk"),
    )


def _matching(needs: QuerySet[Need], q: str, status: str) -> QuerySet[Need]:
    q = " ".join(q.split())
    if q:
        needs = needs.filter(
            Q(title__icontains=q) | Q(detail__icontains=q) | Q(practice__name__icontains=q)
        )
    if status == OPEN:
        needs = needs.filter(status__in=OPEN_STATUSES)
    elif status in NeedStatus.values:
        needs = needs.filter(status=status)
    return needs


def with_patients(needs: list[Need], patients: Patients) -> list[RankedNeed]:
    """The needs (their supports prefetched), in the same order, each with the practices
    behind it and the patients they serve."""
    rows = []
    for need in needs:
        supports = list(need.supports.all())
        found, unknown = patients.of([need.practice_id, *(s.practice_id for s in supports)])
        rows.append(RankedNeed(need, supports, found, unknown))
    return rows


def _ranked(needs: list[Need], patients: Patients) -> list[RankedNeed]:
    return sorted(with_patients(needs, patients), key=RankedNeed.rank_key)


def needs_ranked(*, collective_id: int, q: str = "", status: str = "") -> Ranking:
    """The collective's needs (matching the search and status), the open ones first, each
    group by the practices behind them, then the patients they serve, then the oldest
    first. Seven queries whatever the number of needs and supports."""
    needs = list(
        _matching(
            Need.objects.filter(collective_id=collective_id)
            .select_related("practice", "raised_by")
            .prefetch_related(_supports()),
            q,
            status,
        )
    )
    patients = patients_of_practices(collective_id)
    return Ranking(_ranked(needs, patients), patients.imported, bool(q or status))


def need_ranked(need: Need) -> tuple[RankedNeed, bool]:
    """One need with its supporters and patients, and whether the national data is in."""
    found = (
        Need.objects.filter(pk=need.pk)
        .select_related("practice", "raised_by")
        .prefetch_related(_supports())
        .get()
    )
    patients = patients_of_practices(need.collective_id)
    return _ranked([found], patients)[0], patients.imported


def mandates_of_need(need: Need) -> list[Mandate]:
    return list(need.mandates.select_related("of_whom").order_by("-created_at", "-pk"))


# A practice's needs -------------------------------------------------------------------------


@dataclass
class PracticeNeed:
    """A need a practice raised or supported, with what became of it."""

    need: Need
    raised: bool
    evidence: str = ""

    @property
    def how(self) -> str:
        return "Raised" if self.raised else "Supported"


def practice_needs(*, collective_id: int, organisation_id: int, q: str = "") -> QuerySet[Need]:
    """Every need the practice raised or supported, newest first, each with its supports
    (one query, and one for the supports when read)."""
    supported = NeedSupport.objects.filter(need=OuterRef("pk"), practice_id=organisation_id)
    needs = Need.objects.filter(collective_id=collective_id).filter(
        Q(practice_id=organisation_id) | Exists(supported)
    )
    return (
        _matching(needs, q, "")
        .select_related("practice")
        .prefetch_related(_supports())
        .order_by("-raised_at", "-pk")
    )


def practice_rows(needs: list[Need], organisation_id: int) -> list[PracticeNeed]:
    rows = []
    for need in needs:
        own = next((s for s in need.supports.all() if s.practice_id == organisation_id), None)
        rows.append(
            PracticeNeed(need, need.practice_id == organisation_id, own.evidence if own else "")
        )
    return rows


# Mandates -----------------------------------------------------------------------------------


def mandates_list(*, collective_id: int, q: str = "", status: str = "") -> QuerySet[Mandate]:
    """The collective's mandates, newest first, with their need, whom they ask and how many
    negotiation events each has (one query)."""
    found = Mandate.objects.filter(collective_id=collective_id)
    q = " ".join(q.split())
    if q:
        found = found.filter(
            Q(need__title__icontains=q) | Q(ask__icontains=q) | Q(of_whom__name__icontains=q)
        )
    if status in MandateStatus.values:
        found = found.filter(status=status)
    return (
        found.select_related("need", "need__practice", "of_whom", "created_by")
        .annotate(event_count=Count("events"))
        .order_by("-created_at", "-pk")
    )


def events_of(mandate: Mandate) -> list[NegotiationEvent]:
    return list(mandate.events.select_related("recorded_by").order_by("happened_on", "pk"))


def organisation_choices(collective_id: int) -> list[Organisation]:
    """Whom a mandate may ask, as offered in the form: the collective's key organisations,
    its stakeholders' organisations, those asked by earlier mandates, and the ICBs of its
    member practices (one query). Any other organisation is given by its ODS code."""
    practices_icbs = CollectiveOrganisation.objects.filter(
        collective_id=collective_id, organisation__kind=OrganisationKind.PRACTICE
    ).values("organisation__icb_code")
    wanted = (
        Q(pk__in=KeyOrganisation.objects.filter(collective_id=collective_id).values("organisation"))
        | Q(pk__in=Stakeholder.objects.filter(collective_id=collective_id).values("organisation"))
        | Q(pk__in=Mandate.objects.filter(collective_id=collective_id).values("of_whom"))
        | Q(kind=OrganisationKind.ICB, ods_code__in=practices_icbs)
    )
    visible = Q(owner__isnull=True) | Q(owner_id=collective_id)
    return list(Organisation.objects.filter(wanted & visible).order_by("name", "pk"))


def organisation_by_code(collective_id: int, code: str) -> Organisation | None:
    """A directory organisation by its ODS code, if the collective may see it."""
    code = code.strip().upper()
    if not code:
        return None
    return (
        Organisation.objects.filter(ods_code__iexact=code)
        .filter(Q(owner__isnull=True) | Q(owner_id=collective_id))
        .first()
    )


def organisation_for_mandate(collective_id: int, pk: int) -> Organisation | None:
    """A directory organisation the collective may see, by id."""
    return (
        Organisation.objects.filter(pk=pk)
        .filter(Q(owner__isnull=True) | Q(owner_id=collective_id))
        .first()
    )


# The home page ------------------------------------------------------------------------------


def outcomes_for_practice(*, collective_id: int, organisation_id: int, since: object) -> list[Need]:
    """The needs the practice raised or supported that got an outcome since then, newest
    first (one query)."""
    supported = NeedSupport.objects.filter(need=OuterRef("pk"), practice_id=organisation_id)
    return list(
        Need.objects.filter(
            collective_id=collective_id, outcome_at__isnull=False, outcome_at__gte=since
        )
        .filter(Q(practice_id=organisation_id) | Exists(supported))
        .exclude(outcome="")
        .order_by("-outcome_at", "-pk")
    )
