"""Reads of published results: what pages, the API and exports show of a closed round.

Everything here comes from a round's `RoundPublication`, decided once by
`surveys.publication` when the round closed; nothing here reads a rating. A round that
has closed but has not been published yet is published on first read
(`services.round_results_publish`), so results appear the moment a round closes by date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.models import Organisation
from surveys.models import RoundPublication, SurveyRound
from surveys.publication import FEW, Cell

HELD = "held"
REASONS = {
    FEW: "Not enough responses",
    "overlap": "Held back so that it cannot be set against other figures",
    HELD: "Held back while it is checked",
}


def _cell(publication: RoundPublication, cell_id: str) -> Cell:
    found = publication.cells.get(cell_id)
    if found is None:
        return Cell(cell_id, False, FEW)
    return Cell(cell_id, found["shown"], found.get("reason", ""), found.get("values", {}))


def reason(cell: Cell) -> str:
    return REASONS.get(cell.reason, "Not shown")


@dataclass(frozen=True)
class ReceivedView:
    organisation: Organisation
    cell: Cell


@dataclass(frozen=True)
class PCNView:
    pcn: Organisation
    practices: list[Organisation]
    spectrum: Cell  # now, wanted, gap among its practices
    pairs: Cell  # bands and misalignment of its practices' pairs


@dataclass(frozen=True)
class RoundResults:
    survey: SurveyRound
    publication: RoundPublication
    organisations: dict[int, Organisation]
    structure: dict[str, Any]
    round: Cell
    pairs: Cell
    awareness: Cell
    received: list[ReceivedView]
    pcns: list[PCNView]
    mutual_pairs: list[tuple[Organisation, Organisation]]

    @property
    def min_raters(self) -> int:
        return self.publication.min_raters

    @property
    def held(self) -> bool:
        return self.publication.held_at is not None

    @property
    def covered(self) -> int:
        """How many organisations' ratings the round's figures cover."""
        return sum(r.cell.shown for r in self.received)

    def received_by(self, organisation_id: int) -> Cell:
        return next(
            (r.cell for r in self.received if r.organisation.pk == organisation_id),
            Cell(f"received:{organisation_id}", False, FEW),
        )

    def pcn(self, pcn_id: int) -> PCNView | None:
        return next((v for v in self.pcns if v.pcn.pk == pcn_id), None)


def publication_for(survey: SurveyRound) -> RoundPublication | None:
    """The round's publication; published now if the round has closed and it is not yet."""
    if not survey.is_closed:
        return None
    found = RoundPublication.objects.filter(round=survey).first()
    if found is None:
        from surveys.services import round_results_publish

        found = round_results_publish(survey=survey)
    return found


def round_results(*, survey: SurveyRound) -> RoundResults | None:
    """Everything a member may see of a closed round; None while it is still open. Three
    queries once published (the publication, and the organisations it names)."""
    publication = publication_for(survey)
    if publication is None:
        return None
    pcn_ids = [int(pcn) for pcn in publication.pcns]
    organisations = {
        o.pk: o for o in Organisation.objects.filter(pk__in=[*publication.participants, *pcn_ids])
    }
    by_name = sorted(
        (organisations[i] for i in publication.participants if i in organisations),
        key=lambda o: o.name,
    )
    pcns = [
        PCNView(
            pcn=organisations[int(pcn)],
            practices=sorted((organisations[i] for i in practices), key=lambda o: o.name),
            spectrum=_cell(publication, f"pcn:{pcn}"),
            pairs=_cell(publication, f"pcn_pairs:{pcn}"),
        )
        for pcn, practices in publication.pcns.items()
        if int(pcn) in organisations
    ]
    pcns.sort(key=lambda v: v.pcn.name)
    return RoundResults(
        survey=survey,
        publication=publication,
        organisations={o.pk: o for o in by_name},
        structure=publication.structure,
        round=_cell(publication, "round"),
        pairs=_cell(publication, "pairs"),
        awareness=_cell(publication, "awareness"),
        received=[ReceivedView(o, _cell(publication, f"received:{o.pk}")) for o in by_name],
        pcns=pcns,
        mutual_pairs=[
            (organisations[a], organisations[b])
            for a, b in publication.structure.get("mutual_pairs", [])
            if a in organisations and b in organisations
        ],
    )


