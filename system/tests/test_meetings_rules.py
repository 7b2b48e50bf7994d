"""A series' recurrence: built from plain choices, checked, put into words and expanded in
UK local time; and when the GP leaders attending a series are too many. No database."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from system.rules_meetings import (
    NTH,
    WEEKDAYS,
    RecurrenceError,
    Repeats,
    checked_rule,
    describe,
    occurrences,
    plain_choices,
    rule_from_choices,
    spread_thin,
    spread_warning,
)

LONDON = ZoneInfo("Europe/London")


def test_each_plain_choice_writes_its_rrule():
    assert rule_from_choices(Repeats.ONCE) == ""
    assert rule_from_choices(Repeats.WEEKLY, weekday="TU") == "FREQ=WEEKLY;BYDAY=TU"
    assert (
        rule_from_choices(Repeats.EVERY_N_WEEKS, weekday="WE", every=2)
        == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    )
    assert rule_from_choices(Repeats.MONTHLY, weekday="TH", nth=1) == "FREQ=MONTHLY;BYDAY=1TH"
    assert rule_from_choices(Repeats.MONTHLY, weekday="FR", nth=-1) == "FREQ=MONTHLY;BYDAY=-1FR"


@pytest.mark.parametrize(
    ("repeats", "kwargs", "field"),
    [
        (Repeats.WEEKLY, {}, "weekday"),
        (Repeats.EVERY_N_WEEKS, {"weekday": "MO"}, "every"),
        (Repeats.EVERY_N_WEEKS, {"weekday": "MO", "every": 1}, "every"),
        (Repeats.MONTHLY, {"weekday": "MO"}, "nth"),
        (Repeats.MONTHLY, {"weekday": "MO", "nth": 5}, "nth"),
        ("fortnightly", {}, "repeats"),
    ],
)
def test_a_missing_or_wrong_choice_is_named(repeats, kwargs, field):
    with pytest.raises(RecurrenceError) as error:
        rule_from_choices(repeats, **kwargs)
    assert list(error.value.args[0]) == [field]


@given(
    repeats=st.sampled_from(Repeats.values),
    weekday=st.sampled_from([d for d, _ in WEEKDAYS]),
    every=st.integers(2, 52),
    nth=st.sampled_from([n for n, _ in NTH]),
)
def test_a_plain_rule_reads_back_as_the_choices_that_made_it(repeats, weekday, every, nth):
    rule = rule_from_choices(repeats, weekday=weekday, every=every, nth=nth)
    assert checked_rule(rule) == rule
    plain = plain_choices(rule)
    assert plain is not None and plain.repeats == repeats
    assert (
        rule_from_choices(plain.repeats, weekday=plain.weekday, every=plain.every, nth=plain.nth)
        == rule
    )


def test_a_rule_only_the_api_could_write_has_no_plain_choices():
    assert plain_choices("FREQ=MONTHLY;BYMONTHDAY=15") is None
    assert plain_choices("FREQ=WEEKLY;BYDAY=MO,WE") is None


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("", "the recurrence needs"),
        ("FREQ=HOURLY", "daily, weekly, monthly or yearly"),
        ("FREQ=MONTHLY;COUNT=3", "Leave out COUNT and UNTIL"),
        ("FREQ=MONTHLY;BYDAY=9ZZ", "not a recurrence rule we can read"),
        ("BYDAY=MO", "needs a frequency"),
        ("FREQ=DAILY", "meets 366 times a year"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
    ],
)
def test_a_rule_that_cannot_be_used_says_why(rule, words):
    if not rule:
        assert checked_rule(rule) == ""  # empty is a one-off, not an error
        return
    with pytest.raises(RecurrenceError) as error:
        checked_rule(rule)
    assert words in str(error.value)


def test_an_rrule_prefix_and_spaces_are_taken_off():
    assert checked_rule("  RRULE:FREQ=MONTHLY;BYDAY=1TH ") == "FREQ=MONTHLY;BYDAY=1TH"


def test_rules_are_put_into_plain_words():
    assert describe("") == "Once"
    assert describe("FREQ=WEEKLY;BYDAY=TU") == "Every week, on Tuesday"
    assert describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE") == "Every 2 weeks, on Wednesday"
    assert describe("FREQ=MONTHLY;BYDAY=1TH") == "Every month, on the first Thursday"
    assert describe("FREQ=MONTHLY;BYDAY=-1FR") == "Every month, on the last Friday"
    assert describe("FREQ=WEEKLY;BYDAY=MO,WE") == "Every week, on Monday and Wednesday"


def test_a_monthly_meeting_keeps_its_local_time_when_the_clocks_change():
    start = dt.datetime(2026, 1, 1, 10, 0, tzinfo=LONDON)
    found = occurrences("FREQ=MONTHLY;BYDAY=1TH", start, tz=LONDON)
    assert len(found) == 12
    assert [m.date() for m in found[:4]] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 5),
        dt.date(2026, 3, 5),
        dt.date(2026, 4, 2),
    ]
    assert {(m.astimezone(LONDON).hour, m.astimezone(LONDON).minute) for m in found} == {(10, 0)}
    assert found[3].utcoffset() == dt.timedelta(hours=1)  # British Summer Time


def test_a_one_off_is_its_start_alone():
    start = dt.datetime(2026, 5, 12, 14, 30, tzinfo=LONDON)
    assert occurrences("", start, tz=LONDON) == [start]


def test_a_fortnightly_meeting_has_27_meetings_in_a_year_from_its_first():
    start = dt.datetime(2026, 1, 6, 9, 0, tzinfo=LONDON)  # a Tuesday
    found = occurrences("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", start, tz=LONDON)
    assert found[0] == start and len(found) == 27
    assert all(b - a >= dt.timedelta(days=13) for a, b in itertools.pairwise(found))


def test_the_voice_is_spread_thin_past_the_collectives_most():
    assert not spread_thin(2, 2)
    assert spread_thin(3, 2)
    assert (
        spread_warning("the place partnership", 5, 2)
        == "5 different GP leaders attend the place partnership: the voice is spread thin. "
        "Agree one or two."
    )
    assert spread_warning("the ICB board", 2, 1).endswith("Agree one.")
    assert spread_warning("the ICB board", 4, 3).endswith("Agree no more than three.")
