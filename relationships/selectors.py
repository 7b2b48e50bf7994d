"""Reads for trust surveys. The only module that reads raw ratings.

Confidentiality (PRODUCT.md §4) is enforced here, so pages, API and exports share one rule:
- no function returns one organisation's rating of another;
- received scores only as the mean of at least `collective.min_raters` rating organisations;
- ties only as the mutual mean of both directions, in bands;
- comments only when marked shareable, without the author when they asked;
- results only once the round has closed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from statistics import mean
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from collectives.models import Membership
from directory.models import (
    Organisation,
    OrganisationKind,
    OrganisationRelationship,
    RelationshipKind,
)
from relationships import analytics
from relationships.models import (
    RC_ITEMS,
    TRUST_ITEMS,
    VALUE_ITEMS,
    Response,
    RoundParticipant,
    SurveyRound,
    TieRating,
)

#: The round-level figures shown on the dashboard, in the CSV and in the API, in order.
ROUND_FIGURES = (
    "participants",
    "respondents",
    "response_rate",
    "ties",
    "density",
    "reciprocity",
    "mean_trust",
    "mean_value",
    "centralization",
    "gap",
)


def rounds_for_collective(*, collective: Any) -> QuerySet[SurveyRound]:
    return (
        SurveyRound.objects.filter(collective=collective)
        .annotate(
            participant_count=Count("round_participants", distinct=True),
            finished_count=Count(
                "responses__organisation",
                filter=Q(responses__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-opens_on", "-id")
    )


def participants(*, survey: SurveyRound) -> list[Organisation]:
    return list(Organisation.objects.filter(survey_rounds=survey).order_by("name"))


def finished_organisation_ids(*, survey: SurveyRound) -> set[int]:
    """Organisations that have finished answering (not what they answered)."""
    return set(
        Response.objects.filter(round=survey, submitted_at__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def own_response(*, membership: Membership, survey: SurveyRound) -> Response | None:
    """The person's own answers (or their organisation's, when one person answers for it)."""
    from relationships.models import AnswerMode

    if membership.organisation_id is None:
        return None
    responses = Response.objects.filter(round=survey, organisation_id=membership.organisation_id)
    if survey.answer_mode == AnswerMode.STAFF:
        responses = responses.filter(respondent=membership.user)
    return (
        responses.prefetch_related(
            Prefetch("ratings", queryset=TieRating.objects.select_related("ratee"))
        )
        .order_by("pk")
        .first()
    )


# Aggregates ----------------------------------------------------------------------------


def _ties(survey: SurveyRound) -> list[analytics.Tie]:
    """Directed ties, averaged over each rater organisation's respondents. Private."""
    grouped: dict[tuple[int, int], list[TieRating]] = defaultdict(list)
    ratings = TieRating.objects.filter(response__round=survey).select_related("response")
    for rating in ratings:
        if rating.is_complete:
            grouped[(rating.response.organisation_id, rating.ratee_id)].append(rating)
    ties = []
    for (rater, ratee), items in grouped.items():
        ties.append(
            analytics.Tie(
                rater=rater,
                ratee=ratee,
                trust=mean(mean(getattr(r, i) for i in TRUST_ITEMS) for r in items),
                value=mean(mean(getattr(r, i) for i in VALUE_ITEMS) for r in items),
                rc=tuple(mean(getattr(r, i) for r in items) for i in RC_ITEMS),
                now=round(mean(getattr(r, "now") for r in items)),  # noqa: B009
                wanted=round(mean(getattr(r, "wanted") for r in items)),  # noqa: B009
            )
        )
    return ties


@dataclass(frozen=True)
class ReceivedView:
    organisation: Organisation
    raters: int
    enough: bool
    trust: float | None
    value: float | None


@dataclass(frozen=True)
class PairView:
    """A tie as members may see it: the band of the mutual mean trust (never a number, from
    which a party could work out the other side's one-way rating) and the mean of both
    sides' spectrum positions, rounded to a step."""

    a: Organisation
    b: Organisation
    band: str
    position: int


@dataclass(frozen=True)
class PCNView:
    pcn: Organisation
    practices: list[Organisation]
    raters: int
    enough: bool
    misalignment: float | None
    pairs_considered: int
    spectrum_now: dict[str, int]
    spectrum_wanted: dict[str, int]
    gap: float | None
    grid: dict[tuple[int, int], PairView]


