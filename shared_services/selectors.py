"""Reads for the register and the autonomy ledger, each in a fixed number of queries
whatever the number of practices, ways of working and answers.

A practice has agreed a way of working when its answer to the way's CURRENT version is
"agreed", or "agreed with a local variation" that has not expired. An answer to an older
version is kept and shown as given on that version, but no longer counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from collectives.models import CollectiveOrganisation, Membership, Role
from decisions.models import Decision
from directory.models import Organisation, OrganisationKind
from shared_services import spc
from shared_services.models import (
    AGREEING,
    Answer,
    BenefitMeasure,
    Participation,
    SharedService,
    SharedServicesSettings,
    Stage,
    WayAnswer,
    WayOfWorking,
    WayOfWorkingVersion,
)

#: A variation ending within this many days is "expiring" (a home-page item).
EXPIRING_WITHIN = dt.timedelta(days=30)


def settings_of(collective_id: int) -> SharedServicesSettings:
    """The collective's settings, or the defaults (unsaved) if it never changed them."""
    found = SharedServicesSettings.objects.filter(collective_id=collective_id).first()
    return found or SharedServicesSettings(collective_id=collective_id)


def service_list(collective_id: int, *, q: str = "", stage: str = "") -> QuerySet[SharedService]:
    found = (
        SharedService.objects.filter(collective_id=collective_id)
        .select_related("host", "lead")
        .annotate(practices=Count("participations", filter=Q(participations__left_on__isnull=True)))
        .order_by("name", "pk")
    )
    if q:
        found = found.filter(
            Q(name__icontains=q) | Q(purpose__icontains=q) | Q(host__name__icontains=q)
        )
    if stage:
        found = found.filter(stage=stage)
    return found


def agreed(answer: WayAnswer | None, today: dt.date | None = None) -> bool:
    """Whether an answer (to the current version) gives the way of working up."""
    if answer is None or answer.answer not in AGREEING:
        return False
    if answer.answer == Answer.VARIATION:
        return answer.variation_until is not None and answer.variation_until >= (
            today or timezone.localdate()
        )
    return True


@dataclass
class Cell:
    """A practice's answer to a way of working: to the current version, or the latest it
    gave to an older one (``current`` False), or none."""

    answer: WayAnswer | None
    current: bool
    agreed: bool

    @property
    def label(self) -> str:
        if self.answer is None:
            return "No answer yet"
        if not self.current:
            number = self.answer.version.number
            return f"{self.answer.get_answer_display()} (given on version {number})"
        if self.answer.answer == Answer.VARIATION and not self.agreed:
            return "Variation expired"
        return self.answer.get_answer_display()


@dataclass
class Column:
    way: WayOfWorking
    version: WayOfWorkingVersion
    agreed: int = 0

    def adoption(self, participants: int) -> str:
        return f"{self.agreed} of {participants}" if participants else "No practices yet"


@dataclass
class Row:
    participation: Participation
    cells: list[Cell] = field(default_factory=list)

    @property
    def practice(self) -> Organisation:
        return self.participation.organisation

    @property
    def agreed_all(self) -> bool:
        return all(cell.agreed for cell in self.cells)


@dataclass
class Ledger:
    columns: list[Column]
    rows: list[Row]

    @property
    def participants(self) -> int:
        return len(self.rows)


def ledger(service: SharedService, today: dt.date | None = None) -> Ledger:
    """Every current practice's answer to every way of working, and each way's adoption
    (practices agreed ÷ practices in the service): four queries."""
    today = today or timezone.localdate()
    participations = list(
        Participation.objects.filter(service=service, left_on__isnull=True).select_related(
            "organisation"
        )
    )
    ways = list(
        WayOfWorking.objects.filter(service=service).prefetch_related(
            Prefetch("versions", queryset=WayOfWorkingVersion.objects.order_by("number"))
        )
    )
    ways = [w for w in ways if w.versions.all()]
    practice_ids = [p.organisation_id for p in participations]
    answers: dict[tuple[int, int], WayAnswer] = {}
    for answer in (
        WayAnswer.objects.filter(version__way__in=ways, organisation_id__in=practice_ids)
        .select_related("version")
        .order_by("version__number", "answered_at")
    ):
        answers[(answer.version.way_id, answer.organisation_id)] = answer  # the latest version's
    columns = [Column(way=w, version=list(w.versions.all())[-1]) for w in ways]
    rows = []
    for participation in participations:
        row = Row(participation)
        for column in columns:
            found = answers.get((column.way.pk, participation.organisation_id))
            current = found is not None and found.version_id == column.version.pk
            cell = Cell(found, current, current and agreed(found, today))
            column.agreed += cell.agreed
            row.cells.append(cell)
        rows.append(row)
    return Ledger(columns, rows)


@dataclass
class Outstanding:
    practice: Organisation
    ways: list[WayOfWorking]


def outstanding_answers(service: SharedService) -> list[Outstanding]:
    """Who has not agreed what (the current versions): what stops the service going live."""
    found = ledger(service)
    return [
        Outstanding(
            row.practice,
            [c.way for c, cell in zip(found.columns, row.cells, strict=True) if not cell.agreed],
        )
        for row in found.rows
        if not row.agreed_all
    ]


def service_detail(service: SharedService) -> dict[str, object]:
    """What the service's page shows besides the ledger: its history, the decisions behind
    it, its past practices and its benefit measures (four queries)."""
    return {
        "moves": list(service.moves.select_related("by").order_by("at", "pk")),
        "decisions": list(service.decisions.order_by("-recorded_at", "-pk")),
        "past": list(
            Participation.objects.filter(service=service, left_on__isnull=False)
            .select_related("organisation")
            .order_by("-left_on")
        ),
        "measures": list(BenefitMeasure.objects.filter(service=service).order_by("name")),
    }


