"""The leadership group's view: needs ranked by the practices behind them, then the
registered patients those practices serve (from the national practice data, when it is
imported); and the home page's item for a need your practice is behind that has an
outcome."""

from __future__ import annotations

import datetime as dt

from system import services_voice as services
from system.attention_voice import needs_for_you
from system.selectors_voice import needs_ranked

from .test_voice_fixtures import NOW, make_mandate, patients, raise_need, support


def _titles(world, **filters):
    return [
        (r.need.title, r.practices, r.patients_text)
        for r in needs_ranked(collective_id=world.collective.pk, **filters).needs
    ]


def test_needs_are_ranked_by_practices_then_patients_and_patients_are_not_known_without_data(
    world,
):
    raise_need(world, 0, "Hospital letters arrive late")
    three = raise_need(world, 1, "No phlebotomy capacity after 1pm")
    support(world, three, 2, 3)
    other_three = raise_need(world, 4, "No district nurses at weekends")
    support(world, other_three, 5, 0)
    ranking = needs_ranked(collective_id=world.collective.pk)
    assert not ranking.imported
    assert _titles(world) == [
        ("No phlebotomy capacity after 1pm", 3, "not known"),  # older of the two with three
        ("No district nurses at weekends", 3, "not known"),
        ("Hospital letters arrive late", 1, "not known"),
    ]
    # With the national data, the need whose practices serve more patients comes first.
    patients(world, {0: 12_000, 1: 5_000, 2: 4_000, 3: 3_000, 4: 9_000, 5: 8_000})
    assert _titles(world) == [
        ("No district nurses at weekends", 3, "29,000"),
        ("No phlebotomy capacity after 1pm", 3, "12,000"),
        ("Hospital letters arrive late", 1, "12,000"),
    ]


def test_a_practice_missing_from_the_data_is_counted_as_not_known(world):
    need = raise_need(world, 0)
    support(world, need, 1)
    patients(world, {0: 7_500})
    assert _titles(world) == [
        ("No phlebotomy capacity after 1pm", 2, "7,500 (not known for 1 practice)")
    ]


def test_closed_needs_come_after_open_ones_and_the_list_filters_and_searches(world):
    closed = raise_need(world, 0, "Closed already")
    support(world, closed, 1, 2, 3)
    mandate = make_mandate(world, closed)
    services.mandate_outcome_record(
        actor_membership=world.cd,
        mandate=mandate,
        status="concluded",
        outcome="The ICB agreed.",
        meaning="Nothing changes for you.",
        now=NOW,
    )
    raise_need(world, 4, "Still open")
    assert [t for t, _, _ in _titles(world)] == ["Still open", "Closed already"]
    assert [t for t, _, _ in _titles(world, status="open")] == ["Still open"]
    assert [t for t, _, _ in _titles(world, status="closed")] == ["Closed already"]
    assert [t for t, _, _ in _titles(world, q="practice e")] == ["Still open"]


def test_the_home_page_shows_an_outcome_to_the_practices_behind_the_need_for_30_days(world):
    need = raise_need(world, 0)
    support(world, need, 1)
    mandate = make_mandate(world, need)
    assert needs_for_you(world.representatives[0], now=NOW) == []
    services.mandate_outcome_record(
        actor_membership=world.cd,
        mandate=mandate,
        status="concluded",
        outcome="The ICB will fund bloods until 4pm.",
        meaning="Book bloods until 4pm.",
        now=NOW,
    )
    for someone in (world.representatives[0], world.member, world.representatives[1]):
        (item,) = needs_for_you(someone, now=NOW + dt.timedelta(days=29))
        assert item.title == "What happened to what you raised: No phlebotomy capacity after 1pm"
        assert item.description == "The ICB will fund bloods until 4pm."
        assert item.href == f"/c/{world.collective.slug}/system/needs/{need.pk}/"
    # Not for a practice that is not behind it, nor for the leadership group as such.
    for someone in (world.representatives[2], world.cd, world.observer, world.guest):
        assert needs_for_you(someone, now=NOW) == []
    assert needs_for_you(world.representatives[0], now=NOW + dt.timedelta(days=31)) == []


def test_the_home_item_costs_one_query(world, django_assert_num_queries):
    need = raise_need(world, 0)
    services.need_prioritise(
        actor_membership=world.cd, need=need, decision="set_aside", reason="Not ours.", now=NOW
    )
    rep = world.representatives[0]
    rep.collective  # noqa: B018 - the membership as the page has it, with its collective
    with django_assert_num_queries(1):
        (item,) = needs_for_you(rep, now=NOW)
    assert item.description == "Set aside by the leadership group: Not ours."