@dataclass(frozen=True)
class RoundResults:
    survey: SurveyRound
    min_raters: int
    measures: analytics.RoundMeasures
    organisations: dict[int, Organisation]
    received: list[ReceivedView]
    pairs: list[PairView]
    pcns: list[PCNView] = field(default_factory=list)


def _received(ties: list[analytics.Tie], organisation: Organisation, k: int) -> ReceivedView:
    got = analytics.received(ties, organisation.pk)
    enough = got.raters >= k
    return ReceivedView(
        organisation=organisation,
        raters=got.raters,
        enough=enough,
        trust=got.trust if enough else None,
        value=got.value if enough else None,
    )


def _pairs(ties: list[analytics.Tie], organisations: dict[int, Organisation]) -> list[PairView]:
    now = {(t.rater, t.ratee): t.now for t in ties}
    pairs = []
    for mutual in analytics.mutual_ties(ties):
        position = round((now[(mutual.a, mutual.b)] + now[(mutual.b, mutual.a)]) / 2)
        pairs.append(
            PairView(
                a=organisations[mutual.a],
                b=organisations[mutual.b],
                band=mutual.band,
                position=position,
            )
        )
    return pairs


def _pcn_views(
    survey: SurveyRound,
    ties: list[analytics.Tie],
    pairs: list[PairView],
    organisations: dict[int, Organisation],
    k: int,
) -> list[PCNView]:
    memberships = OrganisationRelationship.objects.filter(
        kind=RelationshipKind.PCN_MEMBER,
        end_date__isnull=True,
        organisation_id__in=organisations,
    ).select_related("parent")
    by_pcn: dict[int, set[int]] = defaultdict(set)
    pcn_orgs: dict[int, Organisation] = {}
    for m in memberships:
        by_pcn[m.parent_id].add(m.organisation_id)
        pcn_orgs[m.parent_id] = m.parent
    views = []
    for pcn_id, practice_ids in sorted(by_pcn.items(), key=lambda i: pcn_orgs[i[0]].name):
        inner = [t for t in ties if t.rater in practice_ids and t.ratee in practice_ids]
        raters = len({t.rater for t in inner})
        enough = raters >= k
        share, considered = analytics.misalignment(practice_ids, ties)
        measures = _k_rule(analytics.round_measures(practice_ids, inner), k)
        grid = {
            (p.a.pk, p.b.pk): p for p in pairs if p.a.pk in practice_ids and p.b.pk in practice_ids
        }
        grid.update({(b, a): p for (a, b), p in list(grid.items())})
        views.append(
            PCNView(
                pcn=pcn_orgs[pcn_id],
                practices=sorted((organisations[i] for i in practice_ids), key=lambda o: o.name),
                raters=raters,
                enough=enough,
                misalignment=share if enough else None,
                pairs_considered=considered,
                spectrum_now=measures.spectrum_now if enough else {},
                spectrum_wanted=measures.spectrum_wanted if enough else {},
                gap=measures.gap if enough else None,
                grid=grid,
            )
        )
    return views


def _k_rule(measures: analytics.RoundMeasures, k: int) -> analytics.RoundMeasures:
    """Means over fewer than k rating organisations could be one organisation's answers:
    blank them (counts of ties, density and the like stay)."""
    if measures.respondents >= k:
        return measures
    return replace(
        measures,
        mean_trust=None,
        mean_value=None,
        gap=None,
        rc_means=dict.fromkeys(measures.rc_means),
        spectrum_now={},
        spectrum_wanted={},
    )


def round_results(*, survey: SurveyRound) -> RoundResults | None:
    """Everything a member may see of a closed round; None while it is still open."""
    if not survey.is_closed:
        return None
    k = survey.collective.min_raters
    organisations = {o.pk: o for o in participants(survey=survey)}
    ties = [t for t in _ties(survey) if t.rater in organisations and t.ratee in organisations]
    measures = _k_rule(analytics.round_measures(set(organisations), ties), k)
    pairs = _pairs(ties, organisations)
    return RoundResults(
        survey=survey,
        min_raters=k,
        measures=measures,
        organisations=organisations,
        received=[_received(ties, o, k) for o in organisations.values()],
        pairs=pairs,
        pcns=_pcn_views(survey, ties, pairs, organisations, k),
    )


