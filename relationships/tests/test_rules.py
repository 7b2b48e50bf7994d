"""The pure habit rules: periods, keeping a rhythm, the mode mix and the nudges.

Every clock here is fixed; times are built in Europe/London (L) or UTC to prove that a
contact belongs to the period of its local date and time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relationships.rules import (
    ContactFact,
    ModeMix,
    RhythmFact,
    Thresholds,
    keeps,
    mode_mix,
    nudges,
    periods,
    rhythm_record,
)

LONDON = ZoneInfo("Europe/London")
CALL = frozenset({"phone", "video", "in_person"})
FACE = frozenset({"in_person"})
OAK, RIVER, ELM = 1, 2, 3
PAIR = frozenset({OAK, RIVER})
NAMES = {OAK: "Oakwood", RIVER: "Riverside", ELM: "Elmfield"}


def L(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=LONDON)


def U(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC)


def rhythm(
    period: str = "weekly",
    starts_on: date = date(2026, 4, 6),
    ends_on: date | None = None,
    *,
    modes: frozenset[str] = CALL,
    organisations: frozenset[int] = PAIR,
    min_minutes: int | None = None,
    name: str = "Oakwood and Riverside's weekly call",
    id: int = 7,
) -> RhythmFact:
    return RhythmFact(
        id=id,
        organisations=organisations,
        modes=modes,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        min_minutes=min_minutes,
        name=name,
    )


def call(on: datetime, orgs: frozenset[int] = PAIR, minutes: int | None = 30, mode: str = "video"):
    return ContactFact(on=on, mode=mode, organisations=orgs, duration_minutes=minutes)


def emails(on: datetime, n: int = 1, orgs: frozenset[int] = PAIR) -> ContactFact:
    return ContactFact(on=on, mode="email", organisations=orgs, count=n)


def starts(ps) -> list[date]:
    return [p.start.date() for p in ps]


# --------------------------------------------------------------------------------------------
# Periods


def test_weekly_periods_run_monday_to_monday_up_to_the_current_week():
    ps = periods(rhythm("weekly", date(2026, 4, 6)), L(2026, 4, 22, 12))
    assert starts(ps) == [date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 20)]
    assert ps[0].start == L(2026, 4, 6) and ps[0].end == L(2026, 4, 13)
    assert ps[-1].end == L(2026, 4, 27)
    assert ps[0].label == "Week of 6 Apr 2026"


def test_fortnightly_periods_are_14_day_blocks_from_the_monday_of_the_start_week():
    ps = periods(rhythm("fortnightly", date(2026, 4, 8)), L(2026, 5, 5, 9))
    assert starts(ps) == [date(2026, 4, 6), date(2026, 4, 20), date(2026, 5, 4)]
    assert all(p.end - p.start == timedelta(days=14) for p in ps)
    assert ps[0].label == "Fortnight from 6 Apr 2026"


def test_monthly_periods_are_calendar_months():
    ps = periods(rhythm("monthly", date(2026, 1, 1)), L(2026, 3, 15))
    assert [p.label for p in ps] == ["January 2026", "February 2026", "March 2026"]
    assert ps[1].start == L(2026, 2, 1) and ps[1].end == L(2026, 3, 1)


def test_monthly_periods_cross_the_new_year():
    ps = periods(rhythm("monthly", date(2025, 11, 3)), L(2026, 1, 2))
    assert [p.label for p in ps] == ["November 2025", "December 2025", "January 2026"]


def test_a_period_starting_exactly_now_is_the_open_current_period():
    record = rhythm_record(rhythm(), [], L(2026, 4, 13))
    assert [o.kept for o in record] == [False, None]


def test_a_rhythm_agreed_for_the_future_has_no_periods_yet():
    assert periods(rhythm(starts_on=date(2026, 5, 1)), L(2026, 4, 29)) == []


# Mid-period rule: a period is judged only if the rhythm is in force on at least half its days.


@pytest.mark.parametrize(
    ("kind", "starts_on", "first"),
    [
        ("weekly", date(2026, 4, 9), date(2026, 4, 6)),  # Thursday: 4 of 7 days left
        ("weekly", date(2026, 4, 10), date(2026, 4, 13)),  # Friday: 3 of 7, next week
        ("monthly", date(2026, 4, 16), date(2026, 4, 1)),  # 15 of 30 days: exactly half
        ("monthly", date(2026, 4, 17), date(2026, 5, 1)),  # 14 of 30: next month
        ("monthly", date(2026, 1, 16), date(2026, 1, 1)),  # 16 of 31
        ("monthly", date(2026, 1, 17), date(2026, 2, 1)),  # 15 of 31: under half
        ("fortnightly", date(2026, 4, 12), date(2026, 4, 6)),  # Sunday: 8 of 14, always kept
    ],
)
def test_a_rhythm_agreed_mid_period_is_judged_on_it_only_if_half_of_it_remains(
    kind, starts_on, first
):
    ps = periods(rhythm(kind, starts_on), L(2026, 6, 1))
    assert ps[0].start.date() == first


def test_a_partial_first_period_that_is_not_judged_leaves_nothing_to_judge_yet():
    # Agreed on Friday 10 April; still that week: the first judged week has not begun.
    assert rhythm_record(rhythm(starts_on=date(2026, 4, 10)), [], L(2026, 4, 12, 20)) == []


def test_a_call_earlier_in_a_judged_first_week_keeps_it():
    # Agreed on Thursday 9 April on a Tuesday call: the week counts as a whole.
    record = rhythm_record(
        rhythm(starts_on=date(2026, 4, 9)), [call(L(2026, 4, 7, 10))], L(2026, 4, 14)
    )
    assert [(o.kept, o.contacts) for o in record] == [(True, 1), (None, 0)]


# Boundaries and clock changes


def test_a_contact_at_monday_midnight_local_keeps_the_new_week_not_the_old():
    record = rhythm_record(rhythm(), [call(L(2026, 4, 13, 0, 0))], L(2026, 4, 15))
    assert [o.kept for o in record] == [False, True]


def test_a_contact_a_second_before_monday_midnight_keeps_the_old_week():
    record = rhythm_record(rhythm(), [call(L(2026, 4, 12, 23, 59, 59))], L(2026, 4, 15))
    assert [o.kept for o in record] == [True, None]


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        # March 2026: clocks go forward on Sunday 29 March.
        (U(2026, 3, 29, 23, 30), date(2026, 3, 30)),  # 00:30 BST Monday 30 March
        (U(2026, 3, 29, 22, 30), date(2026, 3, 23)),  # 23:30 BST Sunday 29 March
        (U(2026, 3, 22, 23, 30), date(2026, 3, 16)),  # 23:30 GMT Sunday 22 March
        # October 2026: clocks go back on Sunday 25 October.
        (U(2026, 10, 26, 0, 30), date(2026, 10, 26)),  # 00:30 GMT Monday 26 October
        (U(2026, 10, 25, 23, 30), date(2026, 10, 19)),  # 23:30 GMT Sunday 25 October
        (U(2026, 10, 18, 22, 30), date(2026, 10, 12)),  # 23:30 BST Sunday 18 October
        (U(2026, 10, 18, 23, 30), date(2026, 10, 19)),  # 00:30 BST Monday 19 October
    ],
)
def test_contacts_around_the_clock_changes_fall_in_the_week_of_their_local_date(moment, week):
    r = rhythm(starts_on=date(2026, 3, 2))
    record = rhythm_record(r, [call(moment)], L(2026, 11, 30))
    kept = [o.period.start.date() for o in record if o.kept]
    assert kept == [week]


def test_weeks_across_the_clock_changes_start_at_local_midnight():
    ps = periods(rhythm(starts_on=date(2026, 3, 23)), L(2026, 4, 1))
    assert ps[0].end == ps[1].start == L(2026, 3, 30)
    assert ps[0].end.utcoffset() == timedelta(hours=1)
    assert ps[0].end.astimezone(UTC) - ps[0].start.astimezone(UTC) == timedelta(hours=7 * 24 - 1)


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (U(2026, 3, 31, 22, 30), "March 2026"),  # 23:30 BST 31 March
        (U(2026, 3, 31, 23, 30), "April 2026"),  # 00:30 BST 1 April
        (U(2026, 3, 1, 0, 30), "March 2026"),  # 00:30 GMT 1 March
    ],
)
def test_a_monthly_period_across_the_march_change_holds_its_local_days(moment, month):
    r = rhythm("monthly", date(2026, 3, 1), modes=FACE)
    record = rhythm_record(r, [call(moment, mode="in_person")], L(2026, 5, 2))
    assert [o.period.label for o in record if o.kept] == [month]
    march = record[0].period
    assert (march.start, march.end) == (L(2026, 3, 1), L(2026, 4, 1))


def test_a_monthly_period_across_the_october_change_holds_its_local_days():
    r = rhythm("monthly", date(2026, 9, 1), modes=FACE)
    contacts = [
        call(U(2026, 9, 30, 23, 30), mode="in_person"),  # 00:30 BST 1 October
        call(U(2026, 10, 31, 23, 30), mode="in_person"),  # 23:30 GMT 31 October
    ]
    record = rhythm_record(r, contacts, L(2026, 11, 15))
    assert [(o.period.label, o.kept, o.contacts) for o in record] == [
        ("September 2026", False, 0),
        ("October 2026", True, 2),
        ("November 2026", None, 0),
    ]
    october = record[1].period
    assert october.end.astimezone(UTC) - october.start.astimezone(UTC) == timedelta(
        days=31, hours=1
    )


# A rhythm that ended


def test_a_rhythm_that_ended_has_no_periods_after_its_end():
    r = rhythm(starts_on=date(2026, 4, 6), ends_on=date(2026, 4, 19))
    assert starts(periods(r, L(2026, 6, 1))) == [date(2026, 4, 6), date(2026, 4, 13)]


@pytest.mark.parametrize(
    ("ends_on", "last"),
    [
        (date(2026, 4, 22), date(2026, 4, 13)),  # Wednesday: 3 of 7 days, not judged
        (date(2026, 4, 23), date(2026, 4, 20)),  # Thursday: 4 of 7 days, judged
    ],
)
def test_a_rhythm_that_ended_mid_period_is_judged_on_it_only_if_in_force_half_of_it(ends_on, last):
    r = rhythm(starts_on=date(2026, 4, 6), ends_on=ends_on)
    assert periods(r, L(2026, 6, 1))[-1].start.date() == last


def test_a_rhythm_that_ended_raises_no_missed_nudge():
    r = rhythm(starts_on=date(2026, 4, 6), ends_on=date(2026, 4, 19))
    assert nudges(**_no_pairs([r], L(2026, 4, 22))) == []


# Keeping a rhythm


def test_a_contact_in_a_mode_the_rhythm_does_not_accept_does_not_keep_it():
    face = rhythm(modes=FACE)
    assert not keeps(face, call(L(2026, 4, 7), mode="video"))
    assert not keeps(face, emails(L(2026, 4, 7), 9))
    assert keeps(face, call(L(2026, 4, 7), mode="in_person"))
    record = rhythm_record(face, [call(L(2026, 4, 7), mode="phone")], L(2026, 4, 14))
    assert [o.kept for o in record] == [False, None]


@pytest.mark.parametrize(("minutes", "kept"), [(29, False), (30, True), (45, True), (None, False)])
def test_a_call_shorter_than_the_agreed_minutes_does_not_keep_the_rhythm(minutes, kept):
    assert keeps(rhythm(min_minutes=30), call(L(2026, 4, 7), minutes=minutes)) is kept


def test_a_call_of_unknown_length_keeps_a_rhythm_with_no_minimum():
    assert keeps(rhythm(), call(L(2026, 4, 7), minutes=None))


def test_a_pair_rhythm_needs_both_organisations_in_the_contact():
    r = rhythm()
    assert not keeps(r, call(L(2026, 4, 7), orgs=frozenset({OAK, ELM})))
    assert not keeps(r, call(L(2026, 4, 7), orgs=frozenset({OAK})))
    assert keeps(r, call(L(2026, 4, 7), orgs=frozenset({OAK, RIVER, ELM})))


def test_a_group_rhythm_is_kept_by_a_contact_between_any_two_of_its_organisations():
    pcn = rhythm(organisations=frozenset({OAK, RIVER, ELM}), modes=FACE)
    assert keeps(pcn, call(L(2026, 4, 7), orgs=frozenset({RIVER, ELM}), mode="in_person"))
    assert not keeps(pcn, call(L(2026, 4, 7), orgs=frozenset({ELM, 99}), mode="in_person"))


def test_the_record_counts_the_contacts_that_keep_each_period():
    contacts = [call(L(2026, 4, 7)), call(L(2026, 4, 9)), call(L(2026, 4, 9), minutes=10)]
    record = rhythm_record(rhythm(min_minutes=30), contacts, L(2026, 4, 14))
    assert [(o.kept, o.contacts) for o in record] == [(True, 2), (None, 0)]


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        ContactFact(on=datetime(2026, 4, 7, 10), mode="phone", organisations=PAIR)
    with pytest.raises(ValueError):
        periods(rhythm(), datetime(2026, 4, 7, 10))


def test_unknown_modes_and_periods_are_refused():
    with pytest.raises(ValueError):
        ContactFact(on=L(2026, 4, 7), mode="fax", organisations=PAIR)
    with pytest.raises(ValueError):
        rhythm("daily")


# Mode mix


def test_a_bulk_email_entry_counts_as_its_count():
    now = L(2026, 4, 22, 12)
    contacts = [emails(L(2026, 4, 10), 9), call(L(2026, 4, 14), mode="phone")]
    assert mode_mix(contacts, PAIR, now, 8) == ModeMix(
        email=9, conversations=1, in_person=0, other=0, email_share=0.9
    )


def test_the_mode_mix_counts_conversations_in_person_and_other():
    now = L(2026, 4, 22, 12)
    contacts = [
        emails(L(2026, 4, 1), 2),
        call(L(2026, 4, 2), mode="phone"),
        call(L(2026, 4, 3), mode="video"),
        call(L(2026, 4, 4), mode="in_person"),
        ContactFact(on=L(2026, 4, 5), mode="other", organisations=PAIR),
    ]
    mix = mode_mix(contacts, PAIR, now, 8)
    assert (mix.email, mix.conversations, mix.in_person, mix.other) == (2, 3, 1, 1)
    assert mix.email_share == pytest.approx(2 / 6)


def test_the_mode_mix_only_counts_the_last_weeks_between_the_pair():
    now = L(2026, 4, 22, 12)
    contacts = [
        emails(L(2026, 2, 25, 12), 5),  # exactly 8 weeks ago: in
        emails(L(2026, 2, 25, 11, 59), 50),  # just before: out
        emails(L(2026, 4, 22, 12, 1), 50),  # after now: out
        emails(L(2026, 4, 20), 50, orgs=frozenset({OAK, ELM})),  # another pair: out
    ]
    assert mode_mix(contacts, PAIR, now, 8).email == 5


def test_the_mode_mix_window_keeps_its_local_time_across_the_clock_change():
    # Eight weeks before 12:00 BST on 1 May is 12:00 GMT on 6 March.
    now = L(2026, 5, 1, 12)
    contacts = [emails(L(2026, 3, 6, 12), 1), emails(L(2026, 3, 6, 11, 59), 10)]
    assert mode_mix(contacts, PAIR, now, 8).email == 1


def test_no_contact_has_no_email_share():
    assert mode_mix([], PAIR, L(2026, 4, 22), 8).email_share is None


# --------------------------------------------------------------------------------------------
# Nudges

NOW = L(2026, 4, 22, 12)  # a Wednesday; the week of 20 April
DEFAULTS = Thresholds()


def _nudges(contacts, now=NOW, thresholds=DEFAULTS, rhythms=()):
    return nudges(
        pairs=[PAIR],
        names=NAMES,
        contacts=contacts,
        rhythms=list(rhythms),
        now=now,
        thresholds=thresholds,
    )


def _no_pairs(rhythms, now, thresholds=DEFAULTS):
    return {
        "pairs": [],
        "names": NAMES,
        "contacts": [],
        "rhythms": rhythms,
        "now": now,
        "thresholds": thresholds,
    }


@pytest.mark.parametrize(("n", "fires"), [(4, False), (5, True), (6, True)])
def test_email_only_fires_from_min_emails_with_no_conversation(n, fires):
    found = _nudges([emails(L(2026, 4, 14), n)])
    assert [x.rule for x in found] == (["email_only"] if fires else [])


def test_email_only_reads_as_the_pair_count_and_weeks():
    (found,) = _nudges([emails(L(2026, 4, 14), 4), emails(L(2026, 4, 20), 5)])
    assert found.text == (
        "Oakwood and Riverside: 9 emails and no conversation in 6 weeks — book a 30-minute call"
    )
    assert found.organisations == PAIR
    assert found.key == "email_only:1-2:2026-04-20"


def test_email_only_does_not_fire_after_a_conversation_in_the_window():
    # Six weeks before NOW is 12:00 on 11 March; 9 e-mails and a call is e-mail heavy instead.
    contacts = [emails(L(2026, 4, 14), 9), call(L(2026, 3, 11, 12), mode="phone")]
    assert [x.rule for x in _nudges(contacts)] == ["email_heavy"]


def test_email_only_ignores_a_conversation_before_the_window_and_emails_before_it():
    # Six weeks before NOW is 12:00 on 11 March.
    old_call = call(L(2026, 3, 11, 11, 59), mode="phone")
    assert [x.rule for x in _nudges([emails(L(2026, 4, 14), 5), old_call])] == ["email_only"]
    # E-mails before the six weeks do not count for email_only (but do in email_heavy's eight).
    assert [x.rule for x in _nudges([emails(L(2026, 3, 11, 11, 59), 5)])] == ["email_heavy"]


def test_email_only_counts_only_emails_between_the_pair():
    other_pair = emails(L(2026, 4, 14), 9, orgs=frozenset({OAK, ELM}))
    assert _nudges([other_pair]) == []


@pytest.mark.parametrize(
    ("n_emails", "fires"),
    [(6, False), (7, True), (8, True)],  # with 3 calls: 67%, 70% (the threshold), 73%
)
def test_email_heavy_fires_at_or_above_the_amber_share(n_emails, fires):
    contacts = [emails(L(2026, 4, 1), n_emails)] + [call(L(2026, 4, d)) for d in (2, 9, 16)]
    found = _nudges(contacts)
    assert [x.rule for x in found] == (["email_heavy"] if fires else [])


@pytest.mark.parametrize(("n_emails", "fires"), [(3, False), (4, True), (5, True)])
def test_email_heavy_needs_at_least_min_emails_contacts(n_emails, fires):
    # With one call: 4 contacts (75%), 5 (80%), 6 (83%).
    found = _nudges([emails(L(2026, 4, 1), n_emails), call(L(2026, 4, 2))])
    assert [x.rule for x in found] == (["email_heavy"] if fires else [])


def test_email_heavy_reads_as_the_share_of_email():
    (found,) = _nudges([emails(L(2026, 4, 1), 7), call(L(2026, 4, 2)), call(L(2026, 4, 9))])
    assert found.text == "Oakwood and Riverside: most of your contact is e-mail (78%) — try a call"
    assert found.key == "email_heavy:1-2:2026-04-20"


def test_an_email_only_pair_is_not_also_nudged_as_email_heavy():
    assert [x.rule for x in _nudges([emails(L(2026, 4, 14), 20)])] == ["email_only"]


def test_email_heavy_only_counts_the_last_weeks():
    # Eight weeks before NOW is 12:00 on 25 February: the 20 e-mails before it do not count.
    contacts = [emails(L(2026, 2, 25, 11, 59), 20), emails(L(2026, 4, 14), 3), call(L(2026, 4, 15))]
    assert _nudges(contacts) == []
    contacts[0] = emails(L(2026, 2, 25, 12), 20)
    assert [x.rule for x in _nudges(contacts)] == ["email_heavy"]


@pytest.mark.parametrize(("missed", "fires"), [(1, False), (2, True), (3, True)])
def test_rhythm_missed_fires_after_missed_in_a_row_complete_periods(missed, fires):
    # Weekly from 30 March; the last `missed` complete weeks before NOW's week had no call.
    r = rhythm(starts_on=date(2026, 3, 30), name="The weekly call")
    kept_on = L(2026, 4, 20) - timedelta(weeks=missed + 1) + timedelta(days=1)
    found = _nudges([call(kept_on)], rhythms=[r])
    assert [x.rule for x in found] == (["rhythm_missed"] if fires else [])
    if missed == 2:
        assert found[0].text == "The weekly call was missed twice in a row"
    if missed == 3:
        assert found[0].text == "The weekly call was missed 3 times in a row"


def test_the_pcns_monthly_face_to_face_was_missed_twice():
    pcn = rhythm(
        "monthly",
        date(2026, 1, 1),
        modes=FACE,
        organisations=frozenset({OAK, RIVER, ELM}),
        name="The PCN's monthly face-to-face",
        id=3,
    )
    contacts = [call(L(2026, 1, 20), orgs=frozenset({RIVER, ELM}), mode="in_person")]
    (found,) = _nudges(contacts, now=L(2026, 4, 2), rhythms=[pcn])
    assert found.text == "The PCN's monthly face-to-face was missed twice in a row"
    assert found.organisations == frozenset({OAK, RIVER, ELM})
    assert found.key == "rhythm_missed:3:2026-03-01"


def test_rhythm_missed_is_quiet_once_the_open_period_is_kept():
    r = rhythm(starts_on=date(2026, 4, 6))
    assert [x.rule for x in _nudges([], rhythms=[r])] == ["rhythm_missed"]
    assert _nudges([call(L(2026, 4, 21))], rhythms=[r]) == []


def test_a_single_missed_period_reads_as_last_week_when_the_threshold_is_one():
    r = rhythm(starts_on=date(2026, 4, 13), name="The weekly call")
    (found,) = _nudges([], rhythms=[r], thresholds=Thresholds(missed_in_a_row=1))
    assert found.text == "The weekly call was missed last week"


def test_rhythm_missed_is_not_raised_for_a_partial_first_period_not_judged():
    # Agreed on Friday 10 April: judged from 13 April, so only one week is complete.
    r = rhythm(starts_on=date(2026, 4, 10))
    assert _nudges([], rhythms=[r]) == []


# Stable keys


def test_nudge_keys_are_stable_within_a_period_and_new_in_the_next():
    r = rhythm(starts_on=date(2026, 4, 6))
    contacts = [emails(L(2026, 4, 14), 9)]

    def keys(now: datetime) -> list[str]:
        return [x.key for x in _nudges(contacts, now=now, rhythms=[r])]

    monday, sunday_night, next_monday = L(2026, 4, 20), L(2026, 4, 26, 23, 59), L(2026, 4, 27)
    assert keys(monday) == keys(NOW) == keys(sunday_night)
    assert keys(NOW) == ["email_only:1-2:2026-04-20", "rhythm_missed:7:2026-04-13"]
    assert keys(next_monday) == ["email_only:1-2:2026-04-27", "rhythm_missed:7:2026-04-20"]


def test_the_same_nudges_come_out_of_repeated_runs_in_any_input_order():
    r = rhythm(starts_on=date(2026, 4, 6))
    contacts = [emails(L(2026, 4, 14), 9), emails(L(2026, 4, 15), 1)]
    first = nudges(
        pairs=[PAIR, frozenset({OAK, ELM})],
        names=NAMES,
        contacts=contacts,
        rhythms=[r],
        now=NOW,
        thresholds=Thresholds(),
    )
    second = nudges(
        pairs=[frozenset({ELM, OAK}), PAIR],
        names=NAMES,
        contacts=list(reversed(contacts)),
        rhythms=[r],
        now=NOW,
        thresholds=Thresholds(),
    )
    assert first == second


def test_email_only_names_are_sorted_whatever_the_ids():
    names = {OAK: "Riverside", RIVER: "Oakwood"}
    (found,) = nudges(
        pairs=[PAIR],
        names=names,
        contacts=[emails(L(2026, 4, 14), 5)],
        rhythms=[],
        now=NOW,
        thresholds=Thresholds(),
    )
    assert found.text.startswith("Oakwood and Riverside: 5 emails")


# --------------------------------------------------------------------------------------------
# Property: every contact in the window falls in exactly one period

WINDOW_START = datetime(2025, 1, 1, tzinfo=UTC)


@st.composite
def rhythms_and_contacts(draw):
    kind = draw(st.sampled_from(["weekly", "fortnightly", "monthly"]))
    starts_on = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    ends_on = draw(st.none() | st.integers(0, 400).map(lambda d: starts_on + timedelta(days=d)))
    now = datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 500 * 24 * 60))
    )
    minutes = st.integers(-40 * 24 * 60, 520 * 24 * 60)
    moments = draw(
        st.lists(
            minutes.map(
                lambda m: (
                    datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC)
                    + timedelta(minutes=m)
                )
            ),
            max_size=30,
        )
    )
    return rhythm(kind, starts_on, ends_on), now, moments


@settings(max_examples=300, deadline=None)
@given(rhythms_and_contacts())
def test_every_contact_in_the_window_falls_in_exactly_one_period(case):
    r, now, moments = case
    ps = periods(r, now)
    for before, after in pairwise(ps):
        assert before.end == after.start  # contiguous, no gaps, no overlaps
    assert all(p.start <= now for p in ps)
    contacts = [call(m) for m in moments]
    record = rhythm_record(r, contacts, now)
    if not ps:
        assert record == []
        return
    for m in moments:
        inside = ps[0].start <= m < ps[-1].end
        assert sum(p.contains(m) for p in ps) == (1 if inside else 0)
    in_window = [m for m in moments if ps[0].start <= m < ps[-1].end and m <= now]
    assert sum(o.contacts for o in record) == len(in_window)
    for o in record:
        assert (o.kept is None) == (o.contacts == 0 and o.period.end > now)
