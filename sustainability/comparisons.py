"""The comparison maths behind a GP practice's sustainability figures, done the way OHID's
Fingertips profiles do it, so a practice sees the same picture here as there.

Three parts, all pure functions over plain numbers (no database, no models), so each can be
checked by hand and tested alone:

1. The spine chart: where a practice, its PCN and the collective sit among all England's
   practices (lowest, 25th and 75th percentiles, highest), on a 0..1 scale with England at
   the centre, and whether the practice differs from England.
2. The funnel plot: each of the collective's practices' rate against control limits around
   the collective's overall rate, which shrink as practices grow. A funnel is used, never a
   league table, because ranking practices by a rate mostly ranks their size: small
   practices swing by chance, and a ranked list turns that noise into winners and losers.
3. Flags: thresholds as pure functions, the threshold passed in, each answer carrying a
   plain-English reason.

Floats throughout: inputs may be Decimal (as `sustainability.readers` gives them) and are
turned into floats on the way in, because the maths here (square roots, powers, scaling for
drawing) is float maths and its results are for drawing and words, never money to be added
up. A missing (None) or non-finite input is refused with a ValueError naming it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

Number = Decimal | float | int

#: Two-sided z for 95% and 99.8% control limits (about 2 and 3 standard deviations), the
#: pair Spiegelhalter (2005) and Fingertips use.
Z_95 = 1.959964
Z_998 = 3.090232

#: Fingertips draws no spine (and gives no percentiles) for fewer than four values
#: (`ValueCategoriesCalculator.AreEnoughValuesToCalculatePercentiles`): quartiles of three
#: numbers describe nothing.
MIN_SPINE_VALUES = 4


def _number(value: Number | None, what: str) -> float:
    if value is None:
        raise ValueError(f"{what} is missing")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{what} is not a finite number ({value})")
    return result


def _num(value: float) -> str:
    """A figure for a sentence: thousands separated, at most two decimal places, no trailing
    zeros ("1,234.5", "0.4", "5")."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _ordinal(number: float) -> str:
    text = _num(number)
    if not float(number).is_integer():
        return f"{text}th"
    whole = int(number)
    if whole % 100 in (11, 12, 13):
        return f"{text}th"
    return text + {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")


# Percentiles ---------------------------------------------------------------------------------


def _percentile_of_sorted(ordered: Sequence[float], fraction: float) -> float:
    position = (len(ordered) - 1) * fraction
    below = math.floor(position)
    if below >= len(ordered) - 1:
        return ordered[-1]
    low, high = ordered[below], ordered[below + 1]
    found = low + (position - below) * (high - low)
    return min(max(found, low), high)  # float rounding never takes it past its neighbours


def percentile(values: Iterable[Number], centile: Number) -> float:
    """The `centile`th percentile (0 to 100) of `values`, by Fingertips' method: sort, take
    the position h = (n - 1) × centile / 100 counting from 0, and interpolate linearly
    between the values either side of it (`ValueCategoriesCalculator.CalculatePercentile`
    in Fingertips' source; the same as Excel's PERCENTILE.INC, R's type 7 and
    `statistics.quantiles(method="inclusive")`). Quartiles of 1..9 are 3 and 7; of 1..50,
    13.25 and 37.75 (Fingertips' own test). Fingertips then rounds to 10 decimal places
    to hide float noise; this does not, since that would flatten very small values."""
    fraction = _number(centile, "the centile") / 100
    if not 0 <= fraction <= 1:
        raise ValueError(f"the centile must be between 0 and 100, not {centile}")
    ordered = sorted(_number(v, "a value to take a percentile of") for v in values)
    if not ordered:
        raise ValueError("no values to take a percentile of")
    return _percentile_of_sorted(ordered, fraction)


# Control limits (shared by the spine's comparison and the funnel) ------------------------------


class Kind(StrEnum):
    """What a count over a denominator is: a proportion (people with something out of
    people, at most 1) or a rate (events per unit of exposure, such as per patient)."""

    PROPORTION = "proportion"
    RATE = "rate"


@dataclass(frozen=True)
class Limits:
    """Control limits at one denominator, in the figure's units (already × `per`)."""

    denominator: float
    centre: float
    lower_998: float
    lower_95: float
    upper_95: float
    upper_998: float


def _counted(kind: Kind | str, per: Number) -> tuple[Kind, float]:
    try:
        checked = Kind(kind)
    except ValueError:
        raise ValueError(f"the kind must be 'proportion' or 'rate', not {kind!r}") from None
    multiplier = _number(per, "the multiplier (per)")
    if multiplier <= 0:
        raise ValueError(f"the multiplier (per) must be more than 0, not {per}")
    return checked, multiplier


def control_limits(
    centre: Number, denominator: Number, *, kind: Kind | str = Kind.PROPORTION, per: Number = 1
) -> Limits:
    """95% and 99.8% control limits around `centre` (in the figure's units: a proportion
    × `per`, e.g. per=100 for a percentage; a rate per `per`, e.g. per=1000 patients) for
    a unit whose denominator is `denominator`.

    With θ = centre / per and n = denominator, by the normal approximation (Spiegelhalter
    2005, "Funnel plots for comparing institutional performance", Statistics in Medicine
    24:1185-1202):

    - proportion (binomial): θ ± z × √(θ(1 − θ) / n)
    - rate (Poisson count over exposure n): θ ± z × √(θ / n)

    each × per, with z = 1.959964 (95%) and 3.090232 (99.8%); limits are clipped at 0
    (and a proportion's at 1 × per), where no figure can go.
    """
    checked, multiplier = _counted(kind, per)
    size = _number(denominator, "the denominator")
    if size <= 0:
        raise ValueError(f"the denominator must be more than 0, not {denominator}")
    middle = _number(centre, "the centre (the value to compare with)")
    theta = middle / multiplier
    if checked is Kind.PROPORTION:
        if not 0 <= theta <= 1:
            raise ValueError(f"a proportion's centre must be between 0 and {_num(multiplier)}")
        spread = math.sqrt(theta * (1 - theta) / size)
        ceiling = multiplier
    else:
        if theta < 0:
            raise ValueError("a rate's centre cannot be below 0")
        spread = math.sqrt(theta / size)
        ceiling = math.inf

    def clip(limit: float) -> float:
        return min(max(limit * multiplier, 0.0), ceiling)

    return Limits(
        denominator=size,
        centre=middle,
        lower_998=clip(theta - Z_998 * spread),
        lower_95=clip(theta - Z_95 * spread),
        upper_95=clip(theta + Z_95 * spread),
        upper_998=clip(theta + Z_998 * spread),
    )


# 1. Spine chart ------------------------------------------------------------------------------


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher is better"
    LOWER_IS_BETTER = "lower is better"
    NEITHER = "neither"


class Verdict(StrEnum):
    """How the practice's marker is coloured: better/similar/worse where the measure has a
    good direction, higher/similar/lower where it has none (Fingertips' blue-orange-blue)."""

    BETTER = "better"
    WORSE = "worse"
    SIMILAR = "similar"
    HIGHER = "higher"
    LOWER = "lower"


Direction = Literal["higher", "lower", "similar"]


@dataclass(frozen=True)
class Rate:
    """A figure that is a count over a denominator, so it can be compared with England by
    its confidence interval rather than by quartiles. Its value is count / denominator ×
    per."""

    count: Number
    denominator: Number
    kind: Kind = Kind.PROPORTION
    per: Number = 1

    @property
    def value(self) -> float:
        return (
            _number(self.count, "the practice's count")
            / _number(self.denominator, "the practice's denominator")
            * float(self.per)
        )


@dataclass(frozen=True)
class Comparison:
    direction: Direction  # the practice against England, whatever is better
    verdict: Verdict  # the direction judged by the measure's polarity: the marker's colour
    method: str  # "95% confidence interval" or "quartiles"
    reason: str


@dataclass(frozen=True)
class SpineMarker:
    label: str  # "practice", "PCN" or "collective"
    value: float
    position: float  # 0..1 along the spine; an off-scale value is drawn at the end
    off_scale: bool  # beyond the spine's ends (a PCN or collective total can be)


@dataclass(frozen=True)
class SpineChart:
    """One measure's spine: England's practices' spread and where the markers fall, each
    position on 0..1 with England at 0.5. When lower is better the scale is mirrored
    (`highest_left`), as Fingertips does, so better is always to the right."""

    england: float
    lowest: float
    p25: float
    p75: float
    highest: float
    count: int  # England's practices with a value
    polarity: Polarity
    highest_left: bool
    lowest_at: float
    p25_at: float
    p75_at: float
    highest_at: float
    practice: SpineMarker | None
    pcn: SpineMarker | None
    collective: SpineMarker | None
    comparison: Comparison | None  # the practice against England; None without a practice
    england_at: float = 0.5

    @property
    def markers(self) -> tuple[SpineMarker, ...]:
        return tuple(m for m in (self.practice, self.pcn, self.collective) if m is not None)


def _judge(direction: Direction, polarity: Polarity) -> Verdict:
    if direction == "similar":
        return Verdict.SIMILAR
    if polarity is Polarity.NEITHER:
        return Verdict(direction)
    good = "higher" if polarity is Polarity.HIGHER_IS_BETTER else "lower"
    return Verdict.BETTER if direction == good else Verdict.WORSE


def _compare_by_interval(rate: Rate, england: float, polarity: Polarity) -> Comparison:
    """Fingertips compares an area with England by whether the area's 95% confidence
    interval includes England's value. Here the test is whether the practice's value lies
    beyond the 95% control limits around England at the practice's denominator (the
    funnel's formula): for a proportion that is exactly "does the practice's Wilson score
    interval, Fingertips' method for proportions, exclude England", since the Wilson
    interval is that test turned round; for a rate it is the score-test counterpart of
    Fingertips' Byar's interval, which it matches closely but not exactly at small counts."""
    kind, per = _counted(rate.kind, rate.per)
    count = _number(rate.count, "the practice's count")
    size = _number(rate.denominator, "the practice's denominator")
    if count < 0:
        raise ValueError("the practice's count cannot be below 0")
    limits = control_limits(england, size, kind=kind, per=per)
    value = count / size * per
    direction: Direction
    if value > limits.upper_95:
        direction = "higher"
        words = f"above the 95% limit of {_num(limits.upper_95)} for a practice this size"
    elif value < limits.lower_95:
        direction = "lower"
        words = f"below the 95% limit of {_num(limits.lower_95)} for a practice this size"
    else:
        direction = "similar"
        words = (
            f"within the 95% limits of {_num(limits.lower_95)} to {_num(limits.upper_95)} "
            "for a practice this size"
        )
    return Comparison(
        direction=direction,
        verdict=_judge(direction, polarity),
        method="95% confidence interval",
        reason=f"{_num(value)} against England's {_num(england)}: {words}",
    )


def _compare_by_quartiles(value: float, p25: float, p75: float, polarity: Polarity) -> Comparison:
    """Without a count and denominator there is no interval, so "different" means outside
    the middle half of England's practices."""
    direction: Direction
    if value > p75:
        direction = "higher"
        words = f"above the 75th percentile of England's practices ({_num(p75)})"
    elif value < p25:
        direction = "lower"
        words = f"below the 25th percentile of England's practices ({_num(p25)})"
    else:
        direction = "similar"
        words = f"within the middle half of England's practices ({_num(p25)} to {_num(p75)})"
    return Comparison(
        direction=direction,
        verdict=_judge(direction, polarity),
        method="quartiles",
        reason=f"{_num(value)} is {words}",
    )


def spine_chart(
    values: Iterable[Number],
    *,
    england: Number | None = None,
    practice: Number | None = None,
    pcn: Number | None = None,
    collective: Number | None = None,
    polarity: Polarity | str = Polarity.NEITHER,
    practice_rate: Rate | None = None,
) -> SpineChart:
    """A Fingertips spine for one measure. `values` are every England practice's values
    (the caller leaves out missing ones); `england` is England's own figure (Fingertips'
    England row, which for a rate is total count over total denominator, not a median),
    or the median of `values` when not given.

    The scale is Fingertips' (`SpineChartCalculator.getSpineProportions`): England at the
    centre, and one unit-per-width for both halves, set by whichever of the lowest and
    highest is further from England, so that end reaches 0 or 1 and the nearer end falls
    short: position = 0.5 + (value − England) / (2 × max(|England − lowest|,
    |highest − England|)). Both halves share a scale so equal distances look equal. When
    lower is better, position becomes 1 − position (Fingertips puts the highest on the
    left then). A PCN or collective figure beyond the ends is drawn at the end and marked
    off-scale; if every value equals England everything sits at the centre.

    Percentiles are Fingertips' linear interpolation (see `percentile`), which needs at
    least four values, as Fingertips does.

    The practice is compared with England by its 95% confidence interval when
    `practice_rate` (its count and denominator) is given, and otherwise by quartiles
    (above the 75th or below the 25th percentile). `practice` defaults to the rate's value.
    """
    try:
        judged = Polarity(polarity)
    except ValueError:
        raise ValueError(
            f"the polarity must be one of {[p.value for p in Polarity]}, not {polarity!r}"
        ) from None
    ordered = sorted(_number(v, "a value for one of England's practices") for v in values)
    if not ordered:
        raise ValueError("no values for England's practices: a spine chart needs them")
    if len(ordered) < MIN_SPINE_VALUES:
        raise ValueError(
            f"only {len(ordered)} values for England's practices: a spine chart needs at "
            f"least {MIN_SPINE_VALUES} (as Fingertips does)"
        )
    lowest, highest = ordered[0], ordered[-1]
    p25 = _percentile_of_sorted(ordered, 0.25)
    p75 = _percentile_of_sorted(ordered, 0.75)
    centre = (
        _percentile_of_sorted(ordered, 0.5)
        if england is None
        else _number(england, "England's value")
    )
    half = max(abs(centre - lowest), abs(highest - centre))
    flip = judged is Polarity.LOWER_IS_BETTER

    def place(value: float) -> tuple[float, bool]:
        if half == 0:
            raw = 0.5 if value == centre else (1.0 if value > centre else 0.0)
        else:
            raw = 0.5 + (value - centre) / (2 * half)
        off = not 0 <= raw <= 1
        raw = min(max(raw, 0.0), 1.0)
        return (1 - raw if flip else raw), off

    def marker(label: str, value: Number | None) -> SpineMarker | None:
        if value is None:
            return None
        number = _number(value, f"the {label}'s value")
        position, off = place(number)
        return SpineMarker(label=label, value=number, position=position, off_scale=off)

    practice_value = practice
    if practice_value is None and practice_rate is not None:
        practice_value = practice_rate.value
    shown = marker("practice", practice_value)
    comparison = None
    if practice_rate is not None:
        comparison = _compare_by_interval(practice_rate, centre, judged)
    elif shown is not None:
        comparison = _compare_by_quartiles(shown.value, p25, p75, judged)
    return SpineChart(
        england=centre,
        lowest=lowest,
        p25=p25,
        p75=p75,
        highest=highest,
        count=len(ordered),
        polarity=judged,
        highest_left=flip,
        lowest_at=place(lowest)[0],
        p25_at=place(p25)[0],
        p75_at=place(p75)[0],
        highest_at=place(highest)[0],
        practice=shown,
        pcn=marker("PCN", pcn),
        collective=marker("collective", collective),
        comparison=comparison,
    )


def spine_svg(
    chart: SpineChart, width: int = 300, height: int = 24, pad: int = 8
) -> dict[str, Any]:
    """Coordinates for a server-drawn horizontal spine (no script, no inline style), plain
    numbers to one decimal place: `range` is the bar from lowest to highest, `middle_half`
    the box from the 25th to the 75th percentile, `england_x` the centre line, and each
    marker's `x` (the practice's carries its verdict for the colour)."""
    if width <= 2 * pad:
        raise ValueError(f"a spine {width} wide has no room inside padding of {pad}")

    def x(position: float) -> float:
        return round(pad + position * (width - 2 * pad), 1)

    def span(a: float, b: float) -> dict[str, float]:
        left, right = sorted((a, b))
        return {"x": x(left), "width": round(x(right) - x(left), 1)}

    verdict = chart.comparison.verdict.value if chart.comparison else None
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "mid_y": round(height / 2, 1),
        "range": span(chart.lowest_at, chart.highest_at),
        "middle_half": span(chart.p25_at, chart.p75_at),
        "england_x": x(chart.england_at),
        "markers": [
            {
                "label": m.label,
                "x": x(m.position),
                "value": m.value,
                "off_scale": m.off_scale,
                "verdict": verdict if m is chart.practice else None,
            }
            for m in chart.markers
        ],
    }


