"""Coverage and the warmth × sway grid: pure rules over plain data, no database.

General practice gains influence through a few warm relationships with people who hold sway
in each key system organisation. These functions decide, from what the collective knows:

- where each stakeholder sits on the warmth × sway grid (key allies, win over, keep warm,
  monitor) and how they moved since the assessment before;
- which key organisations are covered (a key relationship there is warm, at least
  ``WARM``, and holds sway, at least ``SWAY``) and which are gaps;
- for a gap, the other people already known there, best first (most sway, then warmest),
  with why each is worth a look ("The Director of Strategy may be worth more than the Chief
  Executive").

The selectors (system.selectors_coverage) load the facts in a fixed number of queries and
hand them here as ``Known`` people and ``Slot``s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from system.models import DEFAULT_KEY_KINDS, SWAY, WARM

# Facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One assessment: warmth and sway on the 1 to 5 scales, and when it was made."""

    warmth: int
    sway: int
    on: dt.date


@dataclass(frozen=True)
class Known:
    """A stakeholder as coverage sees them. ``owners`` are the GP leaders who hold a key
    relationship with them (empty: nobody does)."""

    stakeholder_id: int
    name: str
    role: str
    organisation_id: int
    organisation_name: str = ""
    current: Reading | None = None
    previous: Reading | None = None
    owners: tuple[str, ...] = ()

    @property
    def is_key(self) -> bool:
        return bool(self.owners)

    @property
    def label(self) -> str:
        """Their name, and their role where known: "Dana Shaw, Director of Strategy"."""
        return f"{self.name}, {self.role}" if self.role else self.name


@dataclass(frozen=True)
class Slot:
    """One key organisation, or a kind of organisation (``organisation_id`` None) that the
    defaults want but the collective knows nobody at."""

    kind: str
    organisation_id: int | None = None
    organisation_name: str = ""


# The grid ---------------------------------------------------------------------------------


class Quadrant(StrEnum):
    KEY_ALLIES = "key_allies"
    WIN_OVER = "win_over"
    KEEP_WARM = "keep_warm"
    MONITOR = "monitor"


QUADRANT_NAMES = {
    Quadrant.KEY_ALLIES: "Key allies",
    Quadrant.WIN_OVER: "Win over",
    Quadrant.KEEP_WARM: "Keep warm",
    Quadrant.MONITOR: "Monitor",
}
QUADRANT_ADVICE = {
    Quadrant.KEY_ALLIES: "Warm and holding sway: keep them close, and talk to them before "
    "system meetings.",
    Quadrant.WIN_OVER: "They hold sway but are not warm yet: listen, and learn their agenda.",
    Quadrant.KEEP_WARM: "Warm, with little sway: keep in touch. They may know who holds it.",
    Quadrant.MONITOR: "Neither warm nor holding sway yet: keep an eye on them.",
}
#: The order the grid and its lists show the quadrants in.
QUADRANT_ORDER = (Quadrant.KEY_ALLIES, Quadrant.WIN_OVER, Quadrant.KEEP_WARM, Quadrant.MONITOR)


def is_warm(reading: Reading, warm: int = WARM) -> bool:
    return reading.warmth >= warm


def holds_sway(reading: Reading, sway: int = SWAY) -> bool:
    return reading.sway >= sway


def quadrant(reading: Reading, warm: int = WARM, sway: int = SWAY) -> Quadrant:
    if holds_sway(reading, sway):
        return Quadrant.KEY_ALLIES if is_warm(reading, warm) else Quadrant.WIN_OVER
    return Quadrant.KEEP_WARM if is_warm(reading, warm) else Quadrant.MONITOR


@dataclass(frozen=True)
class Movement:
    """How far warmth and sway moved since the assessment before, made on ``since``."""

    warmth: int
    sway: int
    since: dt.date

    @property
    def still(self) -> bool:
        return self.warmth == 0 and self.sway == 0


def movement(current: Reading | None, previous: Reading | None) -> Movement | None:
    """None until a stakeholder has been assessed twice."""
    if current is None or previous is None:
        return None
    return Movement(current.warmth - previous.warmth, current.sway - previous.sway, previous.on)


def day_words(day: dt.date, *, year_of: dt.date | None = None) -> str:
    """ "3 March", with the year when it is not ``year_of``'s: "3 March 2024"."""
    text = f"{day.day} {day:%B}"
    return text if year_of is not None and year_of.year == day.year else f"{text} {day.year}"