def host_choices(collective_id: int) -> list[Organisation]:
    return [
        m.organisation
        for m in CollectiveOrganisation.objects.filter(
            collective_id=collective_id,
            organisation__kind__in=(
                OrganisationKind.FEDERATION,
                OrganisationKind.PCN,
                OrganisationKind.PRACTICE,
            ),
        )
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name")
    ]


def practice_choices(collective_id: int) -> list[Organisation]:
    return [
        m.organisation
        for m in CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation__kind=OrganisationKind.PRACTICE
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def lead_choices(collective_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(collective_id=collective_id)
        .exclude(role__in=(Role.GUEST, Role.OBSERVER))
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email")
    )


def decision_choices(collective_id: int) -> list[Decision]:
    return list(Decision.objects.filter(collective_id=collective_id).order_by("-recorded_at"))


def run_chart(measure: BenefitMeasure) -> spc.RunChart:
    values = list(measure.values.order_by("month").values_list("month", "value"))
    direction = {"up": "up", "down": "down"}.get(str(measure.better))
    return spc.run_chart(
        [(f"{month:%b %Y}", value) for month, value in values],
        improvement=direction,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------------------------------
# One practice's ledger, and what waits for it


@dataclass
class Agreement:
    """A way of working a practice has given up to a service: its latest agreeing answer."""

    answer: WayAnswer
    latest_version: int

    @property
    def way(self) -> WayOfWorking:
        return self.answer.version.way

    @property
    def on_current_version(self) -> bool:
        return self.answer.version.number == self.latest_version

    @property
    def expired(self) -> bool:
        return self.answer.answer == Answer.VARIATION and not agreed(self.answer)


def agreements_of(collective_id: int, organisation_id: int) -> list[Agreement]:
    """ "What we have agreed to do the shared way": every way of working the practice has
    agreed (on the current version or an older one), to whom, since when, with its
    variations. Two queries."""
    answers = list(
        WayAnswer.objects.filter(
            organisation_id=organisation_id,
            answer__in=AGREEING,
            version__way__service__collective_id=collective_id,
        )
        .select_related("version__way__service__host", "answered_by")
        .order_by("version__way__service__name", "version__way__position", "version__number")
    )
    latest = dict(
        WayOfWorkingVersion.objects.filter(way_id__in={a.version.way_id for a in answers})
        .values("way_id")
        .annotate(n=Count("pk"))
        .values_list("way_id", "n")
    )
    by_way: dict[int, WayAnswer] = {}
    for answer in answers:
        by_way[answer.version.way_id] = answer  # ordered by version: the latest wins
    return [Agreement(a, latest.get(a.version.way_id, a.version.number)) for a in by_way.values()]


@dataclass
class Waiting:
    way: WayOfWorking
    version: WayOfWorkingVersion
    service: SharedService


def waiting_for(collective_id: int, organisation_id: int) -> list[Waiting]:
    """The current versions the practice has not answered, in the services it is in."""
    versions = list(
        WayOfWorkingVersion.objects.filter(
            way__service__collective_id=collective_id,
            way__service__participations__organisation_id=organisation_id,
            way__service__participations__left_on__isnull=True,
        )
        .exclude(way__service__stage=Stage.CLOSED)
        .select_related("way__service")
        .order_by("way__service__name", "way__position", "number")
    )
    latest: dict[int, WayOfWorkingVersion] = {}
    for version in versions:
        latest[version.way_id] = version
    answered = set(
        WayAnswer.objects.filter(
            organisation_id=organisation_id, version__in=latest.values()
        ).values_list("version_id", flat=True)
    )
    return [Waiting(v.way, v, v.way.service) for v in latest.values() if v.pk not in answered]


def variations_expiring(
    collective_id: int, organisation_id: int, today: dt.date | None = None
) -> list[WayAnswer]:
    today = today or timezone.localdate()
    return list(
        WayAnswer.objects.filter(
            organisation_id=organisation_id,
            answer=Answer.VARIATION,
            variation_until__gte=today,
            variation_until__lte=today + EXPIRING_WITHIN,
            version__way__service__collective_id=collective_id,
        )
        .select_related("version__way__service")
        .order_by("variation_until")
    )


def services_waiting_on(collective_id: int, organisation_id: int) -> list[SharedService]:
    """Services being agreed that cannot go live until this practice agrees."""
    waiting = waiting_for(collective_id, organisation_id)
    return list(
        {w.service.pk: w.service for w in waiting if w.service.stage == Stage.AGREEING}.values()
    )


def answers_by_practice(way: WayOfWorking) -> dict[int, list[WayAnswer]]:
    """Every answer to every version of a way of working, by practice (one query)."""
    found: dict[int, list[WayAnswer]] = defaultdict(list)
    for answer in (
        WayAnswer.objects.filter(version__way=way)
        .select_related("version", "organisation", "answered_by")
        .order_by("version__number", "answered_at")
    ):
        found[answer.organisation_id].append(answer)
    return found


def versions_of(way: WayOfWorking) -> list[WayOfWorkingVersion]:
    """A way of working's versions, the current one first."""
    return list(way.versions.select_related("by").order_by("-number"))


def answer_of(version: WayOfWorkingVersion | None, organisation_id: int) -> WayAnswer | None:
    if version is None:
        return None
    return WayAnswer.objects.filter(version=version, organisation_id=organisation_id).first()
