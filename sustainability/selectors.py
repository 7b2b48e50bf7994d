"""The reads behind the sustainability pages, their exports and the API: a collective's member
practices with their national figures, each compared with its PCN, the collective and
England the way OHID's Fingertips profiles do it.

Each indicator is worked out at one period, the latest England has for it:

- a practice's value from its own figures (a published average where the publication gives
  one, else a ratio: locum allowances ÷ registered patients, FTE ÷ patients × 10,000);
- a PCN's and the collective's as one body: the sum of their practices' numerators over the
  sum of their denominators (the practices of a PCN are all of its practices in the national
  data, not only the collective's), or the mean of their practices' values for list sizes
  and deprivation scores;
- England's: the England row of a Fingertips export where there is one, else the same
  ratio over every practice (total payments ÷ total weighted patients), or the mean; and
  England's spread (lowest, quartiles, highest) for the spine chart, over the practices
  with a list of at least MIN_LIST patients (NHS Digital warns that per-patient figures of
  practices with small lists, most of them opening or closing that year, are not
  comparable: one closing practice paid £580,000 per weighted patient in 2022-23).

England's figures need every practice's, so they are worked out once per import and kept
in Django's cache under the latest import's id (`england`). Everything else is read in a
fixed number of queries whatever the number of practices, PCNs and periods.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Q

from collectives.models import CollectiveOrganisation
from directory.models import OrganisationKind, OrganisationRelationship, RelationshipKind
from sustainability import comparisons
from sustainability.comparisons import Flag, Polarity
from sustainability.models import ImportStatus, PracticeDataImport, PracticeFigure, PracticeProfile
from sustainability.readers import DEPRIVATION, ENGLAND

#: England's spread leaves out practices whose list in the period is smaller than this.
MIN_LIST = 1000
#: The list's change is measured from the latest period at least this many years earlier
#: (eleven months, so that January to January counts).
A_YEAR = 0.9
CACHE_SECONDS = 24 * 3600
REGISTERED = "registered_patients"
WEIGHTED = "weighted_patients"
WORKFORCE_PATIENTS = "workforce_patients"


# Periods ------------------------------------------------------------------------------------

_DASHED = re.compile(r"(\d{4})[-/](\d{2})")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@functools.lru_cache(maxsize=4096)
def period_date(period: str) -> dt.date | None:
    """The middle of a period, to put periods in order and to measure the years between
    them: a financial year (2019-20, or 2019/20 as Fingertips writes it) is 1 October 2019;
    a month (2021-01) the 15th; a year (2019) 1 July. A period that could be either a
    financial year or a month (2011-12) is taken as the financial year: the readers write
    months only for publications that began after 2012."""
    text = period.strip()
    dashed = _DASHED.fullmatch(text)
    if dashed:
        year, part = int(dashed.group(1)), int(dashed.group(2))
        if part == (year + 1) % 100:
            return dt.date(year, 10, 1)
        if 1 <= part <= 12:
            return dt.date(year, part, 15)
    found = _YEAR.search(text)
    return dt.date(int(found.group(1)), 7, 1) if found else None


def period_order(period: str) -> tuple[dt.date, str]:
    return (period_date(period) or dt.date.min, period)


def years_between(earlier: str, later: str) -> float | None:
    start, end = period_date(earlier), period_date(later)
    if start is None or end is None or end <= start:
        return None
    return (end - start).days / 365.25


# Indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One figure a practice is compared on."""

    key: str
    label: str
    unit: str
    #: The figure the indicator is led by (its latest period is the indicator's).
    numerator: str
    #: For a ratio: what the numerator is divided by (× per).
    denominator: str = ""
    per: float = 1
    #: A published per-practice average to show for a practice instead of the ratio.
    published: str = ""
    #: How a PCN and the collective are summed up: "ratio" of totals, or "mean" of values.
    aggregate: str = "ratio"
    #: The list size that admits a practice to England's spread ("" admits every one).
    size: str = REGISTERED
    decimals: int = 0
    polarity: Polarity = Polarity.NEITHER
    how: str = ""

    @property
    def lead(self) -> str:
        return self.published or self.numerator

    @property
    def measures(self) -> tuple[str, ...]:
        wanted = [self.numerator, self.denominator, self.published, self.size]
        return tuple(dict.fromkeys(m for m in wanted if m))