# 2. Funnel plot ------------------------------------------------------------------------------


class Band(StrEnum):
    """Where a practice falls against the control limits at its own denominator."""

    WITHIN_95 = "within-95"
    HIGH_95 = "high-95"  # above the 95% limit, within the 99.8%
    LOW_95 = "low-95"
    HIGH_998 = "high-99-8"  # above the 99.8% limit
    LOW_998 = "low-99-8"

    @property
    def words(self) -> str:
        return {
            "within-95": "within the 95% limits",
            "high-95": "high: between the 95% and 99.8% limits",
            "low-95": "low: between the 95% and 99.8% limits",
            "high-99-8": "high: beyond the 99.8% limits",
            "low-99-8": "low: beyond the 99.8% limits",
        }[self.value]


@dataclass(frozen=True)
class FunnelEntry:
    """One practice's count (of people or events: whole numbers) and denominator."""

    label: str
    count: Number
    denominator: Number


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    count: float
    denominator: float
    value: float  # count / denominator × per
    band: Band
    limits: Limits  # at this practice's denominator


@dataclass(frozen=True)
class Funnel:
    kind: Kind
    per: float
    centre: float  # the collective's overall rate: total count / total denominator × per
    total_count: float
    total_denominator: float
    points: tuple[FunnelPoint, ...]  # in the caller's order, never ranked


