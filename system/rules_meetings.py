"""The rules of system meetings that need no database: a series' recurrence (an iCalendar
RRULE) built from plain choices, checked, put into words and expanded into meeting times;
and when the GP leaders attending one series are too many.

A recurrence is expanded in local (UK) time, so that a meeting at 10:00 stays at 10:00 when
the clocks change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from icalendar import vRecur

#: How far ahead a series' meetings are scheduled.
SCHEDULE_MONTHS = 12
#: The most meetings one series may have in a year (weekly is 53).
MOST_PER_YEAR = 60
#: The frequencies a system meeting may have.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


class RecurrenceError(ValueError):
    """A recurrence that cannot be used; the message says why, in plain words."""


class Repeats:
    """The plain choices a form offers (and the API's `repeats`)."""

    ONCE = "once"
    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every_n_weeks"
    MONTHLY = "monthly_nth_weekday"

    choices = [
        (ONCE, "Once (a one-off meeting)"),
        (WEEKLY, "Every week"),
        (EVERY_N_WEEKS, "Every few weeks"),
        (MONTHLY, "Every month, on a set weekday (for example the first Thursday)"),
    ]
    values = [value for value, _ in choices]


WEEKDAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
WEEKDAY_NAMES = dict(WEEKDAYS)
NTH = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]
NTH_NAMES = {n: label.lower() for n, label in NTH}


def rule_from_choices(
    repeats: str, *, weekday: str = "", every: int | None = None, nth: int | None = None
) -> str:
    """The RRULE for a plain choice ("" for a one-off). Raises RecurrenceError naming the
    missing or wrong part, as {field: message} in its args[0]."""
    if repeats == Repeats.ONCE:
        return ""
    if repeats not in Repeats.values:
        raise RecurrenceError({"repeats": "Choose how often the meeting happens."})
    if weekday not in WEEKDAY_NAMES:
        raise RecurrenceError({"weekday": "Choose the day of the week it meets on."})
    if repeats == Repeats.WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    if repeats == Repeats.EVERY_N_WEEKS:
        if every is None or not 2 <= every <= 52:
            raise RecurrenceError(
                {"every": "Say every how many weeks it meets: a number from 2 to 52."}
            )
        return f"FREQ=WEEKLY;INTERVAL={every};BYDAY={weekday}"
    if nth not in NTH_NAMES:
        raise RecurrenceError(
            {"nth": "Choose which of the month's weekdays it meets on: first to fourth, or last."}
        )
    return f"FREQ=MONTHLY;BYDAY={nth}{weekday}"


@dataclass(frozen=True)
class Plain:
    """A rule as the plain choices that make it; None fields were not needed."""

    repeats: str
    weekday: str = ""
    every: int | None = None
    nth: int | None = None


def _parts(rule: str) -> dict[str, list[Any]]:
    return {key: list(value) for key, value in vRecur.from_ical(rule).items()}


def plain_choices(rule: str) -> Plain | None:
    """The plain choices that make the rule, or None for a rule only the API could set."""
    if not rule:
        return Plain(Repeats.ONCE)
    try:
        parts = _parts(rule)
    except ValueError:
        return None
    freq, days = parts.pop("FREQ", [None])[0], parts.pop("BYDAY", [])
    interval = int(parts.pop("INTERVAL", [1])[0])
    if parts or len(days) != 1:
        return None
    day = str(days[0])
    if freq == "WEEKLY" and day in WEEKDAY_NAMES:
        if interval == 1:
            return Plain(Repeats.WEEKLY, weekday=day)
        return Plain(Repeats.EVERY_N_WEEKS, weekday=day, every=interval)
    if freq == "MONTHLY" and interval == 1 and day[-2:] in WEEKDAY_NAMES:
        try:
            nth = int(day[:-2])
        except ValueError:
            return None
        if nth in NTH_NAMES:
            return Plain(Repeats.MONTHLY, weekday=day[-2:], nth=nth)
    return None


def _sample_start() -> dt.datetime:
    # A Monday in local time (rules are expanded naive, in local time), to count a rule's
    # meetings in a year.
    return dt.datetime(2026, 1, 5, 10, 0)  # noqa: DTZ001


