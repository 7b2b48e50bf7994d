"""The comparison maths (sustainability/comparisons.py): the Fingertips spine, the funnel
plot and the flags. Expectations are worked by hand in the comments beside them; the
property tests check what must hold for any input."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sustainability.comparisons import (
    Z_95,
    Z_998,
    Band,
    FunnelEntry,
    Kind,
    Polarity,
    Rate,
    Verdict,
    above_centile,
    below_rate,
    control_limits,
    funnel_limits,
    funnel_plot,
    funnel_svg,
    list_falling,
    percentile,
    spine_chart,
    spine_svg,
)

ONE_TO_NINE = list(range(1, 10))
ZERO_TO_TEN = list(range(0, 11))

figures = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


# Percentiles ----------------------------------------------------------------------------------


def test_quartiles_of_one_to_nine_are_three_and_seven():
    # h = (9 - 1) × 0.25 = 2 → the third value, 3; h = 8 × 0.75 = 6 → the seventh, 7.
    assert percentile(ONE_TO_NINE, 25) == 3
    assert percentile(ONE_TO_NINE, 75) == 7
    assert percentile(ONE_TO_NINE, 50) == 5


def test_percentiles_match_fingertips_own_worked_examples():
    # From Fingertips' IndicatorStatsCalculatorTest and QuartilesCalculatorTest.
    assert percentile(range(1, 51), 25) == 13.25
    assert percentile(range(1, 51), 75) == 37.75
    assert percentile(range(1, 101), 25) == 25.75
    assert percentile(range(1, 101), 75) == 75.25
    assert percentile(range(50, 61), 25) == 52.5
    assert percentile(range(1, 18), 75) == 13


def test_percentiles_interpolate_between_neighbours_and_accept_decimals():
    # h = 3 × 0.9 = 2.7 → 30 + 0.7 × (40 - 30) = 37.
    assert percentile([Decimal("10"), Decimal("40"), Decimal("20"), Decimal("30")], 90) == (
        pytest.approx(37)
    )


@given(st.lists(figures, min_size=2, max_size=40))
def test_percentiles_agree_with_the_inclusive_method_of_statistics(values):
    expected = statistics.quantiles(values, n=4, method="inclusive")
    found = [percentile(values, c) for c in (25, 50, 75)]
    spread = max(values) - min(values)
    assert found == pytest.approx(expected, abs=1e-9 * max(spread, 1))


def test_a_percentile_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile(ONE_TO_NINE, 101)


# Spine chart ----------------------------------------------------------------------------------


def test_england_sits_at_the_centre_of_the_spine():
    chart = spine_chart(ZERO_TO_TEN, england=4)
    assert chart.england_at == 0.5
    assert spine_svg(chart, width=300, pad=10)["england_x"] == 150.0


def test_the_end_further_from_england_reaches_the_edge_and_both_halves_share_a_scale():
    # England 4, lowest 0, highest 10: the further end is 6 away, so one unit is 1/12.
    chart = spine_chart(ZERO_TO_TEN, england=4)
    assert (chart.lowest, chart.p25, chart.p75, chart.highest) == (0, 2.5, 7.5, 10)
    assert chart.highest_at == 1.0
    assert chart.lowest_at == pytest.approx(0.5 - 4 / 12)  # 0.1667: falls short of 0
    assert chart.p25_at == pytest.approx(0.5 - 1.5 / 12)  # 0.375
    assert chart.p75_at == pytest.approx(0.5 + 3.5 / 12)  # 0.7917


def test_england_defaults_to_the_median_of_its_practices():
    chart = spine_chart([1, 2, 3, 10])
    # Median of 1, 2, 3, 10 is 2.5; the further end, 10, is 7.5 away.
    assert chart.england == 2.5
    assert chart.highest_at == 1.0
    assert chart.lowest_at == pytest.approx(0.5 - 1.5 / 15)


def test_lower_is_better_puts_the_highest_on_the_left():
    chart = spine_chart(ZERO_TO_TEN, england=4, practice=9, polarity="lower is better")
    assert chart.highest_left
    assert chart.highest_at == 0.0
    assert chart.lowest_at == pytest.approx(0.5 + 4 / 12)
    assert chart.practice.position == pytest.approx(0.5 - 5 / 12)
    assert chart.england_at == 0.5


def test_markers_beyond_the_ends_are_drawn_at_the_end_and_marked_off_scale():
    chart = spine_chart(ZERO_TO_TEN, england=4, practice=7, pcn=25, collective=-30)
    assert chart.practice.position == pytest.approx(0.75)
    assert not chart.practice.off_scale
    assert (chart.pcn.position, chart.pcn.off_scale) == (1.0, True)
    assert (chart.collective.position, chart.collective.off_scale) == (0.0, True)
    assert [m.label for m in chart.markers] == ["practice", "PCN", "collective"]


def test_a_spine_where_every_value_is_englands_puts_everything_at_the_centre():
    chart = spine_chart([5, 5, 5, 5], practice=5)
    assert (chart.lowest_at, chart.p25_at, chart.p75_at, chart.highest_at) == (0.5,) * 4
    assert chart.practice.position == 0.5


def test_a_spine_without_englands_values_says_what_is_missing():
    with pytest.raises(ValueError, match="no values for England's practices"):
        spine_chart([])
    with pytest.raises(ValueError, match="at least 4"):
        spine_chart([1, 2, 3])
    with pytest.raises(ValueError, match="England's practices"):
        spine_chart([1, 2, None, 4, 5])
    with pytest.raises(ValueError, match="polarity"):
        spine_chart(ONE_TO_NINE, polarity="up")


def test_a_spine_without_a_practice_has_no_comparison():
    chart = spine_chart(ONE_TO_NINE, pcn=4)
    assert chart.practice is None
    assert chart.comparison is None


@pytest.mark.parametrize(
    ("practice", "polarity", "verdict"),
    [
        (8, Polarity.HIGHER_IS_BETTER, Verdict.BETTER),
        (8, Polarity.LOWER_IS_BETTER, Verdict.WORSE),
        (8, Polarity.NEITHER, Verdict.HIGHER),
        (2, Polarity.HIGHER_IS_BETTER, Verdict.WORSE),
        (2, Polarity.NEITHER, Verdict.LOWER),
        (7, Polarity.HIGHER_IS_BETTER, Verdict.SIMILAR),  # on the 75th percentile: not above
        (3, Polarity.LOWER_IS_BETTER, Verdict.SIMILAR),
    ],
)
def test_without_a_count_the_practice_is_compared_by_the_middle_half(practice, polarity, verdict):
    chart = spine_chart(ONE_TO_NINE, practice=practice, polarity=polarity)
    assert chart.comparison.method == "quartiles"
    assert chart.comparison.verdict is verdict


def test_the_quartile_comparison_gives_its_reason():
    chart = spine_chart(ONE_TO_NINE, practice=8)
    assert chart.comparison.reason == "8 is above the 75th percentile of England's practices (7)"


def test_a_rate_is_compared_with_england_by_its_confidence_interval():
    # England 10% (per 100). At 100 patients: 10 ± 1.959964 × √(0.1 × 0.9 / 100) × 100
    # = 10 ± 5.88, so 15.88 is the upper limit: 15 of 100 is similar, though above every
    # quartile; 16 of 100 is higher.
    values = [8, 9, 10, 10, 11, 12]
    similar = spine_chart(
        values, england=10, practice_rate=Rate(15, 100, per=100), polarity="higher is better"
    )
    assert similar.practice.value == 15
    assert similar.comparison.method == "95% confidence interval"
    assert similar.comparison.verdict is Verdict.SIMILAR
    higher = spine_chart(
        values, england=10, practice_rate=Rate(16, 100, per=100), polarity="higher is better"
    )
    assert higher.comparison.verdict is Verdict.BETTER
    assert "above the 95% limit of 15.88" in higher.comparison.reason


def test_a_poisson_rate_is_compared_with_england_by_its_confidence_interval():
    # England 5 per 1,000; 30 events over 4,000 patients is 7.5 per 1,000. Upper limit:
    # (0.005 + 1.959964 × √(0.005 / 4000)) × 1000 = 5 + 2.19 = 7.19, so 7.5 is higher.
    chart = spine_chart(
        [3, 4, 5, 6, 8],
        england=5,
        practice_rate=Rate(30, 4000, kind=Kind.RATE, per=1000),
        polarity=Polarity.LOWER_IS_BETTER,
    )
    assert chart.comparison.direction == "higher"
    assert chart.comparison.verdict is Verdict.WORSE


def test_spine_coordinates_are_plain_numbers_to_one_decimal_place():
    chart = spine_chart(ZERO_TO_TEN, england=4, practice=7)
    drawn = spine_svg(chart, width=300, height=24, pad=10)
    # x = 10 + position × 280: lowest at 0.1667 → 56.7; highest at 1 → 290.
    assert drawn["range"] == {"x": 56.7, "width": 233.3}
    assert drawn["middle_half"] == {"x": 115.0, "width": 116.7}  # 0.375 → 115, 0.7917 → 231.7
    assert drawn["markers"] == [
        {"label": "practice", "x": 220.0, "value": 7.0, "off_scale": False, "verdict": "similar"}
    ]
    assert drawn["mid_y"] == 12.0


@given(
    st.lists(figures, min_size=4, max_size=30),
    st.none() | figures,
    st.none() | figures,
    st.none() | figures,
    st.none() | figures,
    st.sampled_from(list(Polarity)),
)
def test_every_spine_marker_lies_between_zero_and_one(
    values, england, practice, pcn, collective, polarity
):
    chart = spine_chart(
        values,
        england=england,
        practice=practice,
        pcn=pcn,
        collective=collective,
        polarity=polarity,
    )
    positions = [chart.lowest_at, chart.p25_at, chart.p75_at, chart.highest_at]
    positions += [m.position for m in chart.markers]
    assert all(0 <= p <= 1 for p in positions)
    # The lowest or the highest, whichever is further from England, reaches an edge.
    assert {chart.lowest_at, chart.highest_at} & {0.0, 1.0} or chart.lowest == chart.highest


@given(st.lists(figures, min_size=4, max_size=30), st.none() | figures)
def test_england_is_always_at_the_centre(values, england):
    chart = spine_chart(values, england=england, practice=england)
    assert chart.england_at == 0.5
    if england is not None:
        assert chart.practice.position == 0.5  # a practice at England's value sits on it


# Funnel plot ----------------------------------------------------------------------------------


def test_funnel_limits_for_a_tenth_out_of_a_hundred():
    # 0.1 ± z × √(0.1 × 0.9 / 100) = 0.1 ± z × 0.03.
    limits = control_limits(0.1, 100)
    assert limits.upper_95 == pytest.approx(0.1 + 1.959964 * 0.03)  # 0.15880
    assert limits.lower_95 == pytest.approx(0.1 - 1.959964 * 0.03)  # 0.04120
    assert limits.upper_998 == pytest.approx(0.1 + 3.090232 * 0.03)  # 0.19271
    assert limits.lower_998 == pytest.approx(0.1 - 3.090232 * 0.03)  # 0.00729
    assert (Z_95, Z_998) == (1.959964, 3.090232)


def test_funnel_limits_scale_with_per():
    percent = control_limits(10, 100, per=100)
    assert percent.upper_95 == pytest.approx(15.879892)


def test_poisson_funnel_limits_use_the_rate_over_the_exposure():
    # 5 per 1,000 over 4,000 patients: (0.005 ± z × √(0.005 / 4000)) × 1000.
    limits = control_limits(5, 4000, kind="rate", per=1000)
    spread = math.sqrt(0.005 / 4000) * 1000  # 1.118
    assert limits.upper_95 == pytest.approx(5 + 1.959964 * spread)
    assert limits.lower_998 == pytest.approx(5 - 3.090232 * spread)


def test_limits_are_clipped_at_zero_and_a_proportion_at_one():
    low = control_limits(0.02, 20)  # 0.02 - 1.96 × 0.0313 < 0
    assert low.lower_95 == 0.0
    assert low.lower_998 == 0.0
    high = control_limits(0.98, 20)
    assert high.upper_998 == 1.0
    rare = control_limits(1, 50, kind=Kind.RATE, per=1000)  # 0.001 - 1.96 × 0.0045 < 0
    assert rare.lower_95 == 0.0


def test_the_centre_is_the_collectives_overall_rate_not_the_mean_of_practice_rates():
    # (10 + 50) / (100 + 1000) = 0.0545; the mean of 0.1 and 0.05 would be 0.075.
    funnel = funnel_plot([FunnelEntry("A", 10, 100), FunnelEntry("B", 50, 1000)])
    assert funnel.centre == pytest.approx(60 / 1100)
    assert (funnel.total_count, funnel.total_denominator) == (60, 1100)


def test_each_practice_is_placed_in_its_band():
    # A large practice holds the centre at 100,056 / 1,000,500 = 0.10001. At 100 patients
    # the limits are about 0.0073, 0.0412 | 0.1588, 0.1928.
    funnel = funnel_plot(
        [
            FunnelEntry("anchor", 100_000, 1_000_000),
            FunnelEntry("high 95", 17, 100),
            FunnelEntry("high 99.8", 25, 100),
            FunnelEntry("low 95", 3, 100),
            FunnelEntry("low 99.8", 0, 100),
            FunnelEntry("within", 11, 100),
        ]
    )
    assert [p.band for p in funnel.points] == [
        Band.WITHIN_95,
        Band.HIGH_95,
        Band.HIGH_998,
        Band.LOW_95,
        Band.LOW_998,
        Band.WITHIN_95,
    ]
    assert funnel.points[2].band.words == "high: beyond the 99.8% limits"


def test_points_keep_the_callers_order_not_a_ranking():
    entries = [FunnelEntry("C", 30, 100), FunnelEntry("A", 5, 100), FunnelEntry("B", 20, 100)]
    funnel = funnel_plot(entries)
    assert [p.label for p in funnel.points] == ["C", "A", "B"]
    assert [p["label"] for p in funnel_svg(funnel)["points"]] == ["C", "A", "B"]


def test_a_funnel_without_practices_is_refused():
    with pytest.raises(ValueError, match="no practices"):
        funnel_plot([])


def test_a_practice_with_no_denominator_is_named():
    with pytest.raises(ValueError, match="Riverside's denominator"):
        funnel_plot([FunnelEntry("Riverside", 3, 0)])
    with pytest.raises(ValueError, match="Riverside's count is missing"):
        funnel_plot([FunnelEntry("Riverside", None, 10)])


def test_a_figure_that_is_not_a_count_is_refused():
    with pytest.raises(ValueError, match="not a count"):
        funnel_plot([FunnelEntry("Hillside", Decimal("4.6"), 8000)], kind="rate", per=1000)


def test_a_proportion_above_its_denominator_is_refused():
    with pytest.raises(ValueError, match="more than its denominator"):
        funnel_plot([FunnelEntry("Hillside", 12, 10)])


def test_limit_curves_run_from_the_smallest_to_the_largest_practice():
    funnel = funnel_plot([FunnelEntry("A", 5, 100), FunnelEntry("B", 60, 590)])
    curves = funnel_limits(funnel)
    assert len(curves) == 50
    assert curves[0].denominator == 100
    assert curves[-1].denominator == 590
    assert curves[1].denominator == pytest.approx(110)  # (590 - 100) / 49 = 10 apart


def test_funnel_coordinates_are_plain_numbers_to_one_decimal_place():
    funnel = funnel_plot([FunnelEntry("A", 10, 100), FunnelEntry("B", 40, 400)])
    drawn = funnel_svg(funnel, width=600, height=320, pad=40, steps=5)
    # Across: 40 + n / 400 × 520.
    assert [p["x"] for p in drawn["points"]] == [170.0, 560.0]
    assert drawn["centre"]["x1"] == 40.0
    assert drawn["points"][0]["y"] == drawn["points"][1]["y"] == drawn["centre"]["y"]
    assert drawn["limits"]["upper_998"].startswith("M 170.0,40.0 L ")  # the highest figure
    assert drawn["limits"]["upper_95"].count(" L ") == 4
    for point in drawn["points"]:
        assert point["x"] == round(point["x"], 1)
        assert point["y"] == round(point["y"], 1)


proportion_practices = st.lists(
    st.integers(min_value=1, max_value=20_000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    min_size=1,
    max_size=15,
)


@given(proportion_practices)
def test_the_output_order_equals_the_input_order(practices):
    entries = [FunnelEntry(f"P{i}", count, n) for i, (count, n) in enumerate(practices)]
    funnel = funnel_plot(entries)
    assert [p.label for p in funnel.points] == [e.label for e in entries]
    assert [p.denominator for p in funnel.points] == [n for _, n in practices]


@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=1, max_value=1e6),
    st.sampled_from(list(Kind)),
)
def test_the_99_8_funnel_is_always_at_least_as_wide_as_the_95(centre, n, kind):
    limits = control_limits(centre, n, kind=kind)
    assert limits.lower_998 <= limits.lower_95 <= limits.centre <= limits.upper_95
    assert limits.upper_95 <= limits.upper_998


@settings(max_examples=200)
@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=1, max_value=1e6),
    st.floats(min_value=1, max_value=1e6),
    st.sampled_from(list(Kind)),
)
def test_limits_narrow_as_the_denominator_grows(centre, a, b, kind):
    small, large = sorted((a, b))
    near = control_limits(centre, small, kind=kind)
    far = control_limits(centre, large, kind=kind)
    assert far.upper_95 <= near.upper_95
    assert far.upper_998 <= near.upper_998
    assert far.lower_95 >= near.lower_95
    assert far.lower_998 >= near.lower_998


# Flags ----------------------------------------------------------------------------------------


def test_a_list_falling_more_than_five_percent_a_year_is_flagged():
    flag = list_falling(10_000, 9_380, 1)
    assert flag.flagged
    assert flag.reason == "List fell 6.2% a year (more than 5%)"


def test_a_list_fall_is_annualised_as_a_compound_rate():
    # 8,100 / 10,000 = 0.81 over two years: √0.81 = 0.9, so 10% a year (not 9.5%).
    flag = list_falling(Decimal("10000"), Decimal("8100"), 2)
    assert flag.measured == pytest.approx(0.10)
    assert flag.reason == "List fell 10.0% a year (more than 5%)"


def test_a_list_falling_slower_than_the_threshold_is_not_flagged():
    flag = list_falling(10_000, 9_700, 1)
    assert not flag.flagged
    assert flag.reason == "List fell 3.0% a year (not more than 5%)"


def test_a_growing_list_is_not_flagged():
    flag = list_falling(10_000, 10_200, 1)
    assert not flag.flagged
    assert flag.reason == "List grew 2.0% a year"


def test_the_list_threshold_is_passed_in():
    flag = list_falling(10_000, 9_700, 1, threshold=Decimal("0.025"))
    assert flag.flagged
    assert flag.reason == "List fell 3.0% a year (more than 2.5%)"


def test_a_list_fall_without_a_previous_size_says_so():
    with pytest.raises(ValueError, match="previous list size is missing"):
        list_falling(None, 9_000, 1)
    with pytest.raises(ValueError, match="number of years must be more than 0"):
        list_falling(10_000, 9_000, 0)


def test_a_value_above_the_90th_centile_is_flagged():
    # 90th centile of 1..9: h = 8 × 0.9 = 7.2 → 8 + 0.2 × 1 = 8.2.
    flag = above_centile(9, ONE_TO_NINE)
    assert flag.flagged
    assert flag.threshold == pytest.approx(8.2)
    assert flag.reason == "9 is above the 90th centile (8.2)"
    assert not above_centile(8, ONE_TO_NINE).flagged


def test_the_centile_is_passed_in():
    flag = above_centile(4, ONE_TO_NINE, centile=25)  # the 25th centile is 3
    assert flag.flagged
    assert flag.reason == "4 is above the 25th centile (3)"
    assert above_centile(2, ONE_TO_NINE, centile=1).reason.endswith("the 1st centile (1.08)")


def test_a_centile_of_no_population_is_refused():
    with pytest.raises(ValueError, match="no population values"):
        above_centile(3, [])
    with pytest.raises(ValueError, match="the value is missing"):
        above_centile(None, ONE_TO_NINE)


def test_a_rate_below_the_minimum_is_flagged():
    flag = below_rate(Decimal("0.32"))
    assert flag.flagged
    assert flag.reason == "0.32 per 1,000 is below the minimum of 0.4"


def test_a_rate_at_the_minimum_is_not_flagged():
    flag = below_rate(Decimal("0.4"))
    assert not flag.flagged
    assert flag.reason == "0.4 per 1,000 is not below the minimum of 0.4"
    assert below_rate(0.9, minimum=1).flagged


def test_a_missing_rate_is_refused():
    with pytest.raises(ValueError, match="rate per 1,000 is missing"):
        below_rate(None)