LIST_CHANGE = "list_change"
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        REGISTERED,
        "Registered patients",
        "patients",
        REGISTERED,
        aggregate="mean",
        how="The practice's registered list. A PCN's, the collective's and England's are "
        "the mean list of their practices.",
    ),
    Indicator(
        LIST_CHANGE,
        "Change in registered patients",
        "% a year",
        REGISTERED,
        decimals=1,
        how="The change in the registered list to the latest period from the latest one a "
        "year or more before it, as a compound rate a year. A PCN's, the collective's and "
        "England's are of their practices' lists added together.",
    ),
    Indicator(
        WEIGHTED,
        "Weighted patients",
        "patients",
        WEIGHTED,
        aggregate="mean",
        how="The list weighted by the Carr-Hill formula for need (NHS Payments to "
        "General Practice). A PCN's, the collective's and England's are the mean of "
        "their practices'.",
    ),
    Indicator(
        "payments_per_weighted_patient",
        "Payments per weighted patient",
        "£",
        "total_payments",
        WEIGHTED,
        published="payments_per_weighted_patient",
        decimals=2,
        how="NHS payments to the practice in the financial year over its weighted list. "
        "A PCN's, the collective's and England's are total payments over total weighted "
        "patients.",
    ),
    Indicator(
        "locum_per_patient",
        "Locum allowances per registered patient",
        "£",
        "locum_allowances",
        REGISTERED,
        decimals=2,
        how="Locum allowances paid in the financial year over the registered list (NHS "
        "Payments to General Practice). A PCN's, the collective's and England's are total "
        "allowances over total patients.",
    ),
    Indicator(
        "gp_fte_per_10000",
        "GP FTE per 10,000 patients",
        "FTE",
        "gp_fte",
        WORKFORCE_PATIENTS,
        per=10_000,
        size=WORKFORCE_PATIENTS,
        decimals=1,
        how="Full-time equivalent GPs over the patients the workforce census counts, per "
        "10,000. A PCN's, the collective's and England's are total FTE over total patients.",
    ),
    Indicator(
        "nurses_fte_per_10000",
        "Nurse FTE per 10,000 patients",
        "FTE",
        "nurses_fte",
        WORKFORCE_PATIENTS,
        per=10_000,
        size=WORKFORCE_PATIENTS,
        decimals=1,
        how="Full-time equivalent nurses per 10,000 patients (GP Workforce).",
    ),
    Indicator(
        "dpc_fte_per_10000",
        "Direct patient care FTE per 10,000 patients",
        "FTE",
        "dpc_fte",
        WORKFORCE_PATIENTS,
        per=10_000,
        size=WORKFORCE_PATIENTS,
        decimals=1,
        how="Full-time equivalent direct patient care staff (pharmacists, physician "
        "associates, healthcare assistants and others) per 10,000 patients (GP Workforce).",
    ),
    Indicator(
        "admin_fte_per_10000",
        "Admin and non-clinical FTE per 10,000 patients",
        "FTE",
        "admin_fte",
        WORKFORCE_PATIENTS,
        per=10_000,
        size=WORKFORCE_PATIENTS,
        decimals=1,
        how="Full-time equivalent admin and non-clinical staff per 10,000 patients (GP Workforce).",
    ),
    Indicator(
        "deprivation",
        "Deprivation score (IMD 2019)",
        "score",
        DEPRIVATION,
        aggregate="mean",
        size="",
        decimals=1,
        how="OHID Fingertips' deprivation score of the practice's patients (indicator "
        "93553). England's is Fingertips' own; a PCN's and the collective's are the mean "
        "of their practices' scores.",
    ),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
#: The indicators the collective's table shows for every practice.
HEADLINE = (
    REGISTERED,
    LIST_CHANGE,
    WEIGHTED,
    "payments_per_weighted_patient",
    "locum_per_patient",
    "gp_fte_per_10000",
    "deprivation",
)
MEASURES = tuple(dict.fromkeys(m for i in INDICATORS for m in i.measures))

#: (measure, period) -> practice code -> value (None: not published).
Figures = Mapping[tuple[str, str], Mapping[str, float | None]]


def format_value(value: float | None, indicator: Indicator) -> str:
    """A figure as the pages and exports write it ("" when there is none)."""
    if value is None:
        return ""
    if indicator.key == LIST_CHANGE:
        return f"{value:+,.{indicator.decimals}f}%"
    text = f"{value:,.{indicator.decimals}f}"
    return f"£{text}" if indicator.unit == "£" else text


