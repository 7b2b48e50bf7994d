"""Reads for trust surveys. The only module that reads raw ratings (`TieRating`).

What it gives out of them (PRODUCT.md §4, docs/confidentiality.md):
- to the publication (`publication_input`): the ratings of a closed round, averaged per
  rating organisation, for `surveys.publication` to decide what may be shown; pages,
  API and exports read only what was published (`surveys.results`);
- to an organisation's own representatives: its own answers (`own_response`);
- to the two organisations of a pair, once both agreed: each other's view of the pair
  (`pair_views`);
- comments only when marked shareable, without the author when they asked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from statistics import mean
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from collectives.models import Membership
from directory.models import Organisation, OrganisationRelationship, RelationshipKind
from surveys import analytics
from surveys.disclosure import Figure, Leak
from surveys.models import (
    RC_ITEMS,
    TRUST_ITEMS,
    VALUE_ITEMS,
    AnswerMode,
    PairConsent,
    Response,
    RoundParticipant,
    RoundPublication,
    SurveyRound,
    TieRating,
)
from surveys.publication import Published, RoundInput, leaks, pair_key


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


def participant_ids(*, survey: SurveyRound) -> set[int]:
    return set(
        RoundParticipant.objects.filter(round=survey).values_list("organisation_id", flat=True)
    )


def finished_organisation_ids(*, survey: SurveyRound) -> set[int]:
    """Organisations that have finished answering (not what they answered)."""
    return set(
        Response.objects.filter(round=survey, submitted_at__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def own_answers_finished(*, membership: Membership, survey: SurveyRound) -> bool:
    """Whether the person's own answers (or their organisation's) are marked finished: not
    what they are, so no raw answer is read."""
    if membership.organisation_id is None:
        return False
    responses = Response.objects.filter(
        round=survey, organisation_id=membership.organisation_id, submitted_at__isnull=False
    )
    if survey.answer_mode == AnswerMode.STAFF:
        responses = responses.filter(respondent=membership.user)
    return responses.exists()


def own_response(*, membership: Membership, survey: SurveyRound) -> Response | None:
    """The person's own answers (or their organisation's, when one person answers for it)."""
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


# What the publication reads -------------------------------------------------------------


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


def mutual_consents(*, survey: SurveyRound) -> frozenset[tuple[int, int]]:
    """Pairs (a < b) where each organisation agreed to share its view with the other."""
    given = set(PairConsent.objects.filter(round=survey).values_list("organisation", "partner"))
    return _mutual(given)


def _mutual(given: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    return frozenset((a, b) for a, b in given if a < b and (b, a) in given)


def shared_consents(*, survey: SurveyRound) -> frozenset[tuple[int, int]]:
    """Pairs whose views are shown to each other: both agreed, and the publication did not
    withhold them (two queries)."""
    withheld = RoundPublication.objects.filter(round=survey).values_list(
        "withheld_consents", flat=True
    )
    held = {tuple(pair) for pairs in withheld for pair in pairs}
    return frozenset(pair for pair in mutual_consents(survey=survey) if pair not in held)


def current_pcns(organisation_ids: set[int]) -> dict[int, frozenset[int]]:
    """Each PCN with at least two of these organisations among its practices, now."""
    by_pcn: dict[int, set[int]] = defaultdict(set)
    for practice, pcn in OrganisationRelationship.objects.filter(
        kind=RelationshipKind.PCN_MEMBER,
        end_date__isnull=True,
        organisation_id__in=organisation_ids,
    ).values_list("organisation_id", "parent_id"):
        by_pcn[pcn].add(practice)
    return {pcn: frozenset(ids) for pcn, ids in by_pcn.items() if len(ids) >= 2}


def publication_input(*, survey: SurveyRound) -> tuple[RoundInput, dict[str, Any]]:
    """A closed round's ratings for the publication, and the network's shape (who rated
    whom, which is not confidential)."""
    ids = participant_ids(survey=survey)
    ties = tuple(t for t in _ties(survey) if t.rater in ids and t.ratee in ids)
    awareness: dict[int, list[int]] = defaultdict(list)
    for organisation_id, value in Response.objects.filter(
        round=survey, submitted_at__isnull=False, knows_leadership__isnull=False
    ).values_list("organisation_id", "knows_leadership"):
        if organisation_id in ids and value is not None:
            awareness[organisation_id].append(value)
    data = RoundInput(
        round_id=survey.pk,
        k=survey.min_raters,
        participants=frozenset(ids),
        ties=ties,
        pcns=current_pcns(ids),
        consents=mutual_consents(survey=survey),
        awareness={o: mean(values) for o, values in awareness.items()},
    )
    return data, structure(ids, list(ties))


def structure(participants: set[int], ties: list[analytics.Tie]) -> dict[str, Any]:
    """Who rated whom, in aggregate (counts and shape; never a rating)."""
    shape = analytics.round_measures(participants, ties)
    pairs = {(t.rater, t.ratee) for t in ties}
    return {
        "participants": shape.participants,
        "respondents": shape.respondents,
        "response_rate": shape.response_rate,
        "ties": shape.ties,
        "density": shape.density,
        "reciprocity": shape.reciprocity,
        "centralization": shape.centralization,
        "mutual_pairs": sorted([a, b] for a, b in pairs if a < b and (b, a) in pairs),
    }


def overlapping_round_ids(*, survey: SurveyRound) -> list[int]:
    """Other rounds (in any collective) with at least two of this round's organisations: a
    participant of both could set one's figures against the other's."""
    ids = participant_ids(survey=survey)
    return sorted(
        RoundParticipant.objects.filter(organisation_id__in=ids)
        .exclude(round_id=survey.pk)
        .values("round_id")
        .annotate(shared=Count("organisation_id", distinct=True))
        .filter(shared__gte=2)
        .values_list("round_id", flat=True)
    )


def as_published(publication: RoundPublication, consents: frozenset[tuple[int, int]]) -> Published:
    return Published(
        round_id=publication.round_id,
        participants=frozenset(publication.participants),
        figures=tuple(
            Figure(figure_id, component, frozenset(tuple(key) for key in keys))
            for figure_id, component, keys in publication.ledger
        ),
        consents=consents,
    )


def published_history(*, survey: SurveyRound) -> list[Published]:
    """What is already published about overlapping rounds, with the views their pairs have
    agreed to share since (the adversary knows those too). Three queries."""
    publications = list(
        RoundPublication.objects.filter(round_id__in=overlapping_round_ids(survey=survey))
        .defer("cells", "structure")
        .order_by("round_id")
    )
    given: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for round_id, a, b in PairConsent.objects.filter(
        round_id__in=[p.round_id for p in publications]
    ).values_list("round_id", "organisation_id", "partner_id"):
        given[round_id].add((a, b))
    return [
        as_published(
            p,
            _mutual(given[p.round_id]) - {tuple(pair) for pair in p.withheld_consents},
        )
        for p in publications
    ]


def round_leaks(*, survey: SurveyRound) -> list[Leak]:
    """What any participant could work out from this round's published figures and those of
    overlapping rounds, knowing the views shared with it. The disclosure check: empty when
    the rules hold."""
    stored = RoundPublication.objects.filter(round=survey).first()
    if stored is None:
        return []
    rounds = [
        *published_history(survey=survey),
        as_published(stored, shared_consents(survey=survey)),
    ]
    return leaks(rounds, [f for r in rounds for f in r.figures], stored.min_raters)


def consent_would_leak(*, survey: SurveyRound, pair: tuple[int, int]) -> list[Leak]:
    """What sharing one more pair's views would newly let someone work out, from everything
    published (other rounds' figures, and this round's once it is published)."""
    stored = RoundPublication.objects.filter(round=survey).first()
    shared = shared_consents(survey=survey)
    if stored is not None:
        own = as_published(stored, shared)
    else:
        own = Published(survey.pk, frozenset(participant_ids(survey=survey)), (), shared)
    history = published_history(survey=survey)
    figures = [f for r in [*history, own] for f in r.figures]
    if not figures:
        return []
    with_pair = replace(own, consents=own.consents | {pair_key(*pair)})
    before = {
        (x.viewer, x.component, x.keys) for x in leaks([*history, own], figures, survey.min_raters)
    }
    return [
        x
        for x in leaks([*history, with_pair], figures, survey.min_raters)
        if (x.viewer, x.component, x.keys) not in before
    ]


# What organisations see of each other ----------------------------------------------------


@dataclass(frozen=True)
class SharedComment:
    text: str
    author: str | None


def shared_comments(*, survey: SurveyRound, organisation: Organisation) -> list[SharedComment]:
    """What others said of this organisation and chose to share with it."""
    return [
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


@dataclass(frozen=True)
class PairView:
    """One relationship of an organisation in a round, as it may see it."""

    partner: Organisation
    we_agreed: bool
    they_agreed: bool
    ours: analytics.Tie | None  # our view of them (what we answered), when both agreed
    theirs: analytics.Tie | None  # their view of us, when both agreed
    withheld: bool = False  # both agreed, but showing them would have let someone isolate a
    # rating from what other rounds had published

    @property
    def shared(self) -> bool:
        return self.we_agreed and self.they_agreed and not self.withheld


def pair_views(*, survey: SurveyRound, organisation: Organisation) -> list[PairView]:
    """The organisation's relationships in this round: everyone it rated or was rated by,
    whether each side agreed to share, and both views where both did and the round has
    closed (before then nothing is final). Three queries."""
    ties = {(t.rater, t.ratee): t for t in _ties(survey) if organisation.pk in (t.rater, t.ratee)}
    given = set(
        PairConsent.objects.filter(
            Q(organisation=organisation) | Q(partner=organisation), round=survey
        ).values_list("organisation_id", "partner_id")
    )
    withheld = {
        tuple(pair)
        for pairs in RoundPublication.objects.filter(round=survey).values_list(
            "withheld_consents", flat=True
        )
        for pair in pairs
    }
    # While the round is open anyone taking part may be agreed with in advance (and no one
    # learns who has rated whom yet); once closed, those who rated it or were rated by it.
    others = Organisation.objects.filter(survey_rounds=survey).exclude(pk=organisation.pk)
    if survey.is_closed:
        partners = {b if a == organisation.pk else a for a, b in ties} | {
            b if a == organisation.pk else a for a, b in given
        }
        others = others.filter(pk__in=partners)
    names = {o.pk: o for o in others}
    views = []
    for partner in sorted(names.values(), key=lambda o: o.name):
        we = (organisation.pk, partner.pk) in given
        they = (partner.pk, organisation.pk) in given
        both = (
            we
            and they
            and survey.is_closed
            and pair_key(organisation.pk, partner.pk) not in withheld
        )
        views.append(
            PairView(
                partner=partner,
                we_agreed=we,
                they_agreed=they,
                ours=ties.get((organisation.pk, partner.pk)) if both else None,
                theirs=ties.get((partner.pk, organisation.pk)) if both else None,
                withheld=pair_key(organisation.pk, partner.pk) in withheld,
            )
        )
    return views