def _band(value: float, limits: Limits) -> Band:
    if value > limits.upper_998:
        return Band.HIGH_998
    if value > limits.upper_95:
        return Band.HIGH_95
    if value < limits.lower_998:
        return Band.LOW_998
    if value < limits.lower_95:
        return Band.LOW_95
    return Band.WITHIN_95


def funnel_plot(
    entries: Sequence[FunnelEntry], *, kind: Kind | str = Kind.PROPORTION, per: Number = 1
) -> Funnel:
    """The collective's practices on a funnel: the centre is the collective's overall rate
    (sum of counts / sum of denominators, so a big practice weighs as much as its
    patients, not as one vote), and each practice is placed against the control limits at
    its own denominator (see `control_limits` for the formulas).

    Only for counts: the limits assume binomial or Poisson variation of whole numbers of
    people or events. A GP FTE or locum allowances in pounds is not a count (it has no such
    variation), so a fractional count is refused; show those on the spine instead.

    The points keep the caller's order and nothing here sorts by value: a funnel is read by
    where each point sits against the limits, and sorting by value would make it the
    league table a funnel exists to avoid.
    """
    checked, multiplier = _counted(kind, per)
    if not entries:
        raise ValueError("no practices for the funnel plot")
    parsed: list[tuple[str, float, float]] = []
    for entry in entries:
        count = _number(entry.count, f"{entry.label}'s count")
        size = _number(entry.denominator, f"{entry.label}'s denominator")
        if size <= 0:
            raise ValueError(f"{entry.label}'s denominator must be more than 0, not {size:g}")
        if count < 0 or not count.is_integer():
            raise ValueError(
                f"{entry.label}'s count must be a whole number of people or events, not "
                f"{count:g} (a figure like FTE or pounds is not a count: use the spine chart)"
            )
        if checked is Kind.PROPORTION and count > size:
            raise ValueError(
                f"{entry.label}'s count ({count:g}) is more than its denominator ({size:g}), "
                "which a proportion cannot be"
            )
        parsed.append((entry.label, count, size))
    total_count = sum(count for _, count, _ in parsed)
    total_size = sum(size for _, _, size in parsed)
    centre = total_count / total_size * multiplier
    points = []
    for label, count, size in parsed:
        limits = control_limits(centre, size, kind=checked, per=multiplier)
        value = count / size * multiplier
        points.append(FunnelPoint(label, count, size, value, _band(value, limits), limits))
    return Funnel(
        kind=checked,
        per=multiplier,
        centre=centre,
        total_count=total_count,
        total_denominator=total_size,
        points=tuple(points),
    )


