"""networkx against plain Python for a round's graph measures (ADR 0004).

Builds a random collective of 150 organisations, each rating 30 others (4,500 directed
ties, fixed seed), and times surveys.analytics.round_measures as written (networkx for
density, reciprocity and degree centralization) and with those three measures computed by a
hand-written plain-Python function instead. Also times the graph measures alone. Medians of
5; the ratios, not the seconds, are the result.

Runs without Django: `.venv/bin/python bench/graph_library.py`.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys import analytics  # noqa: E402
from surveys.analytics import RC_DIMENSIONS, Tie, round_measures  # noqa: E402

ORGANISATIONS = 150
RATED_EACH = 30
SEED = 2026
REPEAT = 5


def collective(seed: int = SEED) -> tuple[set[int], list[Tie]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    organisations = list(range(1, ORGANISATIONS + 1))
    ties = []
    for rater in organisations:
        others = [org for org in organisations if org != rater]
        for ratee in rng.sample(others, RATED_EACH):
            ties.append(
                Tie(
                    rater,
                    ratee,
                    trust=rng.uniform(1, 4),
                    value=rng.uniform(1, 4),
                    rc=tuple(rng.uniform(1, 5) for _ in RC_DIMENSIONS),
                    now=rng.randint(1, 5),
                    wanted=rng.randint(1, 5),
                )
            )
    return set(organisations), ties


def plain_graph_measures(
    participants: set[int], pairs: list[tuple[int, int]]
) -> tuple[float, float, float]:
    """Density, reciprocity and Freeman degree centralization without networkx."""
    edges = set(pairs)
    n = len(participants)
    density = len(edges) / (n * (n - 1)) if n >= 2 else 0.0
    reciprocated = sum(1 for rater, ratee in edges if (ratee, rater) in edges)
    reciprocity = reciprocated / len(edges) if edges else 0.0
    centralization = 0.0
    if n >= 3:
        neighbours: dict[int, set[int]] = {org: set() for org in participants}
        for rater, ratee in edges:
            neighbours[rater].add(ratee)
            neighbours[ratee].add(rater)
        degrees = [len(adjacent) for adjacent in neighbours.values()]
        top = max(degrees)
        centralization = sum(top - degree for degree in degrees) / ((n - 1) * (n - 2))
    return density, reciprocity, centralization


def median_time(work: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    participants, ties = collective()
    pairs = [(tie.rater, tie.ratee) for tie in ties]

    with_networkx = round_measures(participants, ties)
    with mock.patch.object(analytics, "_graph_measures", plain_graph_measures):
        with_plain = round_measures(participants, ties)
    for name in ("density", "reciprocity", "centralization"):
        a, b = getattr(with_networkx, name), getattr(with_plain, name)
        if not math.isclose(a, b):
            raise SystemExit(f"{name}: networkx {a} != plain {b}")

    def plain_round() -> object:
        with mock.patch.object(analytics, "_graph_measures", plain_graph_measures):
            return round_measures(participants, ties)

    full_nx = median_time(lambda: round_measures(participants, ties))
    full_plain = median_time(plain_round)
    graph_nx = median_time(lambda: analytics._graph_measures(participants, pairs))
    graph_plain = median_time(lambda: plain_graph_measures(participants, pairs))

    print(
        f"Collective: {len(participants)} organisations, {len(ties):,} ties "
        f"(seed {SEED}); density {with_networkx.density:.3f}, "
        f"reciprocity {with_networkx.reciprocity:.3f}, "
        f"centralization {with_networkx.centralization:.3f}"
    )
    for title, plain, networkx in (
        ("round_measures", full_plain, full_nx),
        ("density, reciprocity and centralization only", graph_plain, graph_nx),
    ):
        print(f"{title} (median of {REPEAT}):")
        print(f"  plain Python   {plain * 1000:8.2f} ms")
        print(f"  networkx       {networkx * 1000:8.2f} ms   = {networkx / plain:5.2f} x plain")


if __name__ == "__main__":
    main()