# England, per import ------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """The period an indicator is worked out at (and the one before, for a change)."""

    period: str
    previous: str = ""
    years: float | None = None

    @property
    def label(self) -> str:
        return f"{self.previous} to {self.period}" if self.previous else self.period


@dataclass(frozen=True)
class Spread:
    """England's figure for an indicator and its spread over England's practices."""

    when: When
    england: float | None
    count: int
    lowest: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    highest: float | None = None


def _latest_import() -> int:
    found = (
        PracticeDataImport.objects.filter(status=ImportStatus.SUCCEEDED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return found or 0


def _key(name: str, run: int) -> str:
    return f"sustainability:{name}:v1:{run}"


def _periods() -> dict[str, When]:
    """Each indicator's latest period (one query)."""
    found: dict[str, list[str]] = defaultdict(list)
    for measure, period in (
        PracticeFigure.objects.filter(measure__in=MEASURES)
        .order_by()
        .values_list("measure", "period")
        .distinct()
    ):
        found[measure].append(period)
    whens = {}
    for indicator in INDICATORS:
        periods = sorted(found.get(indicator.lead, []), key=period_order)
        if indicator.key == LIST_CHANGE:
            if len(periods) >= 2:
                after = periods[-1]
                # The change over about a year (or more): a month's change is mostly noise.
                earlier = [p for p in periods[:-1] if (years_between(p, after) or 0) >= A_YEAR]
                before = earlier[-1] if earlier else periods[-2]
                whens[indicator.key] = When(after, before, years_between(before, after))
        elif periods:
            whens[indicator.key] = When(periods[-1])
    return whens


def _pairs(whens: Mapping[str, When]) -> set[tuple[str, str]]:
    """The (measure, period) pairs the indicators need."""
    pairs = set()
    for key, when in whens.items():
        for measure in BY_KEY[key].measures:
            pairs.add((measure, when.period))
            if when.previous:
                pairs.add((measure, when.previous))
    return pairs


def _read(pairs: Iterable[tuple[str, str]], codes: Iterable[str] | None = None) -> Figures:
    """The figures of these (measure, period) pairs, of these practices (or of every one),
    in one query."""
    by_measure: dict[str, set[str]] = defaultdict(set)
    for measure, period in pairs:
        by_measure[measure].add(period)
    if not by_measure:
        return {}
    if codes is None:
        wanted = Q()
        for measure, periods in by_measure.items():
            wanted |= Q(measure=measure, period__in=sorted(periods))
        rows = PracticeFigure.objects.filter(wanted)
    else:
        # By the practices first, so that the database reads the figures by its index of
        # (practice, measure, period); a measure's figures at another's period are left out.
        rows = PracticeFigure.objects.filter(
            practice_code__in=sorted(set(codes)),
            measure__in=sorted(by_measure),
            period__in=sorted({p for periods in by_measure.values() for p in periods}),
        )
    figures: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for code, measure, period, value in rows.values_list(
        "practice_code", "measure", "period", "value"
    ):
        if period in by_measure[measure]:
            figures[(measure, period)][code] = value
    return figures


def _at(figures: Figures, measure: str, period: str, code: str) -> float | None:
    return figures.get((measure, period), {}).get(code)


def annual_change(previous: float | None, current: float | None, years: float | None) -> float:
    """A change from previous to current over `years`, as a compound % a year."""
    if previous is None or current is None or not years or previous <= 0 or current < 0:
        raise ValueError("no change to work out")
    return ((current / previous) ** (1 / years) - 1) * 100


def practice_value(indicator: Indicator, when: When, figures: Figures, code: str) -> float | None:
    """One practice's value of the indicator at its period."""
    if indicator.key == LIST_CHANGE:
        try:
            return annual_change(
                _at(figures, REGISTERED, when.previous, code),
                _at(figures, REGISTERED, when.period, code),
                when.years,
            )
        except ValueError:
            return None
    if indicator.published:
        published = _at(figures, indicator.published, when.period, code)
        if published is not None:
            return published
    top = _at(figures, indicator.numerator, when.period, code)
    if not indicator.denominator:
        return top
    bottom = _at(figures, indicator.denominator, when.period, code)
    if top is None or not bottom or bottom <= 0:
        return None
    return top / bottom * indicator.per


def aggregate_value(
    indicator: Indicator, when: When, figures: Figures, codes: Iterable[str]
) -> float | None:
    """A body of practices (a PCN, the collective, England) as one: totals over totals, or
    the mean of its practices' values; None when none of them has the figures."""
    codes = [code for code in codes if code != ENGLAND]
    if indicator.aggregate == "mean":
        values = [
            v for code in codes if (v := practice_value(indicator, when, figures, code)) is not None
        ]
        return statistics.fmean(values) if values else None
    if indicator.key == LIST_CHANGE:
        top_measure, bottom_measure = REGISTERED, REGISTERED
        top_period, bottom_period = when.period, when.previous
    else:
        top_measure, bottom_measure = indicator.numerator, indicator.denominator
        top_period = bottom_period = when.period
    top = bottom = 0.0
    counted = False
    for code in codes:
        a = _at(figures, top_measure, top_period, code)
        b = _at(figures, bottom_measure, bottom_period, code)
        if a is not None and b:
            top, bottom, counted = top + a, bottom + b, True
    if not counted or bottom <= 0:
        return None
    if indicator.key == LIST_CHANGE:
        try:
            return annual_change(bottom, top, when.years)
        except ValueError:
            return None
    return top / bottom * indicator.per


def _in_spread(indicator: Indicator, when: When, figures: Figures, code: str) -> bool:
    if not indicator.size:
        return True
    periods = [when.period, when.previous] if when.previous else [when.period]
    for period in periods:
        size = _at(figures, indicator.size, period, code)
        if size is None or size < MIN_LIST:
            return False
    return True


def _england_now() -> tuple[dict[str, Spread], dict[str, list[float]]]:
    """England's figure and spread for every indicator, worked out from every practice's
    figures (two queries)."""
    whens = _periods()
    figures = _read(_pairs(whens))
    spreads, values = {}, {}
    for key, when in whens.items():
        indicator = BY_KEY[key]
        codes = {code for m in indicator.measures for code in figures.get((m, when.period), {})}
        codes.discard(ENGLAND)
        found = sorted(
            v
            for code in codes
            if _in_spread(indicator, when, figures, code)
            and (v := practice_value(indicator, when, figures, code)) is not None
        )
        england = _at(figures, indicator.numerator, when.period, ENGLAND)
        if england is None:
            if indicator.aggregate == "mean":
                england = statistics.fmean(found) if found else None
            else:
                england = aggregate_value(indicator, when, figures, codes)
        if len(found) >= comparisons.MIN_SPINE_VALUES:
            spread = Spread(
                when,
                england,
                len(found),
                found[0],
                comparisons.percentile(found, 25),
                comparisons.percentile(found, 50),
                comparisons.percentile(found, 75),
                found[-1],
            )
        else:
            spread = Spread(when, england, len(found))
        spreads[key], values[key] = spread, found
    return spreads, values


def england(*, with_values: bool = False) -> tuple[dict[str, Spread], dict[str, list[float]]]:
    """England's figure and spread for each indicator (and, with_values, every practice's
    value in England's spread, in order), kept per import: one query when kept, three when
    worked out."""
    run = _latest_import()
    spreads = cache.get(_key("england", run))
    values = cache.get(_key("england-values", run)) if with_values else {}
    if spreads is None or values is None:
        spreads, values = _england_now()
        cache.set(_key("england", run), spreads, CACHE_SECONDS)
        cache.set(_key("england-values", run), values, CACHE_SECONDS)
    return spreads, values


def england_refresh() -> None:
    """Work out England's figures for the latest import now, so that the first page after
    an import does not wait for them (the background import calls it)."""
    run = _latest_import()
    spreads, values = _england_now()
    cache.set(_key("england", run), spreads, CACHE_SECONDS)
    cache.set(_key("england-values", run), values, CACHE_SECONDS)


# The collective's practices -----------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    period: str
    name: str
    contract_type: str
    dispensing: str
    practice_type: str
    rurality: str


@dataclass
class Practice:
    """A member practice and its figures at each indicator's period."""

    organisation_id: int
    name: str
    ods_code: str
    pcn_id: int | None = None
    pcn_name: str = ""
    profile: Profile | None = None
    values: dict[str, float | None] = field(default_factory=dict)
    list_previous: float | None = None
    list_current: float | None = None

    def shown(self, key: str) -> str:
        return format_value(self.values.get(key), BY_KEY[key])


@dataclass
class Sustainability:
    """The collective's practices with their figures, the collective's and England's."""

    practices: list[Practice]
    spreads: dict[str, Spread]
    collective: dict[str, float | None]
    figures: Figures = field(default_factory=dict, repr=False)
    pcn_codes: dict[int, set[str]] = field(default_factory=dict, repr=False)
    #: England's practices' values in each spread, in order (read only when asked for).
    england_values: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @property
    def imported(self) -> bool:
        return bool(self.spreads)

    def when(self, key: str) -> When | None:
        spread = self.spreads.get(key)
        return spread.when if spread else None

    def england(self, key: str) -> float | None:
        spread = self.spreads.get(key)
        return spread.england if spread else None

    def matching(self, query: str) -> list[Practice]:
        """The practices whose name, ODS code or PCN has the text searched for."""
        text = " ".join(query.lower().split())
        if not text:
            return self.practices
        return [
            p
            for p in self.practices
            if any(
                text in " ".join(part.lower().split()) for part in (p.name, p.ods_code, p.pcn_name)
            )
        ]


def _members(collective_id: int) -> list[tuple[int, str, str]]:
    """The collective's member practices: (organisation id, the collective's name for it,
    ODS code or ""), by name."""
    return [
        (organisation_id, local or name, code or "")
        for organisation_id, local, name, code in CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation__kind=OrganisationKind.PRACTICE
        )
        .order_by("organisation__name", "pk")
        .values_list(
            "organisation_id", "display_name", "organisation__name", "organisation__ods_code"
        )
    ]


def _pcns(organisation_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each practice's current PCN (id and name), in one query."""
    found: dict[int, tuple[int, str]] = {}
    for child, parent, name in (
        OrganisationRelationship.objects.filter(
            organisation_id__in=organisation_ids,
            kind=RelationshipKind.PCN_MEMBER,
            end_date__isnull=True,
        )
        .order_by("start_date", "pk")
        .values_list("organisation_id", "parent_id", "parent__name")
    ):
        found[child] = (parent, name)  # the latest spell wins
    return found


def _pcn_codes(pcn_ids: set[int]) -> dict[int, set[str]]:
    """The ODS codes of every current practice of these PCNs, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    if not pcn_ids:
        return found
    for parent, code in OrganisationRelationship.objects.filter(
        parent_id__in=sorted(pcn_ids),
        kind=RelationshipKind.PCN_MEMBER,
        end_date__isnull=True,
        organisation__ods_code__isnull=False,
    ).values_list("parent_id", "organisation__ods_code"):
        if code:
            found[parent].add(code)
    return found


def _profiles(codes: list[str]) -> dict[str, Profile]:
    """Each practice's latest profile (contract, dispensing, rurality), in one query."""
    latest: dict[str, Profile] = {}
    for code, period, *facts in PracticeProfile.objects.filter(practice_code__in=codes).values_list(
        "practice_code",
        "period",
        "name",
        "contract_type",
        "dispensing",
        "practice_type",
        "rurality",
    ):
        held = latest.get(code)
        if held is None or period_order(period) > period_order(held.period):
            latest[code] = Profile(period, *facts)
    return latest


def collective_sustainability(
    collective_id: int, *, with_pcns: bool = False, with_values: bool = False
) -> Sustainability:
    """The collective's member practices, by name, with their figures at each indicator's
    latest period, and the collective's; with_pcns, the figures of every practice of their
    PCNs too, for `pcn_value`; with_values, England's practices' values (for the spine
    charts and the centile flag). Five queries (six with_pcns) whatever the number of
    practices, PCNs and periods, and three more the first time after an import."""
    spreads, values = england(with_values=with_values)
    members = _members(collective_id)
    pcns = _pcns([organisation_id for organisation_id, _, _ in members])
    codes = [code for _, _, code in members if code]
    pcn_codes = _pcn_codes({pcn for pcn, _ in pcns.values()}) if with_pcns else {}
    wanted = {code for found in pcn_codes.values() for code in found} | set(codes)
    whens = {key: spread.when for key, spread in spreads.items()}
    figures = _read(_pairs(whens), wanted) if whens else {}
    profiles = _profiles(codes)
    practices = []
    for organisation_id, name, code in members:
        pcn_id, pcn_name = pcns.get(organisation_id, (None, ""))
        practice = Practice(
            organisation_id=organisation_id,
            name=name,
            ods_code=code,
            pcn_id=pcn_id,
            pcn_name=pcn_name,
            profile=profiles.get(code),
        )
        if code:
            practice.values = {
                key: practice_value(BY_KEY[key], when, figures, code) for key, when in whens.items()
            }
            change = whens.get(LIST_CHANGE)
            if change:
                practice.list_previous = _at(figures, REGISTERED, change.previous, code)
                practice.list_current = _at(figures, REGISTERED, change.period, code)
        practices.append(practice)
    collective = {
        key: aggregate_value(BY_KEY[key], when, figures, codes) for key, when in whens.items()
    }
    return Sustainability(practices, spreads, collective, figures, pcn_codes, values)


def pcn_value(found: Sustainability, key: str, pcn_id: int | None) -> float | None:
    when = found.when(key)
    if pcn_id is None or when is None or pcn_id not in found.pcn_codes:
        return None
    return aggregate_value(BY_KEY[key], when, found.figures, found.pcn_codes[pcn_id])


# One practice: the spine charts and the figures over time -----------------------------------


@dataclass
class Spine:
    """One indicator on a practice's page: the figures, and the chart when it can be drawn."""

    indicator: Indicator
    when: When | None
    practice: float | None
    pcn: float | None
    collective: float | None
    spread: Spread | None
    chart: comparisons.SpineChart | None = None
    svg: dict[str, Any] | None = None
    why_no_chart: str = ""

    def shown(self, value: float | None) -> str:
        return format_value(value, self.indicator)


@dataclass
class PeriodFigures:
    period: str
    values: dict[str, float | None]

    def shown(self, key: str) -> str:
        return format_value(self.values.get(key), BY_KEY[key])


@dataclass
class PracticePage:
    practice: Practice
    found: Sustainability
    spines: list[Spine]
    history: list[PeriodFigures]

    @property
    def history_indicators(self) -> list[Indicator]:
        """The indicators the practice has a figure for in some period."""
        return [i for i in INDICATORS if any(h.values.get(i.key) is not None for h in self.history)]


def _spine(found: Sustainability, practice: Practice, key: str, values: list[float]) -> Spine:
    indicator = BY_KEY[key]
    spread = found.spreads.get(key)
    spine = Spine(
        indicator=indicator,
        when=spread.when if spread else None,
        practice=practice.values.get(key),
        pcn=pcn_value(found, key, practice.pcn_id),
        collective=found.collective.get(key),
        spread=spread,
    )
    if spread is None:
        spine.why_no_chart = "No national figures for this yet."
    elif spread.count < comparisons.MIN_SPINE_VALUES:
        spine.why_no_chart = (
            f"Only {spread.count} practice{'s' if spread.count != 1 else ''} in England "
            f"{'have' if spread.count != 1 else 'has'} this figure: a spine chart needs at "
            f"least {comparisons.MIN_SPINE_VALUES}."
        )
    else:
        spine.chart = comparisons.spine_chart(
            values,
            england=spread.england,
            practice=spine.practice,
            pcn=spine.pcn,
            collective=spine.collective,
            polarity=indicator.polarity,
        )
        spine.svg = comparisons.spine_svg(spine.chart, width=240, height=28)
    return spine


def _history(code: str) -> list[PeriodFigures]:
    """The practice's figures in every period it has any, oldest first (one query)."""
    figures: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for measure, period, value in PracticeFigure.objects.filter(
        practice_code=code, measure__in=MEASURES
    ).values_list("measure", "period", "value"):
        figures[(measure, period)][code] = value
    periods = sorted({period for _, period in figures}, key=period_order)
    history = []
    for period in periods:
        when = When(period)
        values = {
            i.key: practice_value(i, when, figures, code)
            for i in INDICATORS
            if i.key != LIST_CHANGE and (i.lead, period) in figures
        }
        if any(v is not None for v in values.values()):
            history.append(PeriodFigures(period, values))
    return history


def practice_page(collective_id: int, organisation_id: int) -> PracticePage:
    """A member practice's spine charts and figures over time (the access helper has checked
    that it is one of the collective's practices). Seven queries whatever the collective's
    size, and three more the first time after an import."""
    found = collective_sustainability(collective_id, with_pcns=True, with_values=True)
    practice = next(p for p in found.practices if p.organisation_id == organisation_id)
    spines = [
        _spine(found, practice, i.key, found.england_values.get(i.key, [])) for i in INDICATORS
    ]
    history = _history(practice.ods_code) if practice.ods_code else []
    return PracticePage(practice, found, spines, history)


# The funnel: the list's change, across the collective's practices ---------------------------


@dataclass
class ListFunnel:
    """Registered patients at the latest period per 100 at the one before, for each
    practice with both: a count (whole patients) over a denominator, so it can be drawn as a
    funnel around the collective's overall figure. The other indicators are not counts of
    people or events (pounds, FTE, scores), so they have no funnel."""

    when: When | None
    funnel: comparisons.Funnel | None
    svg: dict[str, Any] | None
    left_out: list[str]
    #: Each practice's point (by organisation id), for the table beside the chart.
    points: dict[int, comparisons.FunnelPoint] = field(default_factory=dict)


def list_funnel(found: Sustainability) -> ListFunnel:
    when = found.when(LIST_CHANGE)
    entries, placed, left_out = [], [], []
    for practice in found.practices:
        before, after = practice.list_previous, practice.list_current
        if before and before > 0 and after is not None and after >= 0:
            entries.append(comparisons.FunnelEntry(practice.name, round(after), before))
            placed.append(practice.organisation_id)
        else:
            left_out.append(practice.name)
    if not entries or when is None:
        return ListFunnel(when, None, None, [p.name for p in found.practices])
    funnel = comparisons.funnel_plot(entries, kind=comparisons.Kind.RATE, per=100)
    points = dict(zip(placed, funnel.points, strict=True))
    return ListFunnel(when, funnel, comparisons.funnel_svg(funnel), left_out, points)


# Flags: practices under pressure ------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The collective's thresholds (shared services' settings, passed in)."""

    list_fall_per_year: float  # per cent
    locum_centile: float
    min_gp_fte_per_1000: float


@dataclass
class Pressure:
    practice: Practice
    list_falling: Flag | None  # None: not the figures to judge
    locum: Flag | None
    gp_fte: Flag | None

    @property
    def flags(self) -> list[Flag]:
        return [f for f in (self.list_falling, self.locum, self.gp_fte) if f is not None]

    @property
    def flagged(self) -> bool:
        return any(f.flagged for f in self.flags)

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.flags if f.flagged]


def pressures(found: Sustainability, thresholds: Thresholds) -> list[Pressure]:
    """Each practice's flags against the collective's thresholds (comparisons' flag
    functions): its list falling faster than the threshold a year (the list change's
    periods); locum allowances per patient above the centile of England's practices; fewer
    GP FTE per 1,000 patients than the minimum. `found` must hold England's values
    (collective_sustainability(..., with_values=True))."""
    population = found.england_values.get("locum_per_patient", [])
    # The centile's value, found once from England's practices; above_centile then compares
    # each practice with it (a population of that one value has it at every centile).
    cut = [comparisons.percentile(population, thresholds.locum_centile)] if population else []
    change = found.when(LIST_CHANGE)
    out = []
    for practice in found.practices:
        falling = locum = gp = None
        before, after = practice.list_previous, practice.list_current
        if change and change.years and before and before > 0 and after is not None:
            falling = comparisons.list_falling(
                before,
                after,
                change.years,
                threshold=thresholds.list_fall_per_year / 100,
            )
        spent = practice.values.get("locum_per_patient")
        if spent is not None and cut:
            locum = comparisons.above_centile(spent, cut, thresholds.locum_centile)
        gps = practice.values.get("gp_fte_per_10000")
        if gps is not None:
            gp = comparisons.below_rate(gps / 10, thresholds.min_gp_fte_per_1000)
        out.append(Pressure(practice, falling, locum, gp))
    return out


# Imports ------------------------------------------------------------------------------------


def imports_of(collective_id: int) -> Any:
    """The runs a collective's convenors started, newest first."""
    return PracticeDataImport.objects.filter(collective_id=collective_id).select_related("user")


def latest_national_import() -> PracticeDataImport | None:
    return PracticeDataImport.objects.filter(status=ImportStatus.SUCCEEDED).order_by("-id").first()