def funnel_limits(funnel: Funnel, steps: int = 50) -> tuple[Limits, ...]:
    """The limit curves for drawing: limits at `steps` denominators evenly spaced from the
    smallest practice's to the largest's (one, if they are all the same size)."""
    if steps < 2:
        raise ValueError(f"limit curves need at least 2 steps, not {steps}")
    sizes = [p.denominator for p in funnel.points]
    smallest, largest = min(sizes), max(sizes)
    if smallest == largest:
        denominators = [smallest]
    else:
        gap = (largest - smallest) / (steps - 1)
        denominators = [smallest + i * gap for i in range(steps - 1)] + [largest]
    return tuple(
        control_limits(funnel.centre, n, kind=funnel.kind, per=funnel.per) for n in denominators
    )


def funnel_svg(
    funnel: Funnel, width: int = 600, height: int = 320, pad: int = 40, steps: int = 50
) -> dict[str, Any]:
    """Coordinates for a server-drawn funnel (no script, no inline style), plain numbers to
    one decimal place. Across: the denominator from 0 to the largest practice's; up: the
    figure, from the lowest to the highest of the points and the 99.8% limits. `points`
    keep the caller's order; `limits` holds an SVG path ("M x,y L x,y …") for each curve;
    `centre` is the collective's line."""
    if width <= 2 * pad or height <= 2 * pad:
        raise ValueError(f"a chart {width}×{height} has no room inside padding of {pad}")
    curves = funnel_limits(funnel, steps)
    largest = max(p.denominator for p in funnel.points)
    figures = [p.value for p in funnel.points] + [funnel.centre]
    figures += [c.lower_998 for c in curves] + [c.upper_998 for c in curves]
    low, high = min(figures), max(figures)
    if high == low:
        high = low + 1

    def x(denominator: float) -> float:
        return round(pad + denominator / largest * (width - 2 * pad), 1)

    def y(value: float) -> float:
        return round(height - pad - (value - low) / (high - low) * (height - 2 * pad), 1)

    def path(name: str) -> str:
        return "M " + " L ".join(f"{x(c.denominator)},{y(getattr(c, name))}" for c in curves)

    return {
        "width": width,
        "height": height,
        "pad": pad,
        "points": [
            {
                "label": p.label,
                "x": x(p.denominator),
                "y": y(p.value),
                "value": p.value,
                "band": p.band.value,
                "band_words": p.band.words,
            }
            for p in funnel.points
        ],
        "centre": {"x1": x(0), "x2": x(largest), "y": y(funnel.centre)},
        "limits": {name: path(name) for name in ("lower_998", "lower_95", "upper_95", "upper_998")},
        "ygrid": [{"y": y(v), "label": _num(v)} for v in (low, (low + high) / 2, high)],
        "xgrid": [{"x": x(v), "label": _num(v)} for v in (0, largest / 2, largest)],
    }


