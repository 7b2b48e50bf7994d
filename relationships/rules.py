"""The habit rules, as pure functions over plain facts: no database, no clock.

Services turn model rows into the frozen dataclasses below and pass ``now`` explicitly, so the
pages, the API, the scheduled nudge job and the tests all share one definition of "a period",
"kept", "the mode mix" and "a nudge".

Time: every period is in the site's time zone, Europe/London. A contact belongs to the period
that contains its *local* date and time, so a call at 23:30 BST on a Sunday is a Sunday call
(even though it is 22:30 UTC) and a call at exactly Monday 00:00 local belongs to the new week.
Period boundaries are local midnights and period lengths are counted in calendar days, so the
clock changes in March and October never move a contact across a day or shorten a period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: The site's time zone: periods start at local midnight here.
SITE_TZ = ZoneInfo("Europe/London")

MODES = frozenset({"email", "phone", "video", "in_person", "other"})
#: The modes that are a conversation rather than e-mail.
CONVERSATION_MODES = frozenset({"phone", "video", "in_person"})
PERIOD_KINDS = ("weekly", "fortnightly", "monthly")

#: How a missed period is named in a nudge when only one was missed.
_LAST = {"weekly": "last week", "fortnightly": "last fortnight", "monthly": "last month"}


# --------------------------------------------------------------------------------------------
# Facts in


@dataclass(frozen=True)
class ContactFact:
    """A contact between organisations. ``count`` > 1 is a bulk entry, e.g. "9 e-mails
    exchanged this week"; ``duration_minutes`` is None when nobody recorded it."""

    on: datetime
    mode: str
    organisations: frozenset[int]
    count: int = 1
    duration_minutes: int | None = None

    def __post_init__(self) -> None:
        _require_aware(self.on, "ContactFact.on")
        if self.mode not in MODES:
            raise ValueError(f"Unknown mode of contact: {self.mode!r}")
        if self.count < 1:
            raise ValueError("A contact's count is at least 1.")


@dataclass(frozen=True)
class RhythmFact:
    """An agreed rhythm of contact, e.g. a weekly 30-minute call between two practices
    (modes {"phone", "video", "in_person"}, min_minutes 30) or a PCN's monthly face-to-face
    (modes {"in_person"}). ``ends_on`` is the last day it applies (inclusive)."""

    id: int
    organisations: frozenset[int]
    modes: frozenset[str]
    period: str
    starts_on: date
    ends_on: date | None
    min_minutes: int | None
    name: str

    def __post_init__(self) -> None:
        if self.period not in PERIOD_KINDS:
            raise ValueError(f"Unknown period: {self.period!r}")
        unknown = self.modes - MODES
        if unknown:
            raise ValueError(f"Unknown modes of contact: {sorted(unknown)}")


@dataclass(frozen=True)
class Thresholds:
    """A collective's settings for the nudge rules (relationships.models.HabitSettings)."""

    weeks: int = 8
    email_only_weeks: int = 6
    min_emails: int = 5
    missed_in_a_row: int = 2
    email_share_amber: float = 0.7


# --------------------------------------------------------------------------------------------
# Facts out


@dataclass(frozen=True)
class Period:
    """[start, end): both local midnights in SITE_TZ."""

    start: datetime
    end: datetime
    label: str

    def contains(self, on: datetime) -> bool:
        """Whether a moment falls in this period, judged by its local (Europe/London) date."""
        day = local_date(on)
        return self.start.date() <= day < self.end.date()


@dataclass(frozen=True)
class PeriodOutcome:
    """``kept`` is None while the period is still open and not yet kept; ``contacts`` counts
    the contacts that keep it (a bulk entry counts as its ``count``)."""

    period: Period
    kept: bool | None
    contacts: int


@dataclass(frozen=True)
class ModeMix:
    email: int
    conversations: int  # phone + video + in person
    in_person: int
    other: int
    email_share: float | None  # e-mails over all contact; None when there was no contact

    @property
    def total(self) -> int:
        return self.email + self.conversations + self.other


