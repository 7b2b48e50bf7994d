"""What a closed survey round publishes, decided once. Pure: plain data in, plain data out.

A round's results are a set of *cells*, each shown or held back:

| cell | what it shows | computed over |
|---|---|---|
| `received:<org>` | trust and value others gave one organisation | the ratings of it |
| `round` | mean trust and value, working together, spectrum now and wanted, gap | U |
| `pcn:<pcn>` | spectrum now and wanted, gap, among one PCN's practices | U within the PCN |
| `pairs` | how many pairs rated both ways sit in each trust band | pairs within U |
| `pcn_pairs:<pcn>` | the same among a PCN's practices, and how many are misaligned | likewise |
| `awareness` | mean answer to "I know what our local GP leadership group does" | the answers |

U is the ratings of organisations whose `received` cell is shown: every other figure is
computed only from ratings that belong to publishable cells, so no total minus its shown
parts can leave a hidden cell's ratings behind.

The rules, in order (docs/confidentiality.md explains them):

1. **k** (at least 3, frozen with the publication): a cell needs ratings from at least k
   distinct organisations (pair cells: k pairs; awareness: k organisations), or it is held
   back as "not enough responses" — with no count beside it.
2. **Secondary suppression**: the adversary (`disclosure.audit`) looks at every figure of
   this round together with every figure already published for overlapping rounds, as every
   participant would: knowing its own ratings (the same key in every round: answers that do
   not change are the adversary's best case) and the views other organisations agreed to
   share with it. While it can isolate a rating, one organisation's ratings, or (knowing
   nothing) fewer than k organisations' ratings, the least important cell of this round
   that the combination uses is held back ("held back so that it cannot be subtracted from
   other figures"), and everything is recomputed.
3. Values are rounded to what the scale supports: means to one decimal place, shares to
   whole per cent.

`Rules` can switch 2 and the restriction to U off: only the adversary's own tests and
`disclosure_check --without-rules` do, to show what the rules prevent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import fsum
from typing import Any

from surveys import analytics
from surveys.disclosure import Figure, Key, Leak, Viewer, audit

TIE_COMPONENTS = ("trust", "value", "rc", "now", "wanted")
PAIR_COMPONENTS = ("pair_band", "pair_misaligned")
ORGANISATION_COMPONENTS = ("awareness",)

#: Which cells go first when one must be held back: the narrowest first.
PRIORITY = ("pair", "pcn_pairs", "pairs", "pcn", "awareness", "received", "round")

FEW = "few"  # fewer than k organisations (or pairs): "not enough responses"
OVERLAP = "overlap"  # held back so that it cannot be subtracted from other figures


def unit(component: str, key: Key) -> Key:
    """Whose answer a key is: a tie's rater; a pair; an organisation."""
    return key[:1] if component in TIE_COMPONENTS else key


@dataclass(frozen=True)
class Rules:
    secondary_suppression: bool = True
    only_publishable_ratings: bool = True
    min_k: int = 3
    #: Each pair's mutual trust band and position, shown to everyone (as the network map
    #: and the PCN grid once did): only ever switched on to show what the rules prevent.
    pairs_one_by_one: bool = False


#: The rules switched off: what Alliance published before issue 12 (k as low as 2, totals over
#: every rating, no secondary suppression, every pair's band on the map).
WITHOUT_RULES = Rules(
    secondary_suppression=False, only_publishable_ratings=False, min_k=2, pairs_one_by_one=True
)


@dataclass(frozen=True)
class RoundInput:
    round_id: int
    k: int
    participants: frozenset[int]
    ties: tuple[analytics.Tie, ...]  # complete ratings between participants, one per pair
    pcns: Mapping[int, frozenset[int]] = field(default_factory=dict)  # frozen at close
    consents: frozenset[tuple[int, int]] = frozenset()  # pairs (a < b) who both agreed
    awareness: Mapping[int, float] = field(default_factory=dict)  # organisation -> answer