# 3. Flags ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    flagged: bool
    reason: str
    measured: float  # what was measured: the annual fall, or the value
    threshold: float  # what it was held against: the threshold, the centile's value, minimum


def list_falling(
    previous: Number | None,
    current: Number | None,
    years: Number | None,
    threshold: Number = Decimal("0.05"),
) -> Flag:
    """Flagged when the registered list fell by more than `threshold` (a fraction) a year.
    The fall is annualised as a compound rate, 1 − (current / previous)^(1 / years), so a
    fall over three years is judged by the same yardstick as one over one year: a list going
    from 10,000 to 8,100 in two years fell 10% a year, not 9.5%."""
    before = _number(previous, "the previous list size")
    after = _number(current, "the current list size")
    span = _number(years, "the number of years between the two list sizes")
    limit = _number(threshold, "the threshold")
    if before <= 0:
        raise ValueError(f"the previous list size must be more than 0, not {_num(before)}")
    if after < 0:
        raise ValueError(f"the current list size cannot be below 0 ({_num(after)})")
    if span <= 0:
        raise ValueError(f"the number of years must be more than 0, not {_num(span)}")
    fall = 1 - (after / before) ** (1 / span)
    flagged = fall > limit
    limit_words = f"{_num(limit * 100)}%"
    if fall > 0:
        qualifier = "more than" if flagged else "not more than"
        reason = f"List fell {fall * 100:.1f}% a year ({qualifier} {limit_words})"
    elif fall < 0:
        reason = f"List grew {-fall * 100:.1f}% a year"
    else:
        reason = "List did not change"
    return Flag(flagged=flagged, reason=reason, measured=fall, threshold=limit)


def above_centile(value: Number | None, population: Iterable[Number], centile: Number = 90) -> Flag:
    """Flagged when `value` is above the `centile`th percentile of `population` (by
    Fingertips' method, see `percentile`); equal to it is not above."""
    figure = _number(value, "the value")
    values = list(population)
    if not values:
        raise ValueError("no population values to find the centile of")
    cut = percentile(values, centile)
    flagged = figure > cut
    name = f"{_ordinal(_number(centile, 'the centile'))} centile"
    words = "is above" if flagged else "is not above"
    return Flag(
        flagged=flagged,
        reason=f"{_num(figure)} {words} the {name} ({_num(cut)})",
        measured=figure,
        threshold=cut,
    )


def below_rate(value_per_1000: Number | None, minimum: Number = Decimal("0.4")) -> Flag:
    """Flagged when a rate per 1,000 patients is below `minimum`; equal to it is not."""
    figure = _number(value_per_1000, "the rate per 1,000")
    floor = _number(minimum, "the minimum")
    flagged = figure < floor
    words = "is below" if flagged else "is not below"
    return Flag(
        flagged=flagged,
        reason=f"{_num(figure)} per 1,000 {words} the minimum of {_num(floor)}",
        measured=figure,
        threshold=floor,
    )
