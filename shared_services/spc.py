"""Statistical process control for monthly figures, as NHS England's "Making Data Count".

A run of monthly values goes up and down for no reason at all most of the time; reacting to
every wobble wastes effort and hides the changes that matter. An individuals (XmR) chart
separates the two: the *process limits* (mean ± 2.66 × mean moving range) mark how far the
figure wanders on its own ("common cause"), and a few simple rules pick out the points that
are unlikely to be chance ("special cause"). This module is the arithmetic only, with no
database and no Django, so pages, exports and tests can all share one answer.

What is done, and why:

* **Missing values** (``None``) are gaps: they are drawn as breaks in the line and left out of
  every calculation. The values either side of a gap are treated as neighbours, for the
  moving ranges and for runs and trends alike, because a month with no figure says nothing
  about whether the process changed.
* **Limits** are ``mean ± 2.66 × MR-bar``, where MR-bar is the mean of ``|x_i − x_{i−1}|``
  over consecutive values. 2.66 is 3 / 1.128 (three sigma estimated from the moving range),
  the constant Making Data Count uses. Limits need at least one moving range, so at least two
  values; with fewer, ``limits`` is ``None``. Making Data Count asks for 15 or more points
  before limits are trusted, so ``enough_points`` says whether there are, but limits are still
  worked out from two values up, because a page that warns is more use than a blank chart.
  Limits are not clipped (a negative lower limit is honest arithmetic) unless the caller
  passes ``floor`` (e.g. ``0`` for a count) or ``ceiling`` (e.g. ``100`` for a percentage).
* **Rules** (each point records the names of the rules it breaks):

  1. ``above_upper_limit`` / ``below_lower_limit``: the value is strictly beyond a process
     limit (on the limit is not beyond it);
  2. ``run_above_mean`` / ``run_below_mean``: the point is one of 6 or more consecutive values
     all strictly above (or all strictly below) the mean; a value exactly on the mean ends a
     run; every point of the run is flagged;
  3. ``rising_trend`` / ``falling_trend``: the point is one of 6 or more consecutive values
     each strictly higher (or strictly lower) than the one before; an equal value ends the
     trend; every point of the trend is flagged. A peak can end one trend and begin another,
     so a point may carry both.

* **Improvement or concern.** Each rule points one way: ``above_upper_limit``,
  ``run_above_mean`` and ``rising_trend`` are *high*, the other three *low*. A high signal is
  an improvement when up is better and a concern when down is better (and the reverse for a
  low one); with no direction of improvement every signal is "neither". A point's ``kind`` is
  ``"common cause"`` with no signals; otherwise the one classification its signals share; and
  where its signals disagree (a rising trend that is still below the mean, say), the side of
  the mean the point is on decides, as Making Data Count's own tools colour points by their
  side of the mean – and "neither" if it sits exactly on the mean.
* **The variation icon** describes the latest month: it is taken from the last point that has
  a value (a trailing missing month has nothing to describe): ``"common cause"`` if that
  point has no signals, otherwise ``"special cause – improvement"``,
  ``"special cause – concern"`` or ``"special cause – neither"`` from its ``kind``. A series
  with no values at all is ``"common cause"``.

All comparisons are exact: values are turned into fractions (a float by its shortest decimal
form, so ``0.1`` means one tenth, as the person who typed it meant), so a value that equals
the mean really is on the mean and the answer never depends on rounding. The results are
given back as floats, which is what pages and charts want.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any, Literal

Direction = Literal["up", "down"]
Number = Decimal | float

SIGMA = Fraction(266, 100)  # Making Data Count's 2.66 = 3 / d2, d2 = 1.128 for n = 2
RUN = 6  # consecutive points on one side of the mean
TREND = 6  # consecutive points each rising (or each falling)
RELIABLE = 15  # points Making Data Count asks for before limits are trusted

ABOVE_UPPER = "above_upper_limit"
BELOW_LOWER = "below_lower_limit"
RUN_ABOVE = "run_above_mean"
RUN_BELOW = "run_below_mean"
RISING = "rising_trend"
FALLING = "falling_trend"

HIGH_RULES = frozenset({ABOVE_UPPER, RUN_ABOVE, RISING})
LOW_RULES = frozenset({BELOW_LOWER, RUN_BELOW, FALLING})

RULES = {
    ABOVE_UPPER: "Above the upper process limit",
    BELOW_LOWER: "Below the lower process limit",
    RUN_ABOVE: f"One of {RUN} or more points in a row above the mean",
    RUN_BELOW: f"One of {RUN} or more points in a row below the mean",
    RISING: f"One of {TREND} or more points in a row, each higher than the last",
    FALLING: f"One of {TREND} or more points in a row, each lower than the last",
}

COMMON_CAUSE = "common cause"
IMPROVEMENT = "improvement"
CONCERN = "concern"
NEITHER = "neither"

VARIATION = {
    COMMON_CAUSE: "common cause",
    IMPROVEMENT: "special cause – improvement",
    CONCERN: "special cause – concern",
    NEITHER: "special cause – neither",
}


@dataclass(frozen=True)
class Limits:
    """The process limits: values between them are what the process does on its own."""

    lower: float
    upper: float


@dataclass(frozen=True)
class Point:
    """One month as charted: its value as given (``None`` for a gap), the names of the rules
    it breaks (in the order of ``RULES``) and what that means given the direction of
    improvement (``COMMON_CAUSE``, ``IMPROVEMENT``, ``CONCERN`` or ``NEITHER``)."""

    label: str
    value: Number | None
    signals: tuple[str, ...] = ()
    kind: str = COMMON_CAUSE

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)


@dataclass(frozen=True)
class RunChart:
    """An XmR chart of a series: see the module docstring for what each figure means.

    ``mean`` is ``None`` only when no point has a value; ``limits`` is ``None`` with fewer
    than two values; ``enough_points`` is whether there are at least 15 values (not counting
    gaps), below which a page should say the limits are not yet reliable."""

    points: tuple[Point, ...]
    improvement: Direction | None
    mean: float | None
    mean_moving_range: float | None
    limits: Limits | None
    enough_points: bool
    variation: str

    @property
    def values(self) -> list[float]:
        """The values that count, in order, without the gaps."""
        return [float(p.value) for p in self.points if p.value is not None]

    def chart(
        self,
        width: int = 600,
        height: int = 220,
        pad: int = 40,
        *,
        low: float | None = None,
        high: float | None = None,
    ) -> dict[str, Any]:
        """Coordinates for a small server-drawn SVG (no script, no inline style), shaped like
        ``surveys.results.trend_chart``.

        Every point keeps its place along the x axis, so a missing month leaves a gap: it has
        no dot and the line breaks there (``path`` starts a new ``M`` after it). The y axis
        covers the values, the mean and the limits (and ``low``/``high`` if given, e.g. 0 and
        100 for a percentage), widened to round numbers so the grid lines have tidy labels.
        ``mean``, ``upper`` and ``lower`` are y positions, or ``None`` where there is no such
        line. Coordinates are rounded to one decimal place."""
        step = (width - 2 * pad) / max(1, len(self.points) - 1)
        known = [*self.values]
        if self.mean is not None:
            known.append(self.mean)
        if self.limits is not None:
            known += [self.limits.lower, self.limits.upper]
        known += [v for v in (low, high) if v is not None]
        bottom, top, ticks = _axis(known)

        def x(i: int) -> float:
            return round(pad + i * step, 1)

        def y(value: float) -> float:
            return round(height - pad - (value - bottom) / (top - bottom) * (height - 2 * pad), 1)

        dots = [
            {
                "x": x(i),
                "y": y(float(p.value)),
                "value": p.value,
                "label": p.label,
                "signals": p.signals,
                "kind": p.kind,
            }
            for i, p in enumerate(self.points)
            if p.value is not None
        ]
        path: list[str] = []
        pen_down = False
        for i, p in enumerate(self.points):
            if p.value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x(i)},{y(float(p.value))}")
            pen_down = True
        return {
            "width": width,
            "height": height,
            "pad": pad,
            "dots": dots,
            "labels": [{"x": x(i), "label": p.label} for i, p in enumerate(self.points)],
            "path": " ".join(path),
            "mean": None if self.mean is None else y(self.mean),
            "upper": None if self.limits is None else y(self.limits.upper),
            "lower": None if self.limits is None else y(self.limits.lower),
            "grid": [{"y": y(v), "label": label} for v, label in ticks],
        }


def run_chart(
    points: Iterable[tuple[str, Number | None]],
    *,
    improvement: Direction | None = None,
    floor: Number | None = None,
    ceiling: Number | None = None,
) -> RunChart:
    """The XmR chart of ``points`` — ``(label, value)`` pairs in time order, ``None`` for a
    month with no figure — with each point's special-cause signals.

    ``improvement`` is which way is better (``"up"``, ``"down"``, or ``None`` when neither
    is). ``floor`` and ``ceiling`` clip the lower and upper limits to what the measure can
    reach; rule 1 then uses the clipped limits, since those are the lines drawn."""
    if improvement not in ("up", "down", None):
        raise ValueError(f"improvement must be 'up', 'down' or None, not {improvement!r}")
    given = [(str(label), value) for label, value in points]
    exact = [None if value is None else _exact(value) for _, value in given]
    values = [(i, v) for i, v in enumerate(exact) if v is not None]
    xs = [v for _, v in values]

    mean = sum(xs, Fraction(0)) / len(xs) if xs else None
    ranges = [abs(b - a) for a, b in pairwise(xs)]
    mr_bar = sum(ranges, Fraction(0)) / len(ranges) if ranges else None
    limits: tuple[Fraction, Fraction] | None = None
    if mean is not None and mr_bar is not None:
        lower, upper = mean - SIGMA * mr_bar, mean + SIGMA * mr_bar
        if floor is not None:
            lower = max(lower, _exact(floor))
        if ceiling is not None:
            upper = min(upper, _exact(ceiling))
        limits = (lower, upper)

    found: list[set[str]] = [set() for _ in given]
    if limits is not None:
        for i, v in values:
            if v > limits[1]:
                found[i].add(ABOVE_UPPER)
            elif v < limits[0]:
                found[i].add(BELOW_LOWER)
    if mean is not None:
        sides = [_sign(v - mean) for v in xs]
        _flag_runs(found, values, sides, RUN, {1: RUN_ABOVE, -1: RUN_BELOW})
        # A trend of n points is n - 1 steps the same way; each step is credited to the point
        # it arrives at, and the point it leaves is added back when the trend is flagged.
        steps = [0, *(_sign(b - a) for a, b in pairwise(xs))]
        _flag_runs(found, values, steps, TREND - 1, {1: RISING, -1: FALLING}, lead=1)

    order = list(RULES)
    charted: list[Point] = []
    for (label, value), number, rules in zip(given, exact, found, strict=True):
        signals = tuple(sorted(rules, key=order.index))
        side = None if number is None or mean is None else _sign(number - mean)
        charted.append(Point(label, value, signals, _kind(signals, improvement, side)))
    last = next((p for p in reversed(charted) if p.value is not None), None)
    return RunChart(
        points=tuple(charted),
        improvement=improvement,
        mean=None if mean is None else float(mean),
        mean_moving_range=None if mr_bar is None else float(mr_bar),
        limits=None if limits is None else Limits(float(limits[0]), float(limits[1])),
        enough_points=len(xs) >= RELIABLE,
        variation=VARIATION[last.kind if last is not None else COMMON_CAUSE],
    )


def classify(rule: str, improvement: Direction | None) -> str:
    """Whether breaking ``rule`` is an improvement, a concern or neither, given which way is
    better: a high signal (above the limit, a run above the mean, a rising trend) is an
    improvement when up is better and a concern when down is better, and a low one the
    reverse."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    if improvement is None:
        return NEITHER
    return IMPROVEMENT if (rule in HIGH_RULES) == (improvement == "up") else CONCERN


