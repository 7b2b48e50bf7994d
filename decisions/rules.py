"""The consensus rule, as a pure function so that pages, API and services share it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberPosition:
    stance: str  # a decisions.models.Stance value
    version: int  # the version it was given on


def consensus_blockers(
    *,
    members: Mapping[int, str],
    positions: Mapping[int, MemberPosition],
    current_version: int,
    objecting: Mapping[int, int],
    max_stand_aside_share: float,
) -> list[str]:
    """What stops consensus being recorded, in plain words; empty when the rule holds.

    members: leadership organisations (id -> name); positions: their current positions;
    objecting: organisation id -> number of its open objections.
    """
    blockers = []
    missing = sorted(name for pk, name in members.items() if pk not in positions)
    stale = sorted(
        name
        for pk, name in members.items()
        if pk in positions and positions[pk].version != current_version
    )
    if missing:
        blockers.append(f"No position yet from: {', '.join(missing)}.")
    if stale:
        blockers.append(
            f"Position given on an earlier version, to reconfirm on version "
            f"{current_version}: {', '.join(stale)}."
        )
    open_objections = sorted(members.get(pk, str(pk)) for pk, n in objecting.items() if n)
    if open_objections:
        blockers.append(f"Open objections from: {', '.join(open_objections)}.")
    stand_asides = sum(
        1 for pk in members if pk in positions and positions[pk].stance == "stand_aside"
    )
    if members and stand_asides > max_stand_aside_share * len(members) + 1e-9:
        blockers.append(
            f"{stand_asides} of {len(members)} members stand aside, more than the "
            f"{max_stand_aside_share:.0%} the collective allows: the group is not really "
            "behind it."
        )
    return blockers