@dataclass(frozen=True)
class Published:
    """A round as already published: what the adversary sees of it later."""

    round_id: int
    participants: frozenset[int]
    figures: tuple[Figure, ...]
    consents: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class Cell:
    id: str
    shown: bool
    reason: str = ""  # FEW or OVERLAP when not shown
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Publication:
    round_id: int
    k: int
    cells: Mapping[str, Cell]
    figures: tuple[Figure, ...]  # the ledger: every shown figure as a sum over ratings
    consents: frozenset[tuple[int, int]] = frozenset()  # pairs whose views may be shown
    withheld: frozenset[tuple[int, int]] = frozenset()  # agreed, but would leak: not shown

    def cell(self, cell_id: str) -> Cell:
        return self.cells.get(cell_id, Cell(cell_id, False, FEW))


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return fsum(values) / len(values)


def _one_decimal(value: float) -> float:
    return round(value + 0.0, 1)


# Cells ------------------------------------------------------------------------------------


@dataclass
class _Built:
    cells: dict[str, Cell]
    figures: list[Figure]


class _Round:
    """The round's ratings indexed for building cells."""

    def __init__(self, data: RoundInput) -> None:
        self.data = data
        self.ties: dict[Key, analytics.Tie] = {(t.rater, t.ratee): t for t in data.ties}
        self.into: dict[int, list[Key]] = defaultdict(list)
        for key in self.ties:
            self.into[key[1]].append(key)

    def figure(self, cell: str, component: str, basis: Iterable[Key]) -> Figure:
        return Figure(f"{self.data.round_id}:{cell}:{component}", component, frozenset(basis))

    def tie_cell(
        self, cell: str, basis: list[Key], components: Sequence[str], k: int
    ) -> tuple[Cell, list[Figure]]:
        raters = {key[0] for key in basis}
        if len(raters) < k:
            return Cell(cell, False, FEW), []
        ties = [self.ties[key] for key in basis]
        values: dict[str, Any] = {"raters": len(raters), "ratings": len(ties)}
        if "trust" in components:
            values["trust"] = _one_decimal(_mean(t.trust for t in ties))
            values["value"] = _one_decimal(_mean(t.value for t in ties))
        if "rc" in components:
            values["rc"] = {
                name: _one_decimal(_mean(t.rc[i] for t in ties))
                for i, name in enumerate(analytics.RC_DIMENSIONS)
            }
        if "now" in components:
            values["now"] = _counts(t.now for t in ties)
            values["wanted"] = _counts(t.wanted for t in ties)
            values["gap"] = _one_decimal(_mean(t.wanted - t.now for t in ties))
        figures = [self.figure(cell, c, basis) for c in components]
        return Cell(cell, True, values=values), figures

    def pair_cell(
        self, cell: str, pairs: Sequence[Key], components: Sequence[str], k: int
    ) -> tuple[Cell, list[Figure]]:
        if len(pairs) < k:
            return Cell(cell, False, FEW), []
        bands = dict.fromkeys(("strong", "moderate", "weak"), 0)
        misaligned = 0
        for a, b in pairs:
            there, back = self.ties[(a, b)], self.ties[(b, a)]
            bands[analytics.band((there.trust + back.trust) / 2)] += 1
            misaligned += abs(there.now - back.now) > 1
        values: dict[str, Any] = {"pairs": len(pairs), "bands": bands}
        if "pair_misaligned" in components:
            values["misaligned"] = round(100 * misaligned / len(pairs))
        return Cell(cell, True, values=values), [self.figure(cell, c, pairs) for c in components]


def _counts(positions: Iterable[int]) -> dict[str, int]:
    counts = dict.fromkeys(analytics.SPECTRUM, 0)
    for position in positions:
        counts[analytics.SPECTRUM[position - 1]] += 1
    return counts