@dataclass(frozen=True)
class SharedComment:
    text: str
    author: str | None


def how_others_see(
    *, survey: SurveyRound, organisation: Organisation
) -> tuple[ReceivedView, list[SharedComment]] | None:
    """What others said of this organisation: the k-rule mean, and shareable comments."""
    if not survey.is_closed:
        return None
    k = survey.collective.min_raters
    received = _received(_ties(survey), organisation, k)
    comments = [
        SharedComment(
            text=r.comment, author=None if r.comment_anonymous else r.response.organisation.name
        )
        for r in TieRating.objects.filter(
            response__round=survey, ratee=organisation, comment_shareable=True
        )
        .exclude(comment="")
        .select_related("response__organisation")
        .order_by("pk")
    ]
    return received, comments


def participant_ids(*, survey: SurveyRound) -> set[int]:
    return set(
        RoundParticipant.objects.filter(round=survey).values_list("organisation_id", flat=True)
    )


def is_pcn(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.PCN


@dataclass(frozen=True)
class TrendPoint:
    survey: SurveyRound
    measures: analytics.RoundMeasures
    changes: list[analytics.Change]


def trends(*, collective: Any) -> list[TrendPoint]:
    """Closed rounds in order, each with its measures (k rule applied) and the change from
    the round before, carrying both rounds' respondent counts so no one over-reads a small
    change."""
    points: list[TrendPoint] = []
    closed = sorted(
        (
            r
            for r in SurveyRound.objects.filter(collective=collective).select_related("collective")
            if r.is_closed
        ),
        key=lambda r: (r.closed_at.date() if r.closed_at else r.closes_on, r.pk),
    )
    for survey in closed:
        results = round_results(survey=survey)
        assert results is not None
        before = points[-1].measures if points else None
        points.append(
            TrendPoint(
                survey=survey,
                measures=results.measures,
                changes=analytics.changes(before, results.measures) if before else [],
            )
        )
    return points


def trend_chart(
    points: list[TrendPoint],
    measure: str,
    low: float,
    high: float,
    width: int = 600,
    height: int = 220,
) -> dict[str, Any]:
    """Coordinates for a small server-drawn SVG line chart (no script, no inline style)."""
    pad = 40
    values = [getattr(p.measures, measure) for p in points]
    step = (width - 2 * pad) / max(1, len(points) - 1)

    def y(value: float) -> float:
        return height - pad - (value - low) / (high - low) * (height - 2 * pad)

    dots = [
        {"x": round(pad + i * step, 1), "y": round(y(v), 1), "value": v, "label": p.survey.title}
        for i, (p, v) in enumerate(zip(points, values, strict=True))
        if v is not None
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "dots": dots,
        "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dots)),
        "grid": [{"y": round(y(v), 1), "label": f"{v:g}"} for v in (low, (low + high) / 2, high)],
    }


@dataclass(frozen=True)
class AwarenessPoint:
    survey: SurveyRound
    organisations: int
    mean: float | None  # None when fewer than k organisations answered the question


def awareness_over_time(*, collective: Any) -> list[AwarenessPoint]:
    """'I know what our local GP leadership group is and what it does' (1-5) per closed
    round, in order: the mean of the organisations' own means (staff answers averaged per
    organisation first), shown only when at least k organisations answered. Two queries."""
    rounds = [
        r
        for r in SurveyRound.objects.filter(collective=collective).select_related("collective")
        if r.is_closed
    ]
    answers: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for round_id, organisation_id, value in Response.objects.filter(
        round__in=rounds, submitted_at__isnull=False, knows_leadership__isnull=False
    ).values_list("round_id", "organisation_id", "knows_leadership"):
        if value is not None:
            answers[round_id][organisation_id].append(value)
    points = []
    k = collective.min_raters
    for survey in sorted(rounds, key=lambda r: (r.closes_on, r.pk)):
        per_org = [mean(values) for values in answers[survey.pk].values()]
        points.append(
            AwarenessPoint(
                survey=survey,
                organisations=len(per_org),
                mean=mean(per_org) if len(per_org) >= k else None,
            )
        )
    return points