@dataclass(frozen=True)
class NudgeFact:
    """``key`` is rule + subject + the period the nudge is about: the same nudge is raised
    once in that period (relationships.models.Nudge is unique per collective and key)."""

    key: str
    rule: str
    organisations: frozenset[int]
    text: str


# --------------------------------------------------------------------------------------------
# Time helpers


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime.")


def local_date(moment: datetime) -> date:
    """The date of an aware moment in the site's time zone."""
    _require_aware(moment, "The moment")
    return moment.astimezone(SITE_TZ).date()


def _midnight(day: date) -> datetime:
    """Local midnight (never in a UK clock-change gap: the clocks change at 01:00 UTC)."""
    return datetime.combine(day, time(0), tzinfo=SITE_TZ)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _period_start(kind: str, anchor: date, day: date) -> date:
    """The first day of the ``kind`` period containing ``day``; fortnights are counted from
    ``anchor`` (a Monday)."""
    if kind == "weekly":
        return _monday(day)
    if kind == "fortnightly":
        return anchor + timedelta(days=14 * ((day - anchor).days // 14))
    return day.replace(day=1)


def _period_end(kind: str, start: date) -> date:
    """The first day after the period starting on ``start``."""
    if kind == "weekly":
        return start + timedelta(days=7)
    if kind == "fortnightly":
        return start + timedelta(days=14)
    return _add_month(start)


def _label(kind: str, start: date) -> str:
    if kind == "weekly":
        return f"Week of {start.day} {start:%b %Y}"
    if kind == "fortnightly":
        return f"Fortnight from {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def _week_key(now: datetime) -> str:
    """The current local week, as its Monday: the period an e-mail nudge is about."""
    return _monday(local_date(now)).isoformat()


# --------------------------------------------------------------------------------------------
# 1. Periods


def periods(rhythm: RhythmFact, now: datetime) -> list[Period]:
    """Every complete or current period of the rhythm, oldest first.

    The grid: a weekly period runs Monday 00:00 to the next Monday 00:00 local time;
    fortnightly periods are consecutive 14-day blocks starting on the Monday of the week
    ``starts_on`` falls in; monthly periods are calendar months.

    The half-period rule (a rhythm agreed, or ended, part-way through a period): a period is
    judged only if the rhythm is in force - from ``starts_on`` to ``ends_on``, both days
    included - on at least half of its days. So a rhythm agreed mid-period is judged on its
    first period only if at least half of it remains, counting ``starts_on`` itself;
    otherwise its first judged period is the next one. For example a weekly rhythm agreed on
    a Thursday (4 of 7 days left) is judged that week, one agreed on a Friday (3 of 7) is first
    judged the following week; a monthly rhythm agreed on 16 April (15 of 30 days) is judged in
    April, one agreed on 17 April (14 of 30) from May. Because fortnights start on the Monday
    of the week the rhythm starts, at least 8 of the first fortnight's 14 days remain and it
    is always judged. Likewise a rhythm that ends part-way through a period is judged on that
    last period only if it was in force on at least half of its days. Days are calendar days
    in the site's time zone, so clock changes make no difference.

    A judged period counts as a whole: a qualifying contact anywhere in it keeps it, even on a
    day before ``starts_on`` or after ``ends_on`` (the call on which the rhythm was agreed
    keeps that week).

    Periods that start after ``now`` are not listed; nor is anything before ``starts_on``
    (a rhythm agreed for the future has no periods yet).
    """
    _require_aware(now, "now")
    today = local_date(now)
    if today < rhythm.starts_on:
        return []
    if rhythm.ends_on is not None and rhythm.ends_on < rhythm.starts_on:
        return []
    kind = rhythm.period
    anchor = _monday(rhythm.starts_on)
    out: list[Period] = []
    start = _period_start(kind, anchor, rhythm.starts_on)
    while start <= today and (rhythm.ends_on is None or start <= rhythm.ends_on):
        end = _period_end(kind, start)
        in_force_from = max(start, rhythm.starts_on)
        in_force_until = end  # exclusive
        if rhythm.ends_on is not None:
            in_force_until = min(end, rhythm.ends_on + timedelta(days=1))
        in_force = (in_force_until - in_force_from).days
        if 2 * in_force >= (end - start).days:
            out.append(Period(_midnight(start), _midnight(end), _label(kind, start)))
        start = end
    return out


# --------------------------------------------------------------------------------------------
# 2. Keeping a rhythm


def _involves(contact_organisations: frozenset[int], organisations: frozenset[int]) -> bool:
    """A contact involves a group if at least two of its organisations were in it (for a
    pair: both); a group of one is involved in every contact it was in."""
    needed = min(2, len(organisations))
    return needed > 0 and len(contact_organisations & organisations) >= needed


def keeps(rhythm: RhythmFact, contact: ContactFact) -> bool:
    """Whether a contact keeps the rhythm in the period it falls in: its mode is one of the
    rhythm's, at least two of the rhythm's organisations were in it (for a pair: both) and,
    if the rhythm sets a minimum length, it lasted at least that long (a contact with no
    recorded duration does not meet a minimum)."""
    if contact.mode not in rhythm.modes:
        return False
    if not _involves(contact.organisations, rhythm.organisations):
        return False
    if rhythm.min_minutes is not None:
        return (
            contact.duration_minutes is not None and contact.duration_minutes >= rhythm.min_minutes
        )
    return True


def rhythm_record(
    rhythm: RhythmFact, contacts: Iterable[ContactFact], now: datetime
) -> list[PeriodOutcome]:
    """How each period in ``periods(rhythm, now)`` went: kept (True), missed (False, only
    once the period is over) or still open (None). Contacts after ``now`` (a meeting imported
    from a calendar before it happens) do not keep anything yet."""
    judged = periods(rhythm, now)
    if not judged:
        return []
    kind = rhythm.period
    anchor = _monday(rhythm.starts_on)
    by_start: dict[date, int] = {}
    for contact in contacts:
        if contact.on <= now and keeps(rhythm, contact):
            start = _period_start(kind, anchor, local_date(contact.on))
            by_start[start] = by_start.get(start, 0) + contact.count
    outcomes = []
    for period in judged:
        n = by_start.get(period.start.date(), 0)
        if n:
            kept: bool | None = True
        elif period.end <= now:
            kept = False
        else:
            kept = None
        outcomes.append(PeriodOutcome(period, kept, n))
    return outcomes


# --------------------------------------------------------------------------------------------
# 3. Mode mix


def window_start(now: datetime, weeks: int) -> datetime:
    """``weeks`` weeks before ``now`` by the local clock (the same local time of day, even
    across a clock change)."""
    _require_aware(now, "now")
    local_now = now.astimezone(SITE_TZ)
    return datetime.combine(
        local_now.date() - timedelta(weeks=weeks), local_now.time(), tzinfo=SITE_TZ
    ).astimezone(UTC)


def mode_mix(
    contacts: Iterable[ContactFact], organisations: frozenset[int], now: datetime, weeks: int
) -> ModeMix:
    """How the organisations were in contact over the last ``weeks`` weeks up to ``now``
    (from ``window_start(now, weeks)`` to ``now``, both included). A pair's mix counts the
    contacts both were in; a group's, those at least two of them were in; a single
    organisation's, all of its contacts. Bulk entries count as their ``count``."""
    since, until = window_start(now, weeks), now.astimezone(UTC)
    email = conversations = in_person = other = 0
    for contact in contacts:
        if not since <= contact.on.astimezone(UTC) <= until:
            continue
        if not _involves(contact.organisations, organisations):
            continue
        if contact.mode == "email":
            email += contact.count
        elif contact.mode in CONVERSATION_MODES:
            conversations += contact.count
            if contact.mode == "in_person":
                in_person += contact.count
        else:
            other += contact.count
    total = email + conversations + other
    return ModeMix(email, conversations, in_person, other, email / total if total else None)


# --------------------------------------------------------------------------------------------
# 4. Nudges


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def _pair_names(pair: frozenset[int], names: dict[int, str]) -> str:
    a, b = sorted(names.get(pk, f"Organisation {pk}") for pk in pair)
    return f"{a} and {b}"


def _subject(organisations: frozenset[int]) -> str:
    return "-".join(str(pk) for pk in sorted(organisations))


def missed_run(complete: Sequence[PeriodOutcome]) -> list[PeriodOutcome]:
    """The periods missed in a row up to the latest one, given the complete periods of a
    rhythm's record, oldest first (empty if the latest was kept)."""
    run: list[PeriodOutcome] = []
    for outcome in reversed(complete):
        if outcome.kept is not False:
            break
        run.append(outcome)
    run.reverse()
    return run


def nudges(
    *,
    pairs: Sequence[frozenset[int]],
    names: dict[int, str],
    contacts: Sequence[ContactFact],
    rhythms: Sequence[RhythmFact],
    now: datetime,
    thresholds: Thresholds,
) -> list[NudgeFact]:
    """The prompts the rules raise at ``now``, ordered by key.

    email_only: a pair exchanged at least ``min_emails`` e-mails and had no conversation
    (phone, video, in person) in the last ``email_only_weeks`` weeks. About the current
    week: key ``email_only:<ids>:<Monday>``.

    email_heavy: at least ``min_emails`` contacts of any mode between a pair in the last
    ``weeks`` weeks, of which the e-mail share is at or above ``email_share_amber``. Not
    raised for a pair that has an email_only nudge (one prompt per pair is enough). About
    the current week: key ``email_heavy:<ids>:<Monday>``.

    rhythm_missed: the last ``missed_in_a_row`` (or more) complete periods of a rhythm were
    all missed, and the open period has not been kept yet. About the latest missed period:
    key ``rhythm_missed:<rhythm id>:<its first day>``, so the nudge stays the same while the
    next period is open and a new one is raised if that is missed too. A rhythm that has
    ended (``ends_on`` before today) raises nothing.
    """
    _require_aware(now, "now")
    week = _week_key(now)
    out: list[NudgeFact] = []
    seen: set[frozenset[int]] = set()
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"A pair is two organisations, not {sorted(pair)}.")
        if pair in seen:
            continue
        seen.add(pair)
        who = _pair_names(pair, names)
        recent = mode_mix(contacts, pair, now, thresholds.email_only_weeks)
        if recent.email >= thresholds.min_emails and recent.conversations == 0:
            out.append(
                NudgeFact(
                    key=f"email_only:{_subject(pair)}:{week}",
                    rule="email_only",
                    organisations=pair,
                    text=(
                        f"{who}: {_plural(recent.email, 'email')} and no conversation in "
                        f"{_plural(thresholds.email_only_weeks, 'week')} — book a 30-minute call"
                    ),
                )
            )
            continue
        mix = mode_mix(contacts, pair, now, thresholds.weeks)
        if (
            mix.email_share is not None
            and mix.total >= thresholds.min_emails
            and mix.email_share >= thresholds.email_share_amber - 1e-9
        ):
            out.append(
                NudgeFact(
                    key=f"email_heavy:{_subject(pair)}:{week}",
                    rule="email_heavy",
                    organisations=pair,
                    text=(
                        f"{who}: most of your contact is e-mail ({mix.email_share:.0%}) "
                        "— try a call"
                    ),
                )
            )
    today = local_date(now)
    for rhythm in rhythms:
        if rhythm.ends_on is not None and rhythm.ends_on < today:
            continue  # an ended rhythm is history, not a prompt
        outcomes = rhythm_record(rhythm, contacts, now)
        if outcomes and outcomes[-1].kept is True and outcomes[-1].period.end > now:
            continue  # back on track in the open period
        run = missed_run([o for o in outcomes if o.period.end <= now])
        if len(run) < max(1, thresholds.missed_in_a_row):
            continue
        n = len(run)
        missed = _LAST[rhythm.period] if n == 1 else f"{_times(n)} in a row"
        out.append(
            NudgeFact(
                key=f"rhythm_missed:{rhythm.id}:{run[-1].period.start.date().isoformat()}",
                rule="rhythm_missed",
                organisations=rhythm.organisations,
                text=f"{rhythm.name} was missed {missed}",
            )
        )
    return sorted(out, key=lambda nudge: nudge.key)