def _build(data: _Round, held: Mapping[str, str], rules: Rules) -> _Built:
    k = data.data.k
    built = _Built({}, [])

    def add(cell: Cell, figures: list[Figure]) -> None:
        if cell.id in held:
            cell, figures = Cell(cell.id, False, held[cell.id]), []
        built.cells[cell.id] = cell
        built.figures.extend(figures)

    covered: list[Key] = []
    for organisation in sorted(data.data.participants):
        basis = sorted(data.into.get(organisation, []))
        cell, figures = data.tie_cell(f"received:{organisation}", basis, ("trust", "value"), k)
        add(cell, figures)
        if built.cells[cell.id].shown:
            covered.extend(basis)
    ratings: list[Key] = sorted(covered) if rules.only_publishable_ratings else sorted(data.ties)
    add(*data.tie_cell("round", ratings, TIE_COMPONENTS, k))
    in_ratings = set(ratings)
    pairs = sorted({pair_key(a, b) for a, b in ratings if (b, a) in in_ratings})
    add(*data.pair_cell("pairs", pairs, ("pair_band",), k))
    if rules.pairs_one_by_one:
        for a, b in pairs:
            both = [(a, b), (b, a)]
            trust = _mean(data.ties[key].trust for key in both)
            add(
                Cell(f"pair:{a}:{b}", True, values={"band": analytics.band(trust)}),
                [data.figure(f"pair:{a}:{b}", c, both) for c in ("trust", "now")],
            )
    for pcn, practices in sorted(data.data.pcns.items()):
        inner = [key for key in ratings if key[0] in practices and key[1] in practices]
        add(*data.tie_cell(f"pcn:{pcn}", inner, ("now", "wanted"), k))
        inner_pairs = [p for p in pairs if p[0] in practices and p[1] in practices]
        add(*data.pair_cell(f"pcn_pairs:{pcn}", inner_pairs, PAIR_COMPONENTS, k))
    answered = sorted(data.data.awareness)
    if len(answered) >= k:
        mean = _one_decimal(_mean(data.data.awareness[o] for o in answered))
        values = {"mean": mean, "organisations": len(answered)}
        add(
            Cell("awareness", True, values=values),
            [data.figure("awareness", "awareness", [(o,) for o in answered])],
        )
    else:
        add(Cell("awareness", False, FEW), [])
    return built


# The adversary's view -------------------------------------------------------------------------


def viewers(rounds: Iterable[Published | RoundInput], figures: Iterable[Figure]) -> list[Viewer]:
    """Every participant of these rounds, knowing its own ratings (in any round) and the
    views shared with it (pairs that both agreed, in any round)."""
    participants: set[int] = set()
    shared: dict[int, set[int]] = defaultdict(set)
    for r in rounds:
        participants |= set(r.participants)
        for a, b in r.consents:
            shared[a].add(b)
            shared[b].add(a)
    # Each key under the organisations that could know it: its rater (ties), its ratee
    # when the rater shared with it, the parties of a shared pair, the organisation itself.
    known: dict[int, dict[str, set[Key]]] = defaultdict(lambda: defaultdict(set))
    for figure in figures:
        component = figure.component
        for key in figure.basis:
            if component in TIE_COMPONENTS:
                known[key[0]][component].add(key)
                if key[0] in shared[key[1]]:
                    known[key[1]][component].add(key)
            elif component in PAIR_COMPONENTS:
                if key[1] in shared[key[0]]:
                    known[key[0]][component].add(key)
                    known[key[1]][component].add(key)
            else:
                known[key[0]][component].add(key)
    return [
        Viewer(
            f"organisation {organisation}",
            {c: frozenset(keys) for c, keys in known[organisation].items()},
        )
        for organisation in sorted(participants)
    ]


def leaks(
    rounds: Sequence[Published | RoundInput], figures: Sequence[Figure], k: int
) -> list[Leak]:
    """What every participant of these rounds could work out from these figures."""
    return audit(figures, viewers(rounds, figures), k=k, unit=unit)


def _leak_id(leak: Leak) -> tuple[str, str, frozenset[Key]]:
    return (leak.viewer, leak.component, leak.keys)


# Publishing ----------------------------------------------------------------------------------


