"""surveys.analytics: pure functions over plain ties (no database).

Most expectations come from one small round worked by hand below; the graph measures are
also checked against networkx on random graphs.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.analytics import (
    RC_DIMENSIONS,
    SPECTRUM,
    Change,
    MutualTie,
    Received,
    RoundMeasures,
    Tie,
    band,
    changes,
    misalignment,
    mutual_ties,
    received,
    round_measures,
)


def tie(
    rater: int,
    ratee: int,
    *,
    trust: float = 3.0,
    value: float = 3.0,
    rc: tuple[float, ...] = (3, 3, 3, 3, 3, 3, 3),
    now: int = 2,
    wanted: int = 2,
) -> Tie:
    return Tie(rater, ratee, trust, value, rc, now, wanted)


# The worked example: 4 organisations, 5 directed ties, one mutual pair (1 <-> 2).
# Organisation 4 rates no one.
#
#   tie     trust value  rc (frequent .. mutual_respect)  now  wanted  wanted-now
#   1 -> 2   4.0   4.0   5 5 4 4 5 4 5                     1    1        0
#   2 -> 1   3.0   3.0   4 4 4 3 4 4 5                     2    1       -1
#   1 -> 3   2.0   2.5   2 3 3 2 3 2 4                     3    2       -1
#   1 -> 4   1.5   2.0   1 2 2 1 2 2 3                     4    3       -1
#   3 -> 4   2.5   3.5   3 2 3 1 1 4 4                     3    4       +1
PARTICIPANTS = {1, 2, 3, 4}
EXAMPLE = [
    Tie(1, 2, 4.0, 4.0, (5, 5, 4, 4, 5, 4, 5), now=1, wanted=1),
    Tie(2, 1, 3.0, 3.0, (4, 4, 4, 3, 4, 4, 5), now=2, wanted=1),
    Tie(1, 3, 2.0, 2.5, (2, 3, 3, 2, 3, 2, 4), now=3, wanted=2),
    Tie(1, 4, 1.5, 2.0, (1, 2, 2, 1, 2, 2, 3), now=4, wanted=3),
    Tie(3, 4, 2.5, 3.5, (3, 2, 3, 1, 1, 4, 4), now=3, wanted=4),
]


@pytest.fixture
def example() -> RoundMeasures:
    return round_measures(PARTICIPANTS, EXAMPLE)


def test_the_worked_example_counts_participants_respondents_and_ties(example):
    # Raters are 1, 2 and 3; 4 rates no one: 3 respondents of 4 participants = 0.75.
    assert example.participants == 4
    assert example.respondents == 3
    assert example.response_rate == 0.75
    assert example.ties == 5


def test_density_is_ties_over_ordered_pairs_of_participants(example):
    # 5 ties / (4 * 3 ordered pairs) = 5/12.
    assert example.density == pytest.approx(5 / 12)


def test_reciprocity_is_the_share_of_ties_whose_reverse_exists(example):
    # 1->2 and 2->1 are reciprocated; 1->3, 1->4, 3->4 are not: 2/5 = 0.4.
    assert example.reciprocity == pytest.approx(0.4)


def test_centralization_is_freeman_degree_centralization_of_the_undirected_graph(example):
    # Undirected edges: 1-2 (the mutual pair counts once), 1-3, 1-4, 3-4.
    # Degrees: 1 -> 3, 2 -> 1, 3 -> 2, 4 -> 2; max 3.
    # sum(3 - d) = 0 + 2 + 1 + 1 = 4; (n-1)(n-2) = 3 * 2 = 6; 4/6 = 2/3.
    assert example.centralization == pytest.approx(2 / 3)


def test_mean_trust_and_value_are_over_directed_ties(example):
    # trust: (4.0 + 3.0 + 2.0 + 1.5 + 2.5) / 5 = 13 / 5 = 2.6
    # value: (4.0 + 3.0 + 2.5 + 2.0 + 3.5) / 5 = 15 / 5 = 3.0
    assert example.mean_trust == pytest.approx(2.6)
    assert example.mean_value == pytest.approx(3.0)


def test_rc_means_are_per_dimension_over_directed_ties(example):
    # frequent         5 + 4 + 2 + 1 + 3 = 15 -> 3.0
    # timely           5 + 4 + 3 + 2 + 2 = 16 -> 3.2
    # accurate         4 + 4 + 3 + 2 + 3 = 16 -> 3.2
    # problem_solving  4 + 3 + 2 + 1 + 1 = 11 -> 2.2
    # shared_goals     5 + 4 + 3 + 2 + 1 = 15 -> 3.0
    # shared_knowledge 4 + 4 + 2 + 2 + 4 = 16 -> 3.2
    # mutual_respect   5 + 5 + 4 + 3 + 4 = 21 -> 4.2
    assert list(example.rc_means) == list(RC_DIMENSIONS)
    assert example.rc_means == pytest.approx(
        {
            "frequent": 3.0,
            "timely": 3.2,
            "accurate": 3.2,
            "problem_solving": 2.2,
            "shared_goals": 3.0,
            "shared_knowledge": 3.2,
            "mutual_respect": 4.2,
        }
    )


def test_spectrum_counts_every_label_including_zeros(example):
    # now:    1, 2, 3, 4, 3 -> allies 1, friends 1, neighbours 2, rivals 1, enemies 0
    # wanted: 1, 1, 2, 3, 4 -> allies 2, friends 1, neighbours 1, rivals 1, enemies 0
    assert list(example.spectrum_now) == list(SPECTRUM)
    assert example.spectrum_now == {
        "allies": 1,
        "friends": 1,
        "neighbours": 2,
        "rivals": 1,
        "enemies": 0,
    }
    assert example.spectrum_wanted == {
        "allies": 2,
        "friends": 1,
        "neighbours": 1,
        "rivals": 1,
        "enemies": 0,
    }


def test_gap_is_the_mean_of_wanted_minus_now(example):
    # (0 - 1 - 1 - 1 + 1) / 5 = -2 / 5 = -0.4: on the whole they want to be closer.
    assert example.gap == pytest.approx(-0.4)


def test_mutual_ties_are_the_pairs_rated_both_ways_with_their_mean_trust_and_band():
    # Only 1 <-> 2 is rated both ways: (4.0 + 3.0) / 2 = 3.5 > 3.25 -> strong.
    assert mutual_ties(EXAMPLE) == [MutualTie(a=1, b=2, trust=3.5, band="strong")]


def test_mutual_ties_are_sorted_by_the_smaller_id_first_whatever_the_input_order():
    ties = [
        tie(9, 3, trust=2.0),
        tie(7, 5, trust=3.0),
        tie(3, 9, trust=2.0),
        tie(5, 7, trust=2.0),
        tie(1, 9),
    ]
    # 3 <-> 9: (2.0 + 2.0) / 2 = 2.0 -> weak; 5 <-> 7: (2.0 + 3.0) / 2 = 2.5 -> moderate.
    assert mutual_ties(ties) == [
        MutualTie(a=3, b=9, trust=2.0, band="weak"),
        MutualTie(a=5, b=7, trust=2.5, band="moderate"),
    ]


def test_received_is_the_mean_over_the_organisations_that_rate_it():
    # 1 is rated by 2 only: trust 3.0, value 3.0.
    # 2 is rated by 1 only: trust 4.0, value 4.0.
    # 3 is rated by 1 only: trust 2.0, value 2.5.
    # 4 is rated by 1 and 3: trust (1.5 + 2.5) / 2 = 2.0; value (2.0 + 3.5) / 2 = 2.75.
    assert received(EXAMPLE, 1) == Received(organisation=1, raters=1, trust=3.0, value=3.0)
    assert received(EXAMPLE, 2) == Received(organisation=2, raters=1, trust=4.0, value=4.0)
    assert received(EXAMPLE, 3) == Received(organisation=3, raters=1, trust=2.0, value=2.5)
    assert received(EXAMPLE, 4) == Received(organisation=4, raters=2, trust=2.0, value=2.75)


def test_received_by_an_organisation_nobody_rated_has_no_means():
    assert received(EXAMPLE, 99) == Received(organisation=99, raters=0, trust=None, value=None)


# Bands


@pytest.mark.parametrize(
    ("trust", "expected"),
    [
        (1.0, "weak"),
        (2.4999, "weak"),
        (2.5, "moderate"),
        (3.0, "moderate"),
        (3.25, "moderate"),
        (3.2501, "strong"),
        (4.0, "strong"),
    ],
)
def test_band_boundaries_are_inclusive_at_2_5_and_3_25(trust, expected):
    assert band(trust) == expected


def test_band_ignores_floating_point_error_at_the_boundaries():
    # Four respondents' means 2, 8/3, 8/3, 8/3 average to 2.5 exactly on paper,
    # but to 2.4999999999999996 in floating point; likewise 2, 11/3, 11/3, 11/3 -> 3.25.
    low = sum([2.0, 8 / 3, 8 / 3, 8 / 3]) / 4
    high = sum([2.0, 11 / 3, 11 / 3, 11 / 3]) / 4
    assert low < 2.5 and high < 3.25
    assert band(low) == "moderate"
    assert band(high) == "moderate"


# Misalignment


def test_misalignment_is_zero_when_every_practice_in_the_pcn_answers_allies():
    practices = {1, 2, 3}
    ties = [tie(a, b, now=1) for a in practices for b in practices if a != b]
    # 3 pairs rated both ways, all 1 vs 1.
    assert misalignment(practices, ties) == (0.0, 3)


def test_misalignment_counts_pairs_more_than_one_step_apart():
    practices = {10, 20, 30, 40}
    ties = [
        tie(10, 20, now=1),
        tie(20, 10, now=2),  # 1 step apart: aligned
        tie(10, 30, now=1),
        tie(30, 10, now=4),  # 3 steps: misaligned
        tie(20, 30, now=2),
        tie(30, 20, now=2),  # 0 steps: aligned
        tie(30, 40, now=5),
        tie(40, 30, now=3),  # 2 steps: misaligned
        tie(10, 40, now=5),  # one way only: not counted
        tie(20, 99, now=1),
        tie(99, 20, now=5),  # 99 is not in the PCN: not counted
    ]
    # 4 pairs considered, 2 misaligned: 2 / 4 = 0.5.
    assert misalignment(practices, ties) == (0.5, 4)


def test_misalignment_leaves_out_pairs_rated_one_way_only():
    practices = {1, 2, 3}
    ties = [tie(1, 2, now=1), tie(2, 1, now=5), tie(1, 3, now=1), tie(3, 2, now=5)]
    # Only 1 <-> 2 is rated both ways (4 steps apart); 1 -> 3 and 3 -> 2 are one-way.
    assert misalignment(practices, ties) == (1.0, 1)


def test_misalignment_is_none_when_no_pair_was_rated_both_ways():
    assert misalignment({1, 2, 3}, [tie(1, 2), tie(2, 3), tie(3, 1)]) == (None, 0)
    assert misalignment({1, 2, 3}, []) == (None, 0)


# Edge cases and checks


def test_an_empty_round_has_zeros_and_no_means():
    measures = round_measures(set(), [])
    assert (measures.participants, measures.respondents, measures.ties) == (0, 0, 0)
    assert measures.response_rate == measures.density == 0.0
    assert measures.reciprocity == measures.centralization == 0.0
    assert measures.mean_trust is measures.mean_value is measures.gap is None
    assert measures.rc_means == dict.fromkeys(RC_DIMENSIONS)
    assert measures.spectrum_now == measures.spectrum_wanted == dict.fromkeys(SPECTRUM, 0)


def test_a_round_without_ties_has_zero_density_reciprocity_and_centralization():
    measures = round_measures({1, 2, 3, 4}, [])
    assert measures.density == measures.reciprocity == measures.centralization == 0.0
    assert measures.response_rate == 0.0


def test_centralization_is_zero_below_three_participants():
    assert round_measures({1, 2}, [tie(1, 2), tie(2, 1)]).centralization == 0.0


def test_centralization_is_one_for_a_star_and_zero_for_a_complete_graph():
    star = [tie(1, leaf) for leaf in range(2, 8)]
    complete = [tie(a, b) for a in range(1, 8) for b in range(1, 8) if a != b]
    assert round_measures(set(range(1, 8)), star).centralization == pytest.approx(1.0)
    assert round_measures(set(range(1, 8)), complete).centralization == 0.0


def test_a_pair_rated_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        round_measures({1, 2}, [tie(1, 2), tie(1, 2, trust=2.0)])


def test_a_tie_to_an_organisation_outside_the_round_is_an_error():
    with pytest.raises(ValueError, match="not participants"):
        round_measures({1, 2}, [tie(1, 2), tie(1, 3)])


@pytest.mark.parametrize(
    "overrides",
    [
        {"ratee": 1},
        {"trust": 0.5},
        {"value": 4.5},
        {"trust": math.nan},
        {"rc": (3, 3, 3, 3, 3, 3)},
        {"rc": (3, 3, 3, 3, 3, 3, 6)},
        {"now": 0},
        {"wanted": 6},
        {"now": 2.5},
    ],
)
def test_a_tie_out_of_range_is_an_error(overrides):
    fields = {"rater": 1, "ratee": 2, "trust": 3.0, "value": 3.0, "rc": (3,) * 7}
    fields |= {"now": 2, "wanted": 2} | overrides
    with pytest.raises(ValueError):
        Tie(**fields)


def test_a_tie_given_rc_as_a_list_keeps_it_as_a_tuple():
    assert Tie(1, 2, 3.0, 3.0, [3] * 7, 2, 2).rc == (3,) * 7  # type: ignore[arg-type]


# Changes between rounds


def test_changes_are_after_minus_before_and_carry_the_respondent_counts(example):
    # A later round: 4 participants, all four rate, and 4 now rates 1 back.
    later = round_measures(PARTICIPANTS, [*EXAMPLE, Tie(4, 1, 3.5, 3.0, (4,) * 7, now=2, wanted=1)])
    # response rate 4/4 = 1.0 (was 0.75); density 6/12 = 0.5 (was 5/12);
    # reciprocity 4/6 (1<->2, 1<->4) (was 0.4); mean trust (13 + 3.5) / 6 = 2.75 (was 2.6);
    # mean value (15 + 3) / 6 = 3.0 (unchanged); centralization: the undirected edges are
    # the same as before, so 2/3 again; gap (-2 - 1) / 6 = -0.5 (was -0.4).
    result = changes(example, later)
    assert [c.measure for c in result] == [
        "response_rate",
        "density",
        "reciprocity",
        "mean_trust",
        "mean_value",
        "centralization",
        "gap",
    ]
    expected = {
        "response_rate": (0.75, 1.0, 0.25),
        "density": (5 / 12, 0.5, 1 / 12),
        "reciprocity": (0.4, 4 / 6, 4 / 6 - 0.4),
        "mean_trust": (2.6, 2.75, 0.15),
        "mean_value": (3.0, 3.0, 0.0),
        "centralization": (2 / 3, 2 / 3, 0.0),
        "gap": (-0.4, -0.5, -0.1),
    }
    for change in result:
        assert (change.before, change.after, change.difference) == pytest.approx(
            expected[change.measure]
        ), change.measure
        assert (change.respondents_before, change.respondents_after) == (3, 4)


def test_a_change_has_no_difference_when_either_round_has_no_mean(example):
    empty = round_measures(PARTICIPANTS, [])
    by_measure = {c.measure: c for c in changes(example, empty)}
    assert by_measure["mean_trust"] == Change("mean_trust", 2.6, None, None, 3, 0)
    assert by_measure["gap"].difference is None
    assert by_measure["density"].difference == pytest.approx(-5 / 12)


# networkx as the reference on random graphs


@st.composite
def random_rounds(draw: st.DrawFn) -> tuple[set[int], set[tuple[int, int]]]:
    """3-25 participants with arbitrary ids, and a set of directed edges between them."""
    n = draw(st.integers(min_value=3, max_value=25))
    ids = sorted(draw(st.sets(st.integers(1, 10_000), min_size=n, max_size=n)))
    index = st.integers(0, n - 1)
    edges = draw(
        st.sets(
            st.tuples(index, index).filter(lambda edge: edge[0] != edge[1]),
            max_size=n * (n - 1),
        )
    )
    return set(ids), {(ids[a], ids[b]) for a, b in edges}


def as_ties(edges: set[tuple[int, int]]) -> list[Tie]:
    return [tie(a, b) for a, b in edges]


def digraph(participants: set[int], edges: set[tuple[int, int]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(participants)
    graph.add_edges_from(edges)
    return graph


@settings(max_examples=200, deadline=None)
@given(random_rounds())
def test_density_matches_networkx(round_):
    participants, edges = round_
    measures = round_measures(participants, as_ties(edges))
    assert measures.density == pytest.approx(nx.density(digraph(participants, edges)))


@settings(max_examples=200, deadline=None)
@given(random_rounds())
def test_reciprocity_matches_networkx(round_):
    participants, edges = round_
    measures = round_measures(participants, as_ties(edges))
    if edges:
        assert measures.reciprocity == pytest.approx(nx.reciprocity(digraph(participants, edges)))
    else:
        assert measures.reciprocity == 0.0
    # and agrees with mutual_ties: each mutual pair is two reciprocated ties.
    assert 2 * len(mutual_ties(as_ties(edges))) == round(measures.reciprocity * len(edges))


@settings(max_examples=200, deadline=None)
@given(random_rounds())
def test_centralization_matches_a_reference_from_networkx_degrees(round_):
    participants, edges = round_
    undirected = nx.Graph()
    undirected.add_nodes_from(participants)
    undirected.add_edges_from(edges)
    degrees = [degree for _, degree in undirected.degree()]
    n = len(participants)
    reference = sum(max(degrees) - degree for degree in degrees) / ((n - 1) * (n - 2))
    measures = round_measures(participants, as_ties(edges))
    assert measures.centralization == pytest.approx(reference)
    assert 0.0 <= measures.centralization <= 1.0


@settings(max_examples=100, deadline=None)
@given(random_rounds())
def test_received_accounts_for_every_tie_once(round_):
    participants, edges = round_
    ties = as_ties(edges)
    assert sum(received(ties, org).raters for org in participants) == len(edges)
    assert round_measures(participants, ties).respondents == len({a for a, _ in edges})


# Speed


def test_a_collective_of_150_with_4500_ties_is_measured():
    """How fast is for `make bench` (bench/graph_library.py); here, that it copes at all."""
    rng = random.Random(4500)
    organisations = list(range(1, 151))
    ties = [
        Tie(
            rater,
            ratee,
            rng.uniform(1, 4),
            rng.uniform(1, 4),
            tuple(rng.uniform(1, 5) for _ in RC_DIMENSIONS),
            rng.randint(1, 5),
            rng.randint(1, 5),
        )
        for rater in organisations
        for ratee in rng.sample([o for o in organisations if o != rater], 30)
    ]
    measures = round_measures(set(organisations), ties)
    assert measures.ties == 4500 and measures.density == pytest.approx(30 / 149)