# Over time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    survey: SurveyRound
    publication: RoundPublication
    round: Cell

    @property
    def structure(self) -> dict[str, Any]:
        return self.publication.structure

    @property
    def trust(self) -> float | None:
        return self.round.values.get("trust") if self.round.shown else None


@dataclass(frozen=True)
class Change:
    measure: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


def closed_rounds(*, collective: Any) -> list[SurveyRound]:
    """Closed rounds in the order they closed."""
    return sorted(
        (
            r
            for r in SurveyRound.objects.filter(collective=collective).select_related("collective")
            if r.is_closed
        ),
        key=lambda r: (r.closed_at.date() if r.closed_at else r.closes_on, r.pk),
    )


def trends(*, collective: Any, last: int | None = None) -> list[TrendPoint]:
    """Closed rounds in order with their published round figures (the last `last` only,
    when given). A change between two rounds is the difference of two published figures,
    so it shows nothing new."""
    rounds = closed_rounds(collective=collective)
    if last is not None:
        rounds = rounds[-last:]
    published = {p.round_id: p for p in RoundPublication.objects.filter(round__in=rounds)}
    points = []
    for survey in rounds:
        publication = published.get(survey.pk) or publication_for(survey)
        assert publication is not None
        cell = (
            Cell("round", False, HELD)
            if publication.held_at is not None
            else _cell(publication, "round")
        )
        points.append(TrendPoint(survey, publication, cell))
    return points


def changes(before: TrendPoint, after: TrendPoint) -> list[Change]:
    """What changed between two published rounds, measure by measure."""
    result = []
    for measure in ("response_rate", "density", "reciprocity", "centralization"):
        result.append(Change(measure, before.structure.get(measure), after.structure.get(measure)))
    for measure in ("trust", "value", "gap"):
        result.append(
            Change(
                measure,
                before.round.values.get(measure) if before.round.shown else None,
                after.round.values.get(measure) if after.round.shown else None,
            )
        )
    return result


def trend_chart(
    points: list[TrendPoint],
    low: float,
    high: float,
    width: int = 600,
    height: int = 220,
) -> dict[str, Any]:
    """Coordinates for a small server-drawn SVG line chart of mean trust (no script, no
    inline style); rounds whose trust is held back leave a gap in the dots."""
    pad = 40
    step = (width - 2 * pad) / max(1, len(points) - 1)

    def y(value: float) -> float:
        return height - pad - (value - low) / (high - low) * (height - 2 * pad)

    dots = [
        {"x": round(pad + i * step, 1), "y": round(y(v), 1), "value": v, "label": p.survey.title}
        for i, p in enumerate(points)
        if (v := p.trust) is not None
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "dots": dots,
        "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dots)),
        "grid": [{"y": round(y(v), 1), "label": f"{v:g}"} for v in (low, (low + high) / 2, high)],
    }


@dataclass(frozen=True)
class AwarenessPoint:
    survey: SurveyRound
    cell: Cell

    @property
    def mean(self) -> float | None:
        return self.cell.values.get("mean") if self.cell.shown else None

    @property
    def organisations(self) -> int | None:
        return self.cell.values.get("organisations") if self.cell.shown else None


def awareness_over_time(*, collective: Any) -> list[AwarenessPoint]:
    """'I know what our local GP leadership group is and what it does' (1-5) per closed
    round, as published: the mean of the organisations' own answers, where it may be shown."""
    return [
        AwarenessPoint(
            p.survey,
            Cell("awareness", False, HELD)
            if p.publication.held_at is not None
            else _cell(p.publication, "awareness"),
        )
        for p in trends(collective=collective)
    ]