def movement_words(found: Movement | None, *, now: Reading | None = None) -> str:
    """The movement in words: "warmer by 1 since 3 March", "cooler by 2 and more sway by 1
    since 3 March 2024", "no change since 3 March"; "" with nothing to compare."""
    if found is None:
        return ""
    parts = []
    if found.warmth:
        parts.append(f"{'warmer' if found.warmth > 0 else 'cooler'} by {abs(found.warmth)}")
    if found.sway:
        parts.append(f"{'more' if found.sway > 0 else 'less'} sway by {abs(found.sway)}")
    what = " and ".join(parts) or "no change"
    return f"{what} since {day_words(found.since, year_of=now.on if now else None)}"


def movement_arrows(found: Movement | None) -> str:
    """A short visual cue for the movement ("warmth ↑1 sway ↓2", "=" for none). Shown beside
    the words, hidden from screen readers, which read the words."""
    if found is None:
        return ""
    if found.still:
        return "="
    parts = []
    for name, by in (("warmth", found.warmth), ("sway", found.sway)):
        if by:
            parts.append(f"{name} {'↑' if by > 0 else '↓'}{abs(by)}")
    return " ".join(parts)


@dataclass(frozen=True)
class Placement:
    person: Known
    quadrant: Quadrant | None  # None: not assessed yet
    movement: Movement | None
    movement_words: str
    movement_arrows: str


def place(person: Known) -> Placement:
    moved = movement(person.current, person.previous)
    return Placement(
        person=person,
        quadrant=quadrant(person.current) if person.current else None,
        movement=moved,
        movement_words=movement_words(moved, now=person.current),
        movement_arrows=movement_arrows(moved),
    )


def best_first_key(person: Known) -> tuple[int, int, int, str, int]:
    """Assessed people first, most sway, then warmest, then by name."""
    reading = person.current
    if reading is None:
        return (1, 0, 0, person.name.casefold(), person.stakeholder_id)
    return (0, -reading.sway, -reading.warmth, person.name.casefold(), person.stakeholder_id)


def best_first(people: Iterable[Known]) -> list[Known]:
    return sorted(people, key=best_first_key)


@dataclass
class Grid:
    """Each quadrant's people, best first, and those not assessed yet."""

    quadrants: dict[Quadrant, list[Placement]] = field(default_factory=dict)
    unassessed: list[Placement] = field(default_factory=list)

    @property
    def placements(self) -> list[Placement]:
        """Everyone, quadrant by quadrant, then the unassessed."""
        return [p for q in QUADRANT_ORDER for p in self.quadrants[q]] + self.unassessed


def grid(people: Iterable[Known]) -> Grid:
    found = Grid(quadrants={q: [] for q in QUADRANT_ORDER})
    for person in best_first(people):
        placed = place(person)
        if placed.quadrant is None:
            found.unassessed.append(placed)
        else:
            found.quadrants[placed.quadrant].append(placed)
    return found


# Coverage ---------------------------------------------------------------------------------

#: How coverage names a kind of organisation in a sentence ("No council known yet").
KIND_WORDS = {
    "icb": "ICB",
    "community_trust": "community trust",
    "acute_trust": "acute trust",
    "mental_health_trust": "mental health trust",
    "local_authority": "council",
    "public_health": "public health team",
}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


def default_slots(
    organisations: Iterable[tuple[int, str, str]], kinds: Sequence[str] = DEFAULT_KEY_KINDS
) -> list[Slot]:
    """The key organisations when a convenor has set none: for each kind, in order, the
    organisations of that kind where stakeholders are known ((id, name, kind), by name), or
    one empty slot for the kind when none is."""
    by_kind: dict[str, dict[int, str]] = {kind: {} for kind in kinds}
    for pk, name, kind in organisations:
        if kind in by_kind:
            by_kind[kind][pk] = name
    slots = []
    for kind in kinds:
        known = sorted(by_kind[kind].items(), key=lambda item: (item[1].casefold(), item[0]))
        slots += [Slot(kind, pk, name) for pk, name in known] or [Slot(kind)]
    return slots


class Status(StrEnum):
    COVERED = "covered"
    GAP = "gap"
    UNKNOWN = "unknown"  # a kind the defaults want, with nobody known at one


STATUS_NAMES = {Status.COVERED: "Covered", Status.GAP: "Gap", Status.UNKNOWN: "Gap"}


def covers(person: Known, warm: int = WARM, sway: int = SWAY) -> bool:
    """A key relationship covers its organisation when warm and holding sway."""
    reading = person.current
    return person.is_key and reading is not None and reading.warmth >= warm and reading.sway >= sway


