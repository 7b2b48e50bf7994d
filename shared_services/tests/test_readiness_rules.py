"""The pure readiness rules: placement, evidence, who sees the figures, the lead's counts
and what the habits suggest. No database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from shared_services import readiness
from shared_services.readiness import (
    AnswerFact,
    HabitFacts,
    Placement,
    RatingFact,
    RoundFact,
    assess,
    figures_visible,
    lead_figures,
    place,
    suggestions,
)

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
SPRING = RoundFact(1, "Spring", NOW - dt.timedelta(days=90), False, 3)
AUTUMN = RoundFact(2, "Autumn", NOW - dt.timedelta(days=10), False, 3)
STAFF = RoundFact(3, "Staff round", NOW - dt.timedelta(days=5), True, 3)
ROUNDS = {r.id: r for r in (SPRING, AUTUMN)}
HOST, OAK, ASH, ELM = 10, 11, 12, 13


def _practice(alone, joint, trust_by, survey=AUTUMN, response=100):
    answers = [AnswerFact(survey.id, response, alone, joint)]
    ratings = [RatingFact(survey.id, response, ratee, (t, t, t)) for ratee, t in trust_by.items()]
    return assess({survey.id: survey, **ROUNDS}, answers, ratings, {HOST, ASH, ELM})


# Placement, one hand case per quadrant -------------------------------------------------------


def test_a_practice_that_believes_and_trusts_is_ready():
    found = _practice(2, 4, {HOST: 3, ASH: 3})
    assert found.placement is Placement.READY
    assert found.belief == 4.0 and found.trust == 3.0


def test_a_practice_that_believes_but_trusts_little_should_build_trust():
    found = _practice(1, 5, {HOST: 2, ASH: 1})
    assert found.placement is Placement.BUILD_TRUST
    assert found.belief == 5.0 and found.trust == 1.5


def test_a_practice_that_trusts_but_does_not_believe_should_build_the_case():
    found = _practice(5, 1, {HOST: 4, ELM: 3})
    assert found.placement is Placement.BUILD_CASE
    assert found.belief == 1.0 and found.trust == 3.5


def test_a_practice_that_neither_believes_nor_trusts_is_not_ready():
    found = _practice(4, 2, {HOST: 1})
    assert found.placement is Placement.NOT_READY


def test_the_middle_of_each_scale_counts_as_high():
    assert place(3.0, 2.5) is Placement.READY
    assert place(2.99, 2.5) is Placement.BUILD_CASE
    assert place(3.0, 2.49) is Placement.BUILD_TRUST


def test_continuing_alone_is_sustainable_is_turned_round():
    assert readiness.belief_score(5, None) == 1.0
    assert readiness.belief_score(1, None) == 5.0
    assert readiness.belief_score(None, 4) == 4.0
    assert readiness.belief_score(2, 3) == 3.5
    assert readiness.belief_score(None, None) is None


def test_a_practice_that_answered_no_closed_round_is_not_enough_to_say():
    found = assess(ROUNDS, [], [], {HOST})
    assert found.placement is Placement.UNKNOWN
    assert found.missing == "It has answered no closed trust survey round."


def test_a_practice_that_rated_neither_the_host_nor_the_others_is_not_enough_to_say():
    found = _practice(2, 4, {99: 4})  # rated only an organisation outside the service
    assert found.placement is Placement.UNKNOWN and "not rated" in found.missing


def test_answers_in_an_open_round_do_not_count():
    open_round = 7  # not among the closed rounds given
    answers = [AnswerFact(open_round, 1, 1, 5)]
    ratings = [RatingFact(open_round, 1, HOST, (4, 4, 4))]
    assert assess(ROUNDS, answers, ratings, {HOST}).placement is Placement.UNKNOWN


def test_the_latest_closed_round_with_answers_counts():
    answers = [AnswerFact(SPRING.id, 1, 5, 1), AnswerFact(AUTUMN.id, 2, 1, 5)]
    ratings = [RatingFact(SPRING.id, 1, HOST, (1, 1, 1)), RatingFact(AUTUMN.id, 2, HOST, (4, 4, 4))]
    found = assess(ROUNDS, answers, ratings, {HOST})
    assert found.placement is Placement.READY
    assert found.answers.round == AUTUMN and found.ratings.round == AUTUMN


def test_belief_and_trust_each_come_from_the_latest_round_that_has_them():
    answers = [AnswerFact(SPRING.id, 1, 1, 5), AnswerFact(AUTUMN.id, 2, None, None)]
    ratings = [RatingFact(AUTUMN.id, 2, HOST, (2, 2, 2))]
    found = assess(ROUNDS, answers, ratings, {HOST})
    assert found.answers.round == SPRING and found.ratings.round == AUTUMN
    assert found.placement is Placement.BUILD_TRUST


def test_each_organisation_counts_once_and_staff_answers_are_averaged():
    rounds = {STAFF.id: STAFF}
    answers = [AnswerFact(STAFF.id, 1, 1, 5), AnswerFact(STAFF.id, 2, 3, 3)]
    ratings = [
        RatingFact(STAFF.id, 1, HOST, (4, 4, 4)),
        RatingFact(STAFF.id, 2, HOST, (2, 2, 2)),  # the host: (4 + 2) / 2 = 3
        RatingFact(STAFF.id, 1, ASH, (1, 1, None)),  # one item skipped: 1
    ]
    found = assess(rounds, answers, ratings, {HOST, ASH})
    assert found.ratings.by_organisation == {HOST: 3.0, ASH: 1.0}
    assert found.trust == 2.0
    assert found.answers.sustainable_alone == 2.0 and found.answers.joint_difference == 4.0
    assert found.answers.respondents == 2 and found.ratings.respondents == 2


@given(
    alone=st.integers(1, 5),
    joint=st.integers(1, 5),
    trusts=st.lists(st.integers(1, 4), min_size=1, max_size=6),
)
def test_the_placement_follows_belief_and_trust_against_their_middles(alone, joint, trusts):
    by = {HOST + i: t for i, t in enumerate(trusts)}
    answers = [AnswerFact(AUTUMN.id, 1, alone, joint)]
    ratings = [RatingFact(AUTUMN.id, 1, pk, (t, t, t)) for pk, t in by.items()]
    found = assess(ROUNDS, answers, ratings, set(by))
    believes = ((6 - alone) + joint) / 2 >= 3
    trusting = sum(trusts) / len(trusts) >= 2.5
    expected = {
        (True, True): Placement.READY,
        (True, False): Placement.BUILD_TRUST,
        (False, True): Placement.BUILD_CASE,
        (False, False): Placement.NOT_READY,
    }[(believes, trusting)]
    assert found.placement is expected


@given(
    belief=st.floats(1, 5),
    trust=st.floats(1, 4),
    more_belief=st.floats(0, 4),
    more_trust=st.floats(0, 3),
)
def test_more_belief_or_trust_never_moves_a_practice_back(belief, trust, more_belief, more_trust):
    rank = {Placement.NOT_READY: 0, Placement.BUILD_TRUST: 1, Placement.BUILD_CASE: 1}
    rank[Placement.READY] = 2
    before, after = place(belief, trust), place(belief + more_belief, trust + more_trust)
    assert rank[after] >= rank[before]
    if before is Placement.BUILD_TRUST:
        assert after in (Placement.BUILD_TRUST, Placement.READY)
    if before is Placement.BUILD_CASE:
        assert after in (Placement.BUILD_CASE, Placement.READY)


# Who sees the figures --------------------------------------------------------------------


def test_in_a_representative_round_only_those_who_answer_for_the_practice_see_the_figures():
    found = _practice(2, 4, {HOST: 3})
    assert figures_visible(answers_for_practice=True, per_person_roles=True, assessment=found)
    assert not figures_visible(answers_for_practice=False, per_person_roles=True, assessment=found)


def test_in_a_per_person_round_the_figures_wait_for_k_respondents():
    def staff(respondents):
        answers = [AnswerFact(STAFF.id, n, 2, 4) for n in range(respondents)]
        ratings = [RatingFact(STAFF.id, 0, HOST, (3, 3, 3))]
        return assess({STAFF.id: STAFF}, answers, ratings, {HOST})

    for n, shown in ((1, False), (2, False), (3, True)):
        assert (
            figures_visible(answers_for_practice=False, per_person_roles=True, assessment=staff(n))
            is shown
        )


def test_nobody_sees_figures_that_do_not_exist():
    nothing = assess(ROUNDS, [], [], {HOST})
    assert not figures_visible(answers_for_practice=True, per_person_roles=True, assessment=nothing)


# The lead's counts ---------------------------------------------------------------------------

placements = st.dictionaries(st.integers(1, 30), st.sampled_from(list(Placement)), max_size=14)


@given(placements=placements, data=st.data(), k=st.integers(1, 6))
def test_every_count_shown_is_over_at_least_k_practices_that_have_not_shared(placements, data, k):
    ids = sorted(placements)
    shared = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
    known = set(data.draw(st.lists(st.sampled_from(ids), max_size=1))) if ids else set()
    found = lead_figures(placements=placements, shared=shared, known=known, k=k)
    assert found.k == max(k, 3)
    assert found.counted.isdisjoint(shared) and found.counted.isdisjoint(known)
    assert all(placements[pk] is not Placement.UNKNOWN for pk in found.counted)
    assert dict(found.named) == {pk: placements[pk] for pk in shared}
    if found.counts is None:
        assert len(found.counted) < found.k
    else:
        assert len(found.counted) >= found.k
        assert sum(found.counts.values()) == len(found.counted)
        assert set(found.counts) == set(readiness.QUADRANTS)
        for quadrant, n in found.counts.items():
            assert n == sum(1 for pk in found.counted if placements[pk] is quadrant)


def test_a_shared_practice_is_left_out_of_the_counts_so_they_cannot_be_subtracted():
    placements = {
        1: Placement.READY,
        2: Placement.NOT_READY,
        3: Placement.READY,
        4: Placement.READY,
    }
    found = lead_figures(placements=placements, shared={2}, known=set(), k=3)
    assert found.counts == {
        Placement.READY: 3,
        Placement.BUILD_TRUST: 0,
        Placement.BUILD_CASE: 0,
        Placement.NOT_READY: 0,
    }
    assert found.named == {2: Placement.NOT_READY}
    # A second practice shares: only two are left, too few to count; no numbers at all.
    found = lead_figures(placements=placements, shared={2, 4}, known=set(), k=3)
    assert found.counts is None and found.named == {2: Placement.NOT_READY, 4: Placement.READY}


def test_the_viewers_own_practice_and_those_that_cannot_be_placed_are_not_counted():
    placements = {
        1: Placement.READY,
        2: Placement.BUILD_CASE,
        3: Placement.UNKNOWN,
        4: Placement.READY,
    }
    assert lead_figures(placements=placements, shared=set(), known=set(), k=3).shown
    assert not lead_figures(placements=placements, shared=set(), known={1}, k=3).shown


# What the habits suggest -------------------------------------------------------------------


def _facts(last=None, own=OAK, host=HOST):
    return HabitFacts(
        own_id=own,
        host_id=host,
        host_name="Island Federation",
        last_conversation_with_host=last,
        now=NOW,
    )


def _texts(found):
    return [s.text for s in found]


def test_no_conversation_with_the_host_in_six_weeks_is_suggested():
    found = suggestions(
        placement=Placement.READY, ratings=None, names={}, facts=_facts(), shared=True
    )
    assert any(
        "No conversation with Island Federation" in t and "6 weeks" in t for t in _texts(found)
    )
    recent = _facts(last=NOW - dt.timedelta(weeks=2))
    found = suggestions(
        placement=Placement.READY, ratings=None, names={}, facts=recent, shared=True
    )
    assert not any("No conversation" in t for t in _texts(found))
    old = _facts(last=NOW - dt.timedelta(weeks=7))
    found = suggestions(placement=Placement.READY, ratings=None, names={}, facts=old, shared=True)
    assert any("No conversation" in t for t in _texts(found))


def test_a_host_practice_is_not_told_to_talk_to_itself():
    found = suggestions(
        placement=Placement.READY, ratings=None, names={}, facts=_facts(own=HOST), shared=True
    )
    assert not any("No conversation" in t for t in _texts(found))


def test_low_trust_in_a_named_participant_suggests_a_conversation_with_it():
    found = _practice(2, 4, {HOST: 3, ASH: 1, ELM: 4})
    names = {HOST: "Island Federation", ASH: "Ash Surgery", ELM: "Elm Surgery"}
    made = suggestions(
        placement=found.placement,
        ratings=found.ratings,
        names=names,
        facts=_facts(last=NOW),
        shared=False,
    )
    named = [s for s in made if s.from_ratings]
    assert [s.text.split(":")[0] for s in named] == ["Your trust in Ash Surgery is low"]


def test_each_placement_has_its_own_next_steps():
    def habits(placement):
        made = suggestions(
            placement=placement, ratings=None, names={}, facts=_facts(last=NOW), shared=False
        )
        return {s.habit for s in made}

    assert "Ask for help" in habits(Placement.BUILD_TRUST)
    assert "Put it right" in habits(Placement.BUILD_TRUST)
    assert "Meet in person" in habits(Placement.BUILD_CASE)
    assert {"Ask for help", "Meet in person"} <= habits(Placement.NOT_READY)
    assert "Share" in habits(Placement.READY)
    assert "Trust surveys" in habits(Placement.UNKNOWN)


def test_a_host_trusted_little_and_not_talked_to_gets_one_suggestion_not_two():
    found = _practice(2, 4, {HOST: 1, ASH: 3})
    made = suggestions(
        placement=found.placement,
        ratings=found.ratings,
        names={HOST: "Island Federation", ASH: "Ash Surgery"},
        facts=_facts(),
        shared=False,
    )
    assert sum("Island Federation" in s.text for s in made if s.habit != "Meet in person") == 1
