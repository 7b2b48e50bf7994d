"""Trust-network measures for one survey round, over plain data (no models, no database).

A `Tie` is one organisation's view of another, already averaged over the rater's
respondents. Everything here is a pure function of ties and sets of organisation ids, so the
callers (selectors, reports, the benchmark) decide what to read and what may be shown.

Definitions decided here, beyond the signatures:

- At most one tie per (rater, ratee): a second one is a ValueError, not silently averaged.
- `Tie` checks its own ranges (trust and value 1-4, each RC dimension 1-5, now and wanted
  whole positions 1-5, rater is not ratee) and raises ValueError otherwise.
- `round_measures` raises ValueError for a tie whose rater or ratee is not a participant:
  density and centralization are over the participants, so such a tie has no place in them.
- `band` compares after rounding to 9 decimal places, so that a mean that is 2.5 on paper
  but 2.4999999999999996 in floating point is "moderate", as it should be.
- Means are plain arithmetic means over directed ties (math.fsum, so the order of the ties
  does not change the result); networkx is used only for the graph measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

SPECTRUM = ("allies", "friends", "neighbours", "rivals", "enemies")  # positions 1..5

RC_DIMENSIONS = (
    "frequent",
    "timely",
    "accurate",
    "problem_solving",
    "shared_goals",
    "shared_knowledge",
    "mutual_respect",
)

WEAK_BELOW = 2.5  # trust < 2.5 is weak
STRONG_ABOVE = 3.25  # trust > 3.25 is strong; in between (inclusive) is moderate


def _check_range(name: str, score: float, low: float, high: float) -> None:
    if not low <= score <= high:  # also rejects NaN
        raise ValueError(f"{name} must be between {low} and {high}, not {score!r}")


def _check_position(name: str, position: int) -> None:
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= 5:
        raise ValueError(f"{name} must be a spectrum position 1-5, not {position!r}")


@dataclass(frozen=True)
class Tie:
    """One directed tie, already averaged over the rater organisation's respondents."""

    rater: int  # organisation id
    ratee: int  # organisation id (never equal to rater)
    trust: float  # mean of three 1-4 items
    value: float  # mean of three 1-4 items
    rc: tuple[float, ...]  # 7 relational-coordination dimensions, each 1-5: RC_DIMENSIONS
    now: int  # spectrum position 1..5 (1 = allies ... 5 = enemies)
    wanted: int  # spectrum position 1..5

    def __post_init__(self) -> None:
        if self.rater == self.ratee:
            raise ValueError(f"organisation {self.rater} cannot rate itself")
        _check_range("trust", self.trust, 1, 4)
        _check_range("value", self.value, 1, 4)
        rc = tuple(self.rc)
        if len(rc) != len(RC_DIMENSIONS):
            raise ValueError(f"rc must have {len(RC_DIMENSIONS)} dimensions, not {len(rc)}")
        for name, score in zip(RC_DIMENSIONS, rc, strict=True):
            _check_range(name, score, 1, 5)
        object.__setattr__(self, "rc", rc)  # a list becomes a tuple, so the tie stays hashable
        _check_position("now", self.now)
        _check_position("wanted", self.wanted)


def band(trust: float) -> str:
    """'weak' below 2.5, 'moderate' from 2.5 to 3.25 inclusive, 'strong' above 3.25."""
    rounded = round(trust, 9)
    if rounded < WEAK_BELOW:
        return "weak"
    if rounded <= STRONG_ABOVE:
        return "moderate"
    return "strong"


def _index(ties: list[Tie]) -> dict[tuple[int, int], Tie]:
    """Ties by (rater, ratee); a pair given twice is an error."""
    by_pair: dict[tuple[int, int], Tie] = {}
    for tie in ties:
        pair = (tie.rater, tie.ratee)
        if pair in by_pair:
            raise ValueError(f"organisation {tie.rater} rates organisation {tie.ratee} twice")
        by_pair[pair] = tie
    return by_pair


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


@dataclass(frozen=True)
class MutualTie:
    a: int  # the smaller organisation id
    b: int
    trust: float  # mean of both directions' trust
    band: str


def mutual_ties(ties: list[Tie]) -> list[MutualTie]:
    """Pairs rated in both directions, sorted by (a, b); one-way ties are left out."""
    by_pair = _index(ties)
    result = []
    for (rater, ratee), tie in by_pair.items():
        reverse = by_pair.get((ratee, rater))
        if rater < ratee and reverse is not None:
            trust = (tie.trust + reverse.trust) / 2
            result.append(MutualTie(a=rater, b=ratee, trust=trust, band=band(trust)))
    result.sort(key=lambda mutual: (mutual.a, mutual.b))
    return result


@dataclass(frozen=True)
class Received:
    organisation: int
    raters: int  # distinct rater organisations
    trust: float | None  # mean over raters (None if no raters)
    value: float | None


def received(ties: list[Tie], organisation: int) -> Received:
    """How the other organisations rate `organisation`: one tie per rater, so a mean over raters."""
    incoming = [tie for tie in _index(ties).values() if tie.ratee == organisation]
    return Received(
        organisation=organisation,
        raters=len(incoming),
        trust=_mean([tie.trust for tie in incoming]),
        value=_mean([tie.value for tie in incoming]),
    )