def why_not_covering(person: Known, warm: int = WARM, sway: int = SWAY) -> str:
    """Why a key relationship does not cover its organisation, in words."""
    reading = person.current
    if reading is None:
        return "not assessed yet"
    reasons = []
    if reading.warmth < warm:
        reasons.append(f"not warm yet (warmth {reading.warmth})")
    if reading.sway < sway:
        reasons.append(f"little sway (sway {reading.sway})")
    return " and ".join(reasons)


def _described(person: Known) -> str:
    """ "the Director of Strategy", or their name when their role is not known."""
    if not person.role:
        return person.name
    role = person.role.strip()
    return role if role.casefold().startswith("the ") else f"the {role}"


def worth_more(person: Known, than: Known) -> str:
    """ "The Director of Strategy may be worth more than the Chief Executive"."""
    mine, theirs = _described(person), _described(than)
    if mine.casefold() == theirs.casefold():
        mine, theirs = person.label, than.label
    return f"{mine[0].upper()}{mine[1:]} may be worth more than {theirs}"


def suggestion_reason(person: Known, warm: int = WARM, sway: int = SWAY) -> str:
    reading = person.current
    if reading is None:
        return "Not assessed yet: assess their warmth and sway."
    if reading.warmth >= warm and reading.sway >= sway:
        return "Warm and holds sway: a good key relationship."
    if reading.sway >= sway:
        return "Holds sway but is not warm yet: worth winning over."
    if reading.warmth >= warm:
        return "Warm, with little sway: they may know who holds it."
    return "Neither warm nor holding sway yet."


@dataclass(frozen=True)
class Suggestion:
    person: Known
    reason: str
    worth_more: str  # "" unless they hold more sway than every key relationship there


@dataclass(frozen=True)
class OrganisationCoverage:
    slot: Slot
    status: Status
    covered_by: list[Known]  # the key relationships that cover it
    not_covering: list[tuple[Known, str]]  # the other key relationships there, and why
    suggestions: list[Suggestion]  # for a gap: the other people known there, best first
    message: str

    @property
    def is_gap(self) -> bool:
        return self.status != Status.COVERED


def _suggestions(others: list[Known], keys: list[Known], warm: int, sway: int) -> list[Suggestion]:
    assessed_keys = best_first(k for k in keys if k.current is not None)
    strongest = assessed_keys[0] if assessed_keys else None
    found = []
    for person in best_first(others):
        better = ""
        if (
            strongest is not None
            and strongest.current is not None
            and person.current is not None
            and person.current.sway > strongest.current.sway
        ):
            better = worth_more(person, strongest)
        found.append(Suggestion(person, suggestion_reason(person, warm, sway), better))
    return found


def organisation_coverage(
    slot: Slot, people: Iterable[Known], warm: int = WARM, sway: int = SWAY
) -> OrganisationCoverage:
    """One key organisation against the people known there (``people`` may hold others:
    only those of the slot's organisation count)."""
    if slot.organisation_id is None:
        return OrganisationCoverage(
            slot,
            Status.UNKNOWN,
            [],
            [],
            [],
            f"No {kind_words(slot.kind)} known yet: add a stakeholder there.",
        )
    there = [p for p in people if p.organisation_id == slot.organisation_id]
    keys = best_first(p for p in there if p.is_key)
    covering = [p for p in keys if covers(p, warm, sway)]
    if covering:
        names = "; ".join(f"{' and '.join(p.owners)} with {p.label}" for p in covering)
        return OrganisationCoverage(slot, Status.COVERED, covering, [], [], f"Covered by {names}.")
    not_covering = [(p, why_not_covering(p, warm, sway)) for p in keys]
    others = [p for p in there if not p.is_key]
    if not there:
        message = f"Nobody known at {slot.organisation_name} yet: add a stakeholder there."
    elif not keys:
        message = f"No key relationship at {slot.organisation_name} yet."
    else:
        message = f"No warm key relationship with sway at {slot.organisation_name}."
    return OrganisationCoverage(
        slot, Status.GAP, [], not_covering, _suggestions(others, keys, warm, sway), message
    )


def coverage(
    slots: Sequence[Slot], people: Iterable[Known], warm: int = WARM, sway: int = SWAY
) -> list[OrganisationCoverage]:
    """Each key organisation, in order, covered or a gap."""
    everyone = list(people)
    return [organisation_coverage(slot, everyone, warm, sway) for slot in slots]
