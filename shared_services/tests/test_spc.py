"""Making Data Count's XmR chart: the limits, the three rules and what they mean.

Expected limits are worked out by hand in each test: mean ± 2.66 × (mean moving range)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_services.spc import (
    ABOVE_UPPER,
    BELOW_LOWER,
    COMMON_CAUSE,
    CONCERN,
    FALLING,
    IMPROVEMENT,
    NEITHER,
    RISING,
    RUN_ABOVE,
    RUN_BELOW,
    RunChart,
    classify,
    run_chart,
)


def series(*values, **kwargs) -> RunChart:
    return run_chart([(f"m{i}", v) for i, v in enumerate(values)], **kwargs)


def signals(chart: RunChart) -> list[tuple[str, ...]]:
    return [p.signals for p in chart.points]


# Rule 1: beyond the process limits.
# 10, 12 alternating ten times, then 50 and -28: mean 132 / 12 = 11; moving ranges nine 2s,
# 38 and 78, so MR-bar = 134 / 11; limits 11 ± 2.66 × 134 / 11 = 11 ± 356.44 / 11,
# i.e. -21.40 and 43.40. No runs (the 10s and 12s alternate about 11) and no trends.
BEYOND = (10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 50, -28)


def test_a_point_beyond_the_upper_limit_is_a_special_cause():
    chart = series(*BEYOND)

    assert chart.mean == pytest.approx(11)
    assert chart.mean_moving_range == pytest.approx(134 / 11)
    assert chart.limits is not None
    assert chart.limits.upper == pytest.approx(11 + 356.44 / 11)
    assert chart.points[10].signals == (ABOVE_UPPER,)


def test_a_point_below_the_lower_limit_is_a_special_cause():
    chart = series(*BEYOND)

    assert chart.limits is not None
    assert chart.limits.lower == pytest.approx(11 - 356.44 / 11)
    assert chart.points[11].signals == (BELOW_LOWER,)


def test_points_inside_the_limits_are_common_cause():
    chart = series(*BEYOND)

    assert signals(chart)[:10] == [()] * 10
    assert {p.kind for p in chart.points[:10]} == {COMMON_CAUSE}


def test_a_negative_lower_limit_is_kept_unless_a_floor_is_given():
    # mean 5, MR-bar 8: limits 5 ± 21.28.
    unclipped = series(1, 9, 1, 9, 1, 9)
    clipped = series(1, 9, 1, 9, 1, 9, floor=0)

    assert unclipped.limits is not None and clipped.limits is not None
    assert unclipped.limits.lower == pytest.approx(-16.28)
    assert clipped.limits.lower == 0
    assert clipped.limits.upper == pytest.approx(26.28)


def test_a_ceiling_clips_the_upper_limit_and_a_point_above_it_is_a_signal():
    # 50, 60 alternating, 50, then 70: mean 670 / 12; MR-bar (10 × 10 + 20) / 11; upper
    # limit 670 / 12 + 2.66 × 120 / 11 = 84.85, clipped to 60. The 60s sit on the clipped
    # limit, which is not beyond it; the 70 is beyond it.
    capped = series(*(50, 60) * 5, 50, 70, ceiling=60)

    assert capped.limits is not None
    assert capped.limits.upper == 60
    assert signals(capped) == [()] * 11 + [(ABOVE_UPPER,)]

    # A ceiling above the limit leaves it alone.
    uncapped = series(*(50, 60) * 5, 50, 70, ceiling=100)
    assert uncapped.limits is not None
    assert uncapped.limits.upper == pytest.approx(670 / 12 + 2.66 * 120 / 11)
    assert signals(uncapped) == [()] * 12


# Rule 2: runs on one side of the mean.


def test_six_points_in_a_row_above_the_mean_are_all_flagged():
    # mean 56 / 10 = 5.6; the last six (all 6) are above it; MR-bar 29 / 9, so the limits
    # (5.6 ± 8.57) are far away and the 1 → 6 step starts no trend (6 = 6 ends it).
    chart = series(9, 1, 9, 1, 6, 6, 6, 6, 6, 6)

    assert chart.mean == pytest.approx(5.6)
    assert chart.mean_moving_range == pytest.approx(29 / 9)
    assert signals(chart) == [()] * 4 + [(RUN_ABOVE,)] * 6


def test_six_points_in_a_row_below_the_mean_are_all_flagged():
    chart = series(-9, -1, -9, -1, -6, -6, -6, -6, -6, -6)

    assert signals(chart) == [()] * 4 + [(RUN_BELOW,)] * 6


def test_five_points_in_a_row_on_one_side_are_not_a_run():
    # mean 51 / 10 = 5.1: the five 6s above it follow a 1 below it.
    chart = series(1, 9, 1, 9, 1, 6, 6, 6, 6, 6)

    assert signals(chart) == [()] * 10
    assert chart.variation == "common cause"


def test_a_point_exactly_on_the_mean_breaks_a_run():
    # mean 45 / 9 = 5 exactly, so the 5 splits six 6s into two runs of three. MR-bar 6 / 8:
    # limits 5 ± 1.995, so the two 2s are below the lower limit (3.005) and nothing else is.
    chart = series(6, 6, 6, 5, 6, 6, 6, 2, 2)

    assert chart.mean == 5
    assert signals(chart) == [()] * 7 + [(BELOW_LOWER,)] * 2


def test_exact_arithmetic_puts_a_decimal_value_exactly_on_the_mean():
    # In binary floating point (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004.
    chart = series(0.1, 0.2, 0.3)

    assert chart.mean == 0.2


# Rule 3: trends.


def test_six_rising_points_are_all_flagged_as_a_trend():
    # mean 3.5 (three below, three above: no run); MR-bar 1: limits 3.5 ± 2.66.
    chart = series(1, 2, 3, 4, 5, 6)

    assert chart.limits is not None
    assert (chart.limits.lower, chart.limits.upper) == pytest.approx((0.84, 6.16))
    assert signals(chart) == [(RISING,)] * 6


def test_six_falling_points_are_all_flagged_as_a_trend():
    chart = series(6, 5, 4, 3, 2, 1)

    assert signals(chart) == [(FALLING,)] * 6


def test_five_rising_points_are_not_a_trend_and_an_equal_value_ends_one():
    # mean 23 / 7; MR-bar 6 / 6 = 1, limits 3.29 ± 2.66 = 0.63 .. 5.95; the 3 → 1 fall and
    # the 5 = 5 repeat leave 1, 2, 3, 4, 5 as a rise of five points.
    chart = series(3, 1, 2, 3, 4, 5, 5)

    assert signals(chart) == [()] * 7


def test_a_peak_belongs_to_both_the_rising_and_the_falling_trend():
    # mean 36 / 11, MR-bar 1: upper limit 3.27 + 2.66 = 5.93, so the 6 is also beyond it.
    chart = series(1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, improvement="up")

    assert chart.points[5].signals == (ABOVE_UPPER, RISING, FALLING)
    assert signals(chart)[:5] == [(RISING,)] * 5
    assert signals(chart)[6:] == [(FALLING,)] * 5
    # Its signals disagree; it is above the mean, so with up better it counts as improvement.
    assert chart.points[5].kind == IMPROVEMENT
    assert chart.points[6].kind == CONCERN


# Missing values.


def test_missing_values_are_gaps_left_out_of_the_calculations():
    chart = series(9, 1, 9, 1, 6, 6, None, 6, 6, 6, 6)

    # The same as without the gap: mean 5.6, and the 6 → 6 across the gap is a range of 0.
    assert chart.mean == pytest.approx(5.6)
    assert chart.mean_moving_range == pytest.approx(29 / 9)
    assert chart.points[6].value is None
    assert chart.points[6].signals == ()
    assert chart.points[6].kind == COMMON_CAUSE


def test_a_run_joins_up_across_a_missing_value():
    chart = series(9, 1, 9, 1, 6, 6, None, 6, 6, 6, 6)

    assert signals(chart) == [()] * 4 + [(RUN_ABOVE,)] * 2 + [()] + [(RUN_ABOVE,)] * 4


def test_a_trend_joins_up_across_a_missing_value():
    chart = series(1, 2, 3, None, 4, 5, 6)

    assert signals(chart) == [(RISING,)] * 3 + [()] + [(RISING,)] * 3


def test_the_chart_breaks_the_line_at_a_missing_value():
    # x: pad 40, step (600 - 80) / 2 = 260. Mean 2, MR-bar 2, limits 2 ± 5.32 = -3.32 .. 7.32,
    # so the axis runs -5 .. 10 in steps of 5; y(v) = 180 - (v + 5) / 15 × 140.
    drawn = series(1, None, 3).chart(600, 220, 40)

    assert drawn["path"] == "M40.0,124.0 M560.0,105.3"
    assert [(d["x"], d["y"]) for d in drawn["dots"]] == [(40.0, 124.0), (560.0, 105.3)]
    assert [label["x"] for label in drawn["labels"]] == [40.0, 300.0, 560.0]
    assert drawn["mean"] == 114.7
    assert [g["label"] for g in drawn["grid"]] == ["-5", "0", "5", "10"]
    assert [g["y"] for g in drawn["grid"]] == [180.0, 133.3, 86.7, 40.0]


def test_the_chart_joins_consecutive_values_and_draws_the_limits():
    drawn = series(*BEYOND).chart()

    assert drawn["path"].count("M") == 1
    assert drawn["path"].count("L") == len(BEYOND) - 1
    assert drawn["upper"] < drawn["mean"] < drawn["lower"]  # SVG y grows downwards
    dot = drawn["dots"][10]
    assert (dot["label"], dot["signals"], dot["value"]) == ("m10", (ABOVE_UPPER,), 50)


# Improvement or concern.


def test_a_high_signal_is_an_improvement_when_up_is_better():
    chart = series(*BEYOND, improvement="up")

    assert chart.points[10].kind == IMPROVEMENT
    assert chart.points[11].kind == CONCERN
    assert chart.variation == "special cause – concern"


def test_a_high_signal_is_a_concern_when_down_is_better():
    chart = series(*BEYOND, improvement="down")

    assert chart.points[10].kind == CONCERN
    assert chart.points[11].kind == IMPROVEMENT
    assert chart.variation == "special cause – improvement"


def test_with_no_direction_of_improvement_a_signal_is_neither():
    chart = series(*BEYOND)

    assert chart.points[10].kind == NEITHER
    assert chart.points[11].kind == NEITHER
    assert chart.variation == "special cause – neither"


def test_every_rule_is_classified_by_the_way_it_points():
    assert [classify(r, "up") for r in (ABOVE_UPPER, RUN_ABOVE, RISING)] == [IMPROVEMENT] * 3
    assert [classify(r, "up") for r in (BELOW_LOWER, RUN_BELOW, FALLING)] == [CONCERN] * 3
    assert [classify(r, "down") for r in (ABOVE_UPPER, RUN_ABOVE, RISING)] == [CONCERN] * 3
    assert classify(FALLING, None) == NEITHER
    with pytest.raises(ValueError):
        classify("two_in_three", "up")


def test_a_rising_trend_below_the_mean_takes_its_side_of_the_mean():
    # 1..6 then six 30s: mean 201 / 12 = 16.75, MR-bar 29 / 11, limits 16.75 ± 7.01. The 1..6
    # are below the lower limit, a run below the mean and a rising trend: mixed signals, so
    # their side of the mean (below) decides.
    up = series(1, 2, 3, 4, 5, 6, 30, 30, 30, 30, 30, 30, improvement="up")
    down = series(1, 2, 3, 4, 5, 6, 30, 30, 30, 30, 30, 30, improvement="down")

    assert up.points[0].signals == (BELOW_LOWER, RUN_BELOW, RISING)
    assert up.points[6].signals == (ABOVE_UPPER, RUN_ABOVE, RISING)  # the 7th of the rise
    assert [p.kind for p in up.points] == [CONCERN] * 6 + [IMPROVEMENT] * 6
    assert [p.kind for p in down.points] == [IMPROVEMENT] * 6 + [CONCERN] * 6


def test_the_variation_icon_describes_the_last_month_with_a_value():
    chart = series(*BEYOND, None, improvement="up")

    assert chart.points[-1].kind == COMMON_CAUSE
    assert chart.variation == "special cause – concern"  # from the -28 before the gap


def test_the_variation_icon_is_common_cause_when_the_last_month_has_no_signal():
    chart = series(*BEYOND, 11, improvement="up")

    assert chart.points[10].kind == IMPROVEMENT
    assert chart.variation == "common cause"


# Too few points.


def test_no_values_give_no_mean_and_no_limits():
    chart = run_chart([], improvement="up")

    assert (chart.mean, chart.limits, chart.mean_moving_range) == (None, None, None)
    assert chart.variation == "common cause"
    assert chart.enough_points is False
    assert chart.chart()["path"] == ""


def test_one_value_gives_a_mean_but_no_limits():
    chart = run_chart([("Jan", Decimal("4.5")), ("Feb", None)])

    assert chart.mean == 4.5
    assert chart.limits is None
    assert signals(chart) == [(), ()]
    drawn = chart.chart()
    assert drawn["upper"] is None and drawn["lower"] is None
    assert drawn["path"].startswith("M40.0,")


def test_two_values_are_enough_for_limits():
    # mean 5, MR-bar 2: limits 5 ± 5.32.
    chart = run_chart([("Jan", 4), ("Feb", 6)])

    assert chart.limits is not None
    assert (chart.limits.lower, chart.limits.upper) == pytest.approx((-0.32, 10.32))
    assert chart.enough_points is False


def test_fifteen_values_are_enough_points_and_gaps_do_not_count():
    assert series(*[5, 6] * 7, 5).enough_points is True
    assert series(*[5, 6] * 7, None).enough_points is False


def test_values_must_be_finite_and_the_direction_known():
    with pytest.raises(ValueError):
        series(1.0, float("nan"))
    with pytest.raises(ValueError):
        series(Decimal("Infinity"), 1)
    with pytest.raises(ValueError):
        series(1, 2, improvement="sideways")


# Properties.

value = st.decimals(
    min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
values = st.lists(st.one_of(value, value, value, st.none()), max_size=40)
direction = st.sampled_from(["up", "down", None])
SWAP = {IMPROVEMENT: CONCERN, CONCERN: IMPROVEMENT, NEITHER: NEITHER, COMMON_CAUSE: COMMON_CAUSE}
MIRROR = {
    ABOVE_UPPER: BELOW_LOWER,
    BELOW_LOWER: ABOVE_UPPER,
    RUN_ABOVE: RUN_BELOW,
    RUN_BELOW: RUN_ABOVE,
    RISING: FALLING,
    FALLING: RISING,
}


@settings(deadline=None)
@given(constant=value, n=st.integers(min_value=2, max_value=30), improvement=direction)
def test_a_constant_series_has_no_signals_and_zero_width_limits(constant, n, improvement):
    chart = series(*[constant] * n, improvement=improvement)

    assert signals(chart) == [()] * n
    assert chart.limits is not None
    assert chart.limits.lower == chart.limits.upper == chart.mean == float(constant)
    assert chart.variation == "common cause"


@settings(deadline=None)
@given(values)
def test_reversing_the_direction_of_improvement_swaps_improvement_and_concern(xs):
    up = series(*xs, improvement="up")
    down = series(*xs, improvement="down")

    assert signals(up) == signals(down)
    assert [SWAP[p.kind] for p in up.points] == [p.kind for p in down.points]


@settings(deadline=None)
@given(values, value)
def test_adding_a_constant_shifts_the_mean_and_limits_and_keeps_the_signals(xs, shift):
    before = series(*xs, improvement="up")
    after = series(*[None if x is None else x + shift for x in xs], improvement="up")

    assert signals(after) == signals(before)
    assert [p.kind for p in after.points] == [p.kind for p in before.points]
    if before.mean is None:
        assert after.mean is None
    else:
        assert after.mean == pytest.approx(before.mean + float(shift), abs=1e-9)
    if before.limits is None:
        assert after.limits is None
    else:
        assert after.limits is not None
        assert after.limits.lower == pytest.approx(before.limits.lower + float(shift), abs=1e-9)
        assert after.limits.upper == pytest.approx(before.limits.upper + float(shift), abs=1e-9)


@settings(deadline=None)
@given(values)
def test_turning_the_series_upside_down_mirrors_every_signal(xs):
    chart = series(*xs)
    flipped = series(*[None if x is None else -x for x in xs])

    assert [tuple(sorted(MIRROR[s] for s in p)) for p in signals(chart)] == [
        tuple(sorted(p)) for p in signals(flipped)
    ]


@settings(deadline=None)
@given(values, st.integers(min_value=0, max_value=40))
def test_a_missing_month_changes_no_other_point(xs, where):
    where = min(where, len(xs))
    chart = series(*xs, improvement="up")
    gapped = series(*xs[:where], None, *xs[where:], improvement="up")

    assert gapped.points[where].signals == ()
    rest = gapped.points[:where] + gapped.points[where + 1 :]
    assert [(p.value, p.signals, p.kind) for p in rest] == [
        (p.value, p.signals, p.kind) for p in chart.points
    ]


@settings(deadline=None)
@given(
    start=value,
    steps=st.lists(st.decimals(min_value="0.01", max_value=100, places=2), min_size=5, max_size=30),
)
def test_a_strictly_increasing_series_of_six_or_more_is_a_trend_throughout(start, steps):
    xs = [start]
    for step in steps:
        xs.append(xs[-1] + step)

    rising = series(*xs, improvement="up")
    falling = series(*reversed(xs), improvement="up")

    assert all(RISING in p.signals for p in rising.points)
    assert all(FALLING in p.signals for p in falling.points)
    assert rising.variation != "common cause"


@settings(deadline=None)
@given(values, direction)
def test_the_chart_keeps_every_point_in_place_and_rounds_to_one_decimal(xs, improvement):
    chart = series(*xs, improvement=improvement)
    drawn = chart.chart(600, 220, 40)

    assert len(drawn["labels"]) == len(xs)
    assert len(drawn["dots"]) == sum(x is not None for x in xs)
    ys = [d["y"] for d in drawn["dots"]] + [g["y"] for g in drawn["grid"]]
    ys += [drawn[k] for k in ("mean", "upper", "lower") if drawn[k] is not None]
    assert all(40 <= y <= 180 for y in ys)
    xs_drawn = [d["x"] for d in drawn["dots"]] + [label["x"] for label in drawn["labels"]]
    assert all(40 <= x <= 560 for x in xs_drawn)
    assert all(round(c, 1) == c for c in ys + xs_drawn)
    # One pen-up "M" per stretch of consecutive values.
    stretches = sum(1 for i, x in enumerate(xs) if x is not None and (i == 0 or xs[i - 1] is None))
    assert drawn["path"].count("M") == stretches