def publish(
    data: RoundInput, history: Sequence[Published] = (), *, rules: Rules | None = None
) -> Publication:
    """The cells this round may show, given what overlapping rounds already show.

    Views that two organisations agreed to share come first: each pair's views are shown
    unless, with what is already published for other rounds (which cannot be taken back),
    they would let someone isolate a rating; such a pair's views are withheld. Then this
    round's cells are held back, least important first, until nothing leaks."""
    rules = rules or Rules()
    if data.k < rules.min_k:
        raise ValueError(f"k must be at least {rules.min_k}, not {data.k}")
    past = [f for h in history for f in h.figures]
    agreed = data.consents
    if rules.secondary_suppression and agreed and past:
        data = replace(data, consents=consents_that_keep_history_safe(data, history))
    indexed = _Round(data)
    everyone: list[Published | RoundInput] = [*history, data]
    held: dict[str, str] = {}
    already = {_leak_id(leak) for leak in leaks(everyone, past, data.k)} if past else set()
    while True:
        built = _build(indexed, held, rules)
        if not rules.secondary_suppression:
            break
        figures = [*past, *built.figures]
        found = [leak for leak in leaks(everyone, figures, data.k) if _leak_id(leak) not in already]
        if not found:
            break
        held[_victim(found[0], indexed, held, rules, everyone, past)] = OVERLAP
    return Publication(
        data.round_id,
        data.k,
        built.cells,
        tuple(built.figures),
        consents=data.consents,
        withheld=agreed - data.consents,
    )


def consents_that_keep_history_safe(
    data: RoundInput, history: Sequence[Published]
) -> frozenset[tuple[int, int]]:
    """The agreed pairs whose views can be shown without isolating a rating in what other
    rounds already published (a view shared now is, to the adversary, that organisation's
    answer in earlier rounds too), added one pair at a time in a fixed order."""
    past = [f for h in history for f in h.figures]
    alone = replace(data, consents=frozenset())
    already = {_leak_id(leak) for leak in leaks([*history, alone], past, data.k)}
    everything = replace(data, consents=data.consents)
    if not _new_leaks([*history, everything], past, data.k, already):
        return data.consents
    accepted: set[tuple[int, int]] = set()
    for pair in sorted(data.consents):
        trial = replace(data, consents=frozenset(accepted | {pair}))
        if not _new_leaks([*history, trial], past, data.k, already):
            accepted.add(pair)
    return frozenset(accepted)


def _new_leaks(
    rounds: Sequence[Published | RoundInput],
    figures: Sequence[Figure],
    k: int,
    already: set[tuple[str, str, frozenset[Key]]],
) -> list[Leak]:
    return [leak for leak in leaks(rounds, figures, k) if _leak_id(leak) not in already]


def _cell_kind(cell_id: str) -> str:
    return cell_id.split(":")[0]


def _victim(
    leak: Leak,
    indexed: _Round,
    held: Mapping[str, str],
    rules: Rules,
    everyone: Sequence[Published | RoundInput],
    past: Sequence[Figure],
) -> str:
    """The least important shown cell of this round whose holding back ends this leak.

    Cells whose figures contain the leaked ratings are tried first, narrowest kind first
    (PRIORITY); holding one back is tried for real, because the totals of a round are sums
    of its parts and the solver's own choice of combination would name them all."""
    built = _build(indexed, held, rules)
    shown = [cell.id for cell in built.cells.values() if cell.shown]
    touching = {
        figure.id.split(":", 1)[1].rsplit(":", 1)[0]
        for figure in built.figures
        if figure.component == leak.component and figure.basis & leak.keys
    }
    order = sorted(shown, key=lambda c: (c not in touching, PRIORITY.index(_cell_kind(c)), c))
    for candidate in order:
        trial = _build(indexed, {**held, candidate: OVERLAP}, rules)
        figures = [f for f in [*past, *trial.figures] if f.component == leak.component]
        viewer = [v for v in viewers(everyone, figures) if v.name == leak.viewer]
        remaining = audit(figures, viewer, k=indexed.data.k, unit=unit)
        if not any(_leak_id(found) == _leak_id(leak) for found in remaining):
            return candidate
    return order[0]
