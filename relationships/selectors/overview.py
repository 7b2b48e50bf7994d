"""Reads for the relationship-health overview, the asks page and the collective timeline.

Every function runs a fixed number of bounded queries: contacts are aggregated by month,
mode and pair in the database, so the pages stay fast with tens of thousands of contacts.
Trust comes only through surveys.selectors (k-rule measures, pair bands).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DateTimeField, F, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from collectives.models import CollectiveOrganisation
from relationships import rules
from relationships.models import (
    CONVERSATION,
    Ask,
    AskStatus,
    Contact,
    Mode,
    Offer,
    PutItRight,
    Rhythm,
)

BANDS = ("weak", "moderate", "strong")
NO_CAUSE = "This shows what happened alongside, not what caused it."


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=rules.SITE_TZ)


# Mode mix by month -------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthMix:
    month: dt.date
    email: int
    conversations: int
    in_person: int
    other: int

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")

    @property
    def total(self) -> int:
        return self.email + self.conversations + self.other

    def share(self, what: str) -> float | None:
        return getattr(self, what) / self.total if self.total else None

    @property
    def email_share(self) -> float | None:
        return self.share("email")


def mode_mix_by_month(
    *, collective: Any, now: dt.datetime, months: int = 12, asks_since: dt.datetime | None = None
) -> tuple[list[MonthMix], tuple[int, int]]:
    """The last `months` calendar months (the current one included), oldest first: contacts
    counted by mode (a week's e-mail count as its count); and (answered, asked) for asks made
    since `asks_since`. One query: the contacts summed by month and mode in the database,
    with the asks counted by status appended (UNION ALL) as rows without a month."""
    today = timezone.localtime(now, rules.SITE_TZ).date()
    first = _month_start(today, months - 1)
    contact_rows = (
        Contact.objects.filter(
            collective=collective, happened_at__gte=_local_midnight(first), happened_at__lte=now
        )
        .annotate(month=TruncMonth("happened_at", tzinfo=rules.SITE_TZ))
        .values_list("month", "mode")
        .annotate(n=Sum("count"))
        .order_by()
    )
    ask_rows = (
        Ask.objects.filter(collective=collective, asked_at__gte=asks_since or now)
        .annotate(month=Value(None, output_field=DateTimeField()))
        .values_list("month", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    asks: dict[str, int] = defaultdict(int)
    for month, mode, n in contact_rows.union(ask_rows, all=True):
        if month is None:
            asks[mode] += n or 0
            continue
        day = month.date() if isinstance(month, dt.datetime) else month
        counts[day][mode] += n or 0
    result = []
    for back in range(months - 1, -1, -1):
        start = _month_start(today, back)
        c = counts.get(start, {})
        result.append(
            MonthMix(
                month=start,
                email=c.get(Mode.EMAIL, 0),
                conversations=sum(c.get(m, 0) for m in CONVERSATION),
                in_person=c.get(Mode.IN_PERSON, 0),
                other=c.get(Mode.OTHER, 0),
            )
        )
    return result, (asks[AskStatus.ANSWERED], sum(asks.values()))


SERIES = (
    ("email", "E-mail", "#ed8b00", ""),
    ("conversations", "Conversations", "#005eb8", ""),
    ("in_person", "In person", "#007f3b", "6 4"),
)


def mode_mix_chart(months: list[MonthMix], width: int = 600, height: int = 240) -> dict[str, Any]:
    """Coordinates for a server-drawn SVG line chart of each mode's share of contact by
    month (0 to 100%). Months with no contact have no dot."""
    pad = 40
    step = (width - 2 * pad) / max(1, len(months) - 1)

    def y(share: float) -> float:
        return round(height - pad - share * (height - 2 * pad), 1)

    lines = []
    for what, label, colour, dash in SERIES:
        dots = [
            {"x": round(pad + i * step, 1), "y": y(s), "label": m.label}
            for i, m in enumerate(months)
            if (s := m.share(what)) is not None
        ]
        path = " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dots))
        lines.append({"label": label, "colour": colour, "dash": dash, "dots": dots, "path": path})
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "lines": lines,
        "grid": [{"y": y(v), "label": f"{round(v * 100)}%"} for v in (0, 0.5, 1)],
        "ticks": [
            {"x": round(pad + i * step, 1), "label": m.month.strftime("%b")}
            for i, m in enumerate(months)
        ],
    }


# Rhythms kept -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RhythmKept:
    rhythm: rules.RhythmFact
    created_at: dt.datetime
    kept: int
    missed: int
    latest_kept: rules.Period | None


def rhythms_kept(*, collective: Any, now: dt.datetime, days: int = 91) -> list[RhythmKept]:
    """For each rhythm: the complete periods in the last `days` days that were kept or
    missed, and its latest kept period. Two queries (each rhythm and each contact with its
    organisations, read from the link tables); only contacts in modes some rhythm accepts
    and from the window are read."""
    rhythm_rows = (
        Rhythm.organisations.through.objects.filter(rhythm__collective=collective)
        .values_list(
            "rhythm_id",
            "organisation_id",
            "rhythm__name",
            "rhythm__modes",
            "rhythm__period",
            "rhythm__starts_on",
            "rhythm__ends_on",
            "rhythm__min_minutes",
            "rhythm__created_at",
        )
        .order_by("rhythm__name", "rhythm_id")
    )
    rhythms: dict[int, list[Any]] = {}
    for pk, organisation, *fields in rhythm_rows:
        rhythms.setdefault(pk, [set(), *fields])[0].add(organisation)
    modes = sorted({m for r in rhythms.values() for m in (r[2] or []) if m in rules.MODES})
    if not rhythms:
        return []
    contacts: dict[int, list[Any]] = {}
    for pk, organisation, on, mode, count, minutes in (
        Contact.organisations.through.objects.filter(
            contact__collective=collective,
            contact__happened_at__gte=now - dt.timedelta(days=days + 31),
            contact__happened_at__lte=now,
            contact__mode__in=modes,
        )
        .values_list(
            "contact_id",
            "organisation_id",
            "contact__happened_at",
            "contact__mode",
            "contact__count",
            "contact__duration_minutes",
        )
        .order_by()
    ):
        contacts.setdefault(pk, [set(), on, mode, count, minutes])[0].add(organisation)
    facts = [
        rules.ContactFact(
            on=on, mode=mode, organisations=frozenset(orgs), count=count, duration_minutes=minutes
        )
        for orgs, on, mode, count, minutes in contacts.values()
    ]
    cut = now - dt.timedelta(days=days)
    result = []
    for pk, (
        orgs,
        name,
        r_modes,
        period,
        starts_on,
        ends_on,
        min_minutes,
        created,
    ) in rhythms.items():
        if period not in rules.PERIOD_KINDS:
            continue
        fact = rules.RhythmFact(
            id=pk,
            organisations=frozenset(orgs),
            modes=frozenset(m for m in (r_modes or []) if m in rules.MODES),
            period=period,
            starts_on=starts_on,
            ends_on=ends_on,
            min_minutes=min_minutes,
            name=name,
        )
        outcomes = rules.rhythm_record(fact, facts, now)
        recent = [o for o in outcomes if o.period.end > cut and o.kept is not None]
        kept_periods = [o.period for o in outcomes if o.kept]
        result.append(
            RhythmKept(
                rhythm=fact,
                created_at=created,
                kept=sum(1 for o in recent if o.kept),
                missed=sum(1 for o in recent if o.kept is False),
                latest_kept=kept_periods[-1] if kept_periods else None,
            )
        )
    return result


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# Asks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskCounts:
    organisation: str
    asked: int
    answered: int
    helped: int


def ask_counts(*, collective: Any, since: dt.datetime) -> list[AskCounts]:
    """Per member organisation, by name (never ranked): asks made and answered since
    `since`, and the times its offer was the one that helped. Three queries."""
    names = dict(
        CollectiveOrganisation.objects.filter(collective=collective).values_list(
            "organisation_id", "organisation__name"
        )
    )
    asked: dict[int, dict[str, Any]] = {
        row["organisation_id"]: dict(row)
        for row in Ask.objects.filter(collective=collective, asked_at__gte=since)
        .values("organisation_id")
        .annotate(asked=Count("id"), answered=Count("id", filter=Q(status=AskStatus.ANSWERED)))
        .order_by()
    }
    helped = dict(
        Offer.objects.filter(
            ask__collective=collective,
            ask__helped_by=F("pk"),
            ask__answered_at__gte=since,
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    rows = [
        AskCounts(
            organisation=name,
            asked=asked.get(pk, {}).get("asked", 0),
            answered=asked.get(pk, {}).get("answered", 0),
            helped=helped.get(pk, 0),
        )
        for pk, name in names.items()
    ]
    return sorted(rows, key=lambda r: r.organisation.lower())


# Pairs: trust band change against the share of conversation -----------------------------------


@dataclass(frozen=True)
class PairChange:
    a: str
    b: str
    before: str
    after: str
    conversations: int
    total: int

    @property
    def steps(self) -> int:
        return BANDS.index(self.after) - BANDS.index(self.before)

    @property
    def conversation_share(self) -> float | None:
        return share(self.conversations, self.total)

    @property
    def change(self) -> str:
        if self.steps > 0:
            return "Up"
        if self.steps < 0:
            return "Down"
        return "Same"


def _when(survey: Any) -> dt.datetime:
    if survey.closed_at is not None:
        closed: dt.datetime = survey.closed_at
        return closed
    return _local_midnight(survey.closes_on + dt.timedelta(days=1))


def pair_contact_mix(
    *, collective: Any, since: dt.datetime, until: dt.datetime
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(a, b): (conversations, all contacts)} for each pair of organisations that were both
    in contacts between `since` and `until`. One query: the contact's organisations joined
    with themselves and summed by pair and mode in the database."""
    through = Contact.organisations.through
    rows = (
        through.objects.filter(
            contact__collective=collective,
            contact__happened_at__gte=since,
            contact__happened_at__lt=until,
            contact__organisations__id__gt=F("organisation_id"),
        )
        .values("organisation_id", "contact__organisations__id", "contact__mode")
        .annotate(n=Sum("contact__count"))
        .order_by()
    )
    mix: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        key = (row["organisation_id"], row["contact__organisations__id"])
        n = row["n"] or 0
        mix[key][1] += n
        if row["contact__mode"] in CONVERSATION:
            mix[key][0] += n
    return {k: (v[0], v[1]) for k, v in mix.items()}


#: Closed survey rounds the overview shows.
OVERVIEW_ROUNDS = 3


def trust_over_time(*, collective: Any) -> list[Any]:
    """The last few closed rounds as published (surveys.results.trends), so the
    page's queries stay bounded however many rounds a collective has run; the trends page
    has them all."""
    from surveys import results

    return results.trends(collective=collective, last=OVERVIEW_ROUNDS)


def pair_changes(*, collective: Any, organisation: Any, points: list[Any]) -> list[PairChange]:
    """For the last two closed rounds: each relationship of `organisation` whose two views
    were shared (both organisations agreed) in both rounds, the band of the pair's mutual
    trust in each (which the two of them can see; no one else can), and their contact
    between the two rounds closing."""
    from surveys.analytics import band
    from surveys.selectors import pair_views

    if organisation is None or len(points) < 2:
        return []
    before, after = points[-2].survey, points[-1].survey

    def bands(survey: Any) -> dict[int, tuple[str, str]]:
        return {
            v.partner.pk: (v.partner.name, band((v.ours.trust + v.theirs.trust) / 2))
            for v in pair_views(survey=survey, organisation=organisation)
            if v.shared and v.ours is not None and v.theirs is not None
        }

    old, new = bands(before), bands(after)
    both = sorted(old.keys() & new.keys())
    if not both:
        return []
    mix = pair_contact_mix(collective=collective, since=_when(before), until=_when(after))
    changes = []
    for partner in both:
        conversations, total = mix.get(tuple(sorted((organisation.pk, partner))), (0, 0))
        changes.append(
            PairChange(
                a=organisation.name,
                b=old[partner][0],
                before=old[partner][1],
                after=new[partner][1],
                conversations=conversations,
                total=total,
            )
        )
    changes.sort(key=lambda c: c.b.lower())
    return changes


def scatter_chart(changes: list[PairChange], width: int = 600, height: int = 260) -> dict[str, Any]:
    """A server-drawn scatter: across, the share of conversation between the rounds (0 to
    100%); up, the change in trust band (-2 to +2 steps). Pairs with no contact are left
    out of the chart (the table lists them)."""
    pad = 50

    def x(value: float) -> float:
        return round(pad + value * (width - 2 * pad), 1)

    def y(steps: int) -> float:
        return round(height - pad - (steps + 2) / 4 * (height - 2 * pad), 1)

    dots = [
        {"x": x(s), "y": y(c.steps), "label": f"{c.a} and {c.b}"}
        for c in changes
        if (s := c.conversation_share) is not None
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "dots": dots,
        "ygrid": [{"y": y(s), "label": f"{s:+d}" if s else "0"} for s in (-2, -1, 0, 1, 2)],
        "xgrid": [{"x": x(v), "label": f"{round(v * 100)}%"} for v in (0, 0.5, 1)],
    }


# Timeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    when: dt.datetime
    kind: str
    title: str
    detail: str = ""
    href: tuple[str, int] | None = None  # (url name, pk) within the collective


def _names(organisations: Any) -> str:
    return ", ".join(sorted(o.name for o in organisations))


def timeline(*, collective: Any, now: dt.datetime, limit: int) -> list[Event]:
    """The newest `limit` events of the collective, newest first: each kind is fetched with
    one bounded query (plus one for its organisations) and merged here."""
    from surveys.models import SurveyRound

    events: list[Event] = []
    for r in (
        Rhythm.objects.filter(collective=collective)
        .prefetch_related("organisations")
        .order_by("-created_at", "-id")[:limit]
    ):
        events.append(
            Event(
                r.created_at,
                "Rhythm agreed",
                r.name,
                f"{r.get_period_display()}, {_names(r.organisations.all())}",
                ("relationships:rhythm", r.pk),
            )
        )
    for k in rhythms_kept(collective=collective, now=now):
        if k.latest_kept is not None:
            events.append(
                Event(
                    k.latest_kept.start,
                    "Rhythm kept",
                    k.rhythm.name,
                    f"Latest period kept: {k.latest_kept.label}",
                    ("relationships:rhythm", k.rhythm.id),
                )
            )
    for c in (
        Contact.objects.filter(collective=collective, mode__in=CONVERSATION, happened_at__lte=now)
        .defer("note")
        .prefetch_related("organisations")
        .order_by("-happened_at", "-id")[:limit]
    ):
        events.append(
            Event(
                c.happened_at, "Conversation", c.get_mode_display(), _names(c.organisations.all())
            )
        )
    for a in (
        Ask.objects.filter(collective=collective)
        .select_related("organisation")
        .order_by("-asked_at", "-id")[:limit]
    ):
        events.append(
            Event(
                a.asked_at,
                "Asked for help",
                a.organisation.name,
                a.what[:120],
                ("relationships:ask", a.pk),
            )
        )
    for a in (
        Ask.objects.filter(collective=collective, answered_at__isnull=False)
        .select_related("organisation", "helped_by__organisation")
        .order_by("-answered_at", "-id")[:limit]
    ):
        helper = a.helped_by.organisation.name if a.helped_by else ""
        assert a.answered_at is not None
        events.append(
            Event(
                a.answered_at,
                "Help given",
                a.organisation.name,
                f"Helped by {helper}" if helper else "Marked answered",
                ("relationships:ask", a.pk),
            )
        )
    for p in (
        PutItRight.objects.filter(collective=collective)
        .select_related("organisation")
        .order_by("-recorded_at", "-id")[:limit]
    ):
        events.append(
            Event(
                p.recorded_at,
                "Put it right",
                p.organisation.name,
                p.mistake[:120],
                ("relationships:put_it_right", p.pk),
            )
        )
    today = timezone.localdate(now)
    for s in (
        SurveyRound.objects.filter(collective=collective)
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .order_by("-closes_on", "-id")[:limit]
    ):
        events.append(Event(_when(s), "Survey round closed", s.title))
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]