def _kind(signals: Sequence[str], improvement: Direction | None, side: int | None) -> str:
    """A point's classification; where its signals disagree, its side of the mean decides."""
    if not signals:
        return COMMON_CAUSE
    kinds = {classify(rule, improvement) for rule in signals}
    if len(kinds) == 1:
        return kinds.pop()
    if not side:
        return NEITHER
    return classify(RUN_ABOVE if side > 0 else RUN_BELOW, improvement)


def _flag_runs(
    found: list[set[str]],
    values: list[tuple[int, Fraction]],
    marks: list[int],
    length: int,
    rules: dict[int, str],
    lead: int = 0,
) -> None:
    """Flag every value in each stretch of at least ``length`` equal non-zero ``marks``
    (one per value), together with the ``lead`` values just before the stretch."""
    start = 0
    for end in range(1, len(marks) + 1):
        if end < len(marks) and marks[end] == marks[start]:
            continue
        if marks[start] and end - start >= length:
            for j in range(max(0, start - lead), end):
                found[values[j][0]].add(rules[marks[start]])
        start = end


def _exact(value: Number) -> Fraction:
    """A value as an exact fraction; a float by its shortest decimal form (``repr``)."""
    if isinstance(value, int):  # bool and int: exact already
        return Fraction(value)
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not number.is_finite():
        raise ValueError(f"values must be finite numbers, not {value!r}")
    return Fraction(number)


def _sign(value: Fraction) -> int:
    return (value > 0) - (value < 0)


def _axis(values: list[float]) -> tuple[float, float, list[tuple[float, str]]]:
    """A y axis over ``values`` with round-number ends and about four steps between them,
    so the grid lines fall on tidy numbers: (bottom, top, [(value, label), ...])."""
    if not values:
        values = [0.0, 1.0]
    bottom, top = min(values), max(values)
    if bottom == top:  # a constant series: give it some room rather than divide by zero
        spread = abs(bottom) / 10 or 1.0
        bottom, top = bottom - spread, top + spread
    rough = (top - bottom) / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough * (1 - 1e-9))
    digits = max(0, -math.floor(math.log10(step)) + (1 if step / magnitude == 2.5 else 0))
    first = math.floor(bottom / step + 1e-9)
    last = math.ceil(top / step - 1e-9)
    ticks = [round(k * step, digits) for k in range(first, last + 1)]
    return ticks[0], ticks[-1], [(v, f"{v:,.{digits}f}") for v in ticks]
