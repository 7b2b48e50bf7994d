"""The pure rules of coverage and the warmth × sway grid: no database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from system import coverage as rules
from system.coverage import Known, Quadrant, Reading, Slot, Status

MARCH = dt.date(2025, 3, 3)
MAY = dt.date(2025, 5, 20)
TRUST = 2


def person(pk, warmth=None, sway=None, *, role="", owners=(), org=TRUST, before=None, name=None):
    current = Reading(warmth, sway, MAY) if warmth is not None else None
    previous = Reading(*before, MARCH) if before else None
    return Known(
        stakeholder_id=pk,
        name=name or f"Person {pk}",
        role=role,
        organisation_id=org,
        organisation_name=f"Organisation {org}",
        current=current,
        previous=previous,
        owners=tuple(owners),
    )


def trust_slot():
    return Slot("community_trust", TRUST, "Isle of Wight Community Services")


# The grid ---------------------------------------------------------------------------------


def test_it_places_people_in_the_four_quadrants_by_the_thresholds():
    assert rules.quadrant(Reading(4, 3, MAY)) == Quadrant.KEY_ALLIES
    assert rules.quadrant(Reading(3, 5, MAY)) == Quadrant.WIN_OVER
    assert rules.quadrant(Reading(5, 2, MAY)) == Quadrant.KEEP_WARM
    assert rules.quadrant(Reading(3, 2, MAY)) == Quadrant.MONITOR


@given(st.integers(1, 5), st.integers(1, 5))
def test_it_calls_key_allies_exactly_those_warm_and_holding_sway(warmth, sway):
    found = rules.quadrant(Reading(warmth, sway, MAY))
    assert (found == Quadrant.KEY_ALLIES) == (warmth >= 4 and sway >= 3)
    assert (found == Quadrant.WIN_OVER) == (warmth < 4 and sway >= 3)
    assert (found == Quadrant.KEEP_WARM) == (warmth >= 4 and sway < 3)
    assert (found == Quadrant.MONITOR) == (warmth < 4 and sway < 3)


def test_it_says_how_someone_moved_since_the_assessment_before():
    warmer = person(1, 4, 3, before=(3, 3))
    placed = rules.place(warmer)
    assert placed.movement_words == "warmer by 1 since 3 March"
    assert placed.movement_arrows == "warmth ↑1"
    both = rules.place(person(2, 2, 5, before=(4, 3)))
    assert both.movement_words == "cooler by 2 and more sway by 2 since 3 March"
    assert both.movement_arrows == "warmth ↓2 sway ↑2"
    still = rules.place(person(3, 3, 3, before=(3, 3)))
    assert still.movement_words == "no change since 3 March"
    assert still.movement_arrows == "="
    first = rules.place(person(4, 3, 3))
    assert first.movement is None and first.movement_words == ""


def test_it_names_the_year_of_an_assessment_in_another_year():
    found = rules.movement(Reading(4, 3, dt.date(2025, 1, 5)), Reading(3, 3, dt.date(2024, 11, 2)))
    assert rules.movement_words(found, now=Reading(4, 3, dt.date(2025, 1, 5))) == (
        "warmer by 1 since 2 November 2024"
    )


readings = st.tuples(st.integers(1, 5), st.integers(1, 5))


@given(readings, readings)
def test_the_movement_is_the_difference_between_the_two_newest(now, before):
    found = rules.movement(Reading(*now, MAY), Reading(*before, MARCH))
    assert found is not None
    assert (found.warmth, found.sway) == (now[0] - before[0], now[1] - before[1])
    words = rules.movement_words(found)
    assert ("warmer" in words) == (now[0] > before[0])
    assert ("less sway" in words) == (now[1] < before[1])


@given(st.lists(st.one_of(st.none(), readings), max_size=30))
def test_the_grid_places_everyone_once_best_first_in_each_quadrant(scores):
    people = [person(n, *(score or (None, None))) for n, score in enumerate(scores, start=1)]
    found = rules.grid(people)
    placed = found.placements
    assert sorted(p.person.stakeholder_id for p in placed) == [p.stakeholder_id for p in people]
    assert {p.person.stakeholder_id for p in found.unassessed} == {
        p.stakeholder_id for p in people if p.current is None
    }
    for q in rules.QUADRANT_ORDER:
        sways = [(-p.person.current.sway, -p.person.current.warmth) for p in found.quadrants[q]]
        assert sways == sorted(sways)
        assert all(p.quadrant == q for p in found.quadrants[q])


# Coverage ---------------------------------------------------------------------------------


def test_an_organisation_with_a_warm_key_relationship_holding_sway_is_covered():
    dana = person(1, 4, 3, role="Director of Strategy", owners=["Clare Director"], name="Dana")
    [row] = rules.coverage([trust_slot()], [dana])
    assert row.status == Status.COVERED
    assert row.covered_by == [dana]
    assert row.message == ("Covered by Clare Director with Dana, Director of Strategy.")


def test_a_warm_person_who_is_nobodys_key_relationship_does_not_cover_it():
    [row] = rules.coverage([trust_slot()], [person(1, 5, 5)])
    assert row.status == Status.GAP
    assert row.message == "No key relationship at Isle of Wight Community Services yet."
    assert [s.reason for s in row.suggestions] == ["Warm and holds sway: a good key relationship."]


def test_a_gap_suggests_the_others_known_there_best_first_and_says_who_may_be_worth_more():
    chief = person(1, 2, 3, role="Chief Executive", owners=["Clare Director"], name="Cath")
    strategy = person(2, 3, 5, role="Director of Strategy", name="Dana")
    nurse = person(3, 5, 4, role="Chief Nurse", name="Nia")
    clerk = person(4, 5, 1, role="Board secretary", name="Bo")
    unknown = person(5, role="Finance lead", name="Fay")
    elsewhere = person(6, 5, 5, org=99, name="Elsewhere")
    [row] = rules.coverage([trust_slot()], [chief, strategy, nurse, clerk, unknown, elsewhere])
    assert row.status == Status.GAP
    assert row.message == "No warm key relationship with sway at Isle of Wight Community Services."
    assert row.not_covering == [(chief, "not warm yet (warmth 2)")]
    assert [s.person.name for s in row.suggestions] == ["Dana", "Nia", "Bo", "Fay"]
    assert [s.worth_more for s in row.suggestions] == [
        "The Director of Strategy may be worth more than the Chief Executive",
        "The Chief Nurse may be worth more than the Chief Executive",
        "",
        "",
    ]
    assert row.suggestions[3].reason == "Not assessed yet: assess their warmth and sway."


def test_people_with_the_same_role_are_told_apart_by_name():
    key = person(1, 2, 2, role="Director", owners=["Clare"], name="Ann")
    other = person(2, 3, 4, role="Director", name="Bea")
    assert rules.worth_more(other, key) == ("Bea, Director may be worth more than Ann, Director")
    no_role = person(3, 3, 4, name="Cy")
    assert rules.worth_more(no_role, key) == "Cy may be worth more than the Director"


def test_a_kind_with_no_organisation_known_is_a_gap_asking_for_a_stakeholder():
    slots = rules.default_slots(
        [(7, "Hampshire ICB", "icb"), (8, "Some council", "local_authority")]
    )
    assert [(s.kind, s.organisation_id) for s in slots] == [
        ("icb", 7),
        ("community_trust", None),
        ("acute_trust", None),
        ("local_authority", 8),
        ("public_health", None),
    ]
    rows = rules.coverage(slots, [])
    assert rows[1].status == Status.UNKNOWN and rows[1].is_gap
    assert rows[1].message == "No community trust known yet: add a stakeholder there."
    assert rows[3].message == "Nobody known at Some council yet: add a stakeholder there."


def test_the_defaults_list_every_organisation_of_a_kind_by_name_and_ignore_other_kinds():
    slots = rules.default_slots(
        [(3, "b trust", "acute_trust"), (2, "A trust", "acute_trust"), (9, "Surgery", "practice")]
    )
    assert [s.organisation_name for s in slots if s.kind == "acute_trust"] == ["A trust", "b trust"]
    assert all(s.kind != "practice" for s in slots)


people_at_trust = st.lists(
    st.builds(
        lambda pk, score, key: person(
            pk, *(score or (None, None)), owners=["Owner"] if key else ()
        ),
        st.integers(1, 10_000),
        st.one_of(st.none(), readings),
        st.booleans(),
    ),
    max_size=12,
    unique_by=lambda p: p.stakeholder_id,
)


@given(people_at_trust)
def test_a_key_organisation_is_a_gap_exactly_when_no_key_relationship_is_warm_with_sway(people):
    [row] = rules.coverage([trust_slot()], people)
    covering = [
        p
        for p in people
        if p.is_key and p.current and p.current.warmth >= 4 and p.current.sway >= 3
    ]
    assert row.is_gap == (not covering)
    if row.is_gap:
        suggested = [s.person for s in row.suggestions]
        assert sorted(p.stakeholder_id for p in suggested) == sorted(
            p.stakeholder_id for p in people if not p.is_key
        )
        assert suggested == rules.best_first(suggested)
        assert {p.stakeholder_id for p, _ in row.not_covering} == {
            p.stakeholder_id for p in people if p.is_key
        }
    else:
        assert row.suggestions == [] and sorted(row.covered_by, key=lambda p: p.stakeholder_id) == (
            sorted(covering, key=lambda p: p.stakeholder_id)
        )