@dataclass(frozen=True)
class RoundMeasures:
    participants: int
    respondents: int  # organisations that rated at least one other
    response_rate: float  # respondents / participants (0 if no participants)
    ties: int  # directed ties
    density: float  # ties / (n * (n - 1)), n = participants (0 if n < 2)
    reciprocity: float  # share of directed ties whose reverse exists (networkx); 0 if no ties
    mean_trust: float | None
    mean_value: float | None
    centralization: float  # Freeman degree centralization of the undirected graph; 0 if n < 3
    rc_means: dict[str, float | None]  # per RC dimension, mean over ties
    spectrum_now: dict[str, int]  # counts per SPECTRUM label over ties
    spectrum_wanted: dict[str, int]
    gap: float | None  # mean of (wanted - now) over ties; negative = wanting to be closer


def _graph_measures(
    participants: set[int], pairs: list[tuple[int, int]]
) -> tuple[float, float, float]:
    """Density, reciprocity and Freeman degree centralization, with networkx.

    `pairs` are distinct (rater, ratee) pairs between participants. Centralization is over
    the undirected graph (a mutual pair is one edge): sum(max_deg - deg_i) over all
    participants, divided by the star's (n - 1)(n - 2), so it runs from 0 to 1.
    """
    directed = nx.DiGraph()
    directed.add_nodes_from(participants)
    directed.add_edges_from(pairs)
    n = directed.number_of_nodes()
    density = float(nx.density(directed)) if n >= 2 else 0.0
    reciprocity = float(nx.reciprocity(directed)) if pairs else 0.0
    centralization = 0.0
    if n >= 3:
        degrees = [degree for _, degree in directed.to_undirected(as_view=True).degree()]
        top = max(degrees)
        centralization = sum(top - degree for degree in degrees) / ((n - 1) * (n - 2))
    return density, reciprocity, centralization


def _spectrum_counts(positions: list[int]) -> dict[str, int]:
    counts = dict.fromkeys(SPECTRUM, 0)
    for position in positions:
        counts[SPECTRUM[position - 1]] += 1
    return counts


def round_measures(participants: set[int], ties: list[Tie]) -> RoundMeasures:
    """The round's network and survey measures; see RoundMeasures for each definition."""
    by_pair = _index(ties)
    outsiders = {org for pair in by_pair for org in pair} - participants
    if outsiders:
        raise ValueError(f"ties name organisations that are not participants: {sorted(outsiders)}")
    tie_list = list(by_pair.values())
    n = len(participants)
    respondents = len({tie.rater for tie in tie_list})
    density, reciprocity, centralization = _graph_measures(participants, list(by_pair))
    return RoundMeasures(
        participants=n,
        respondents=respondents,
        response_rate=respondents / n if n else 0.0,
        ties=len(tie_list),
        density=density,
        reciprocity=reciprocity,
        mean_trust=_mean([tie.trust for tie in tie_list]),
        mean_value=_mean([tie.value for tie in tie_list]),
        centralization=centralization,
        rc_means={
            name: _mean([tie.rc[i] for tie in tie_list]) for i, name in enumerate(RC_DIMENSIONS)
        },
        spectrum_now=_spectrum_counts([tie.now for tie in tie_list]),
        spectrum_wanted=_spectrum_counts([tie.wanted for tie in tie_list]),
        gap=_mean([float(tie.wanted - tie.now) for tie in tie_list]),
    )


def misalignment(practices: set[int], ties: list[Tie]) -> tuple[float | None, int]:
    """Share of practice pairs (both in `practices`, rated in both directions) whose two
    'now' positions are more than one step apart; and the number of such pairs considered.
    (None, 0) when no pair was rated both ways."""
    by_pair = _index(ties)
    considered = misaligned = 0
    for (rater, ratee), tie in by_pair.items():
        if rater > ratee or rater not in practices or ratee not in practices:
            continue
        reverse = by_pair.get((ratee, rater))
        if reverse is None:
            continue
        considered += 1
        if abs(tie.now - reverse.now) > 1:
            misaligned += 1
    if not considered:
        return None, 0
    return misaligned / considered, considered


@dataclass(frozen=True)
class Change:
    measure: str
    before: float | None
    after: float | None
    difference: float | None
    respondents_before: int
    respondents_after: int


CHANGE_MEASURES = (
    "response_rate",
    "density",
    "reciprocity",
    "mean_trust",
    "mean_value",
    "centralization",
    "gap",
)


def changes(before: RoundMeasures, after: RoundMeasures) -> list[Change]:
    """after - before for each of CHANGE_MEASURES, in that order; None where either is None."""
    result = []
    for measure in CHANGE_MEASURES:
        old: float | None = getattr(before, measure)
        new: float | None = getattr(after, measure)
        result.append(
            Change(
                measure=measure,
                before=old,
                after=new,
                difference=None if old is None or new is None else new - old,
                respondents_before=before.respondents,
                respondents_after=after.respondents,
            )
        )
    return result