def checked_rule(rule: str) -> str:
    """The rule, checked and written the standard way ("" for a one-off). Raises
    RecurrenceError saying what is wrong with it."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:].strip()
    if not rule:
        return ""
    try:
        parts = vRecur.from_ical(rule)
        freq = parts.get("FREQ")
        if not freq:
            raise RecurrenceError(
                "The recurrence needs a frequency, for example FREQ=MONTHLY;BYDAY=1TH."
            )
        if str(freq[0]) not in FREQUENCIES:
            raise RecurrenceError(
                "A system meeting recurs daily, weekly, monthly or yearly at most: "
                f"FREQ={freq[0]} is not one of them."
            )
        if "COUNT" in parts or "UNTIL" in parts:
            raise RecurrenceError(
                "Leave out COUNT and UNTIL: meetings are scheduled a year ahead, and a series "
                "that ends is simply not scheduled again."
            )
        normal = vRecur(parts).to_ical().decode()
        start = _sample_start()
        expanded = rrulestr(normal, dtstart=start)
        found = expanded.between(start, start + relativedelta(years=1), inc=True)
    except RecurrenceError:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise RecurrenceError(
            f"That is not a recurrence rule we can read ({error}). Write it as an iCalendar "
            "RRULE, for example FREQ=MONTHLY;BYDAY=1TH."
        ) from error
    if not found:
        raise RecurrenceError("That recurrence never happens: check its days and months.")
    if len(found) > MOST_PER_YEAR:
        raise RecurrenceError(
            f"That recurrence meets {len(found)} times a year; a system meeting series may "
            f"meet at most {MOST_PER_YEAR} times."
        )
    return normal


def _ordinal_day(day: str) -> str:
    weekday = WEEKDAY_NAMES.get(day[-2:], day[-2:])
    if len(day) == 2:
        return weekday
    try:
        nth = int(day[:-2])
    except ValueError:
        return day
    return f"the {NTH_NAMES.get(nth, f'{nth}th')} {weekday}"


def describe(rule: str) -> str:
    """The recurrence in plain words: "Every month, on the first Thursday"."""
    if not rule:
        return "Once"
    try:
        parts = _parts(rule)
    except ValueError:
        return rule
    freq = str(parts.get("FREQ", [""])[0])
    interval = int(parts.get("INTERVAL", [1])[0])
    days = [str(d) for d in parts.get("BYDAY", [])]
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq)
    if unit is None:
        return rule
    every = f"Every {unit}" if interval == 1 else f"Every {interval} {unit}s"
    if not days:
        return every
    on = [_ordinal_day(d) for d in days]
    listed = on[0] if len(on) == 1 else ", ".join(on[:-1]) + " and " + on[-1]
    return f"{every}, on {listed}"


def occurrences(
    rule: str, start: dt.datetime, *, tz: ZoneInfo, months: int = SCHEDULE_MONTHS
) -> list[dt.datetime]:
    """The meeting times of the rule in the `months` from `start` (an aware datetime; the
    start counts, the same day `months` later does not), at the start's local time of day;
    a one-off ("") is the start alone."""
    local = start.astimezone(tz).replace(tzinfo=None)
    if not rule:
        return [start]
    until = local + relativedelta(months=months)
    found = rrulestr(checked_rule(rule), dtstart=local).between(local, until, inc=True)
    return [moment.replace(tzinfo=tz) for moment in found if moment < until]


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def spread_thin(leaders: int, most: int) -> bool:
    """More different GP leaders attend a series than the collective's most: the voice of
    general practice is spread thin, and nobody sees the themes."""
    return leaders > most


def spread_warning(series_name: str, leaders: int, most: int) -> str:
    """What the meetings page says of a series whose voice is spread thin."""
    if most <= 1:
        agree = "Agree one."
    elif most == 2:
        agree = "Agree one or two."
    else:
        agree = f"Agree no more than {_NUMBER_WORDS.get(most, str(most))}."
    return f"{leaders} different GP leaders attend {series_name}: the voice is spread thin. {agree}"
