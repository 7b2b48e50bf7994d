"""Readiness for a shared service, per practice: belief x trust. Pure rules, no database.

A practice gives up its own way of doing a thing only when two things hold (PRODUCT.md §2.3):
it believes that going on alone is not sustainable and that joint working will make a
difference, and it trusts those it would cede autonomy to. Readiness places each practice
in a service by those two, from its own trust-survey answers, so the service's lead knows
whether to build trust or build the case. The database-facing code around these rules is
``shared_services.selectors_readiness``; the pages, the API and the exports all read it.

## Placement

- **Belief** comes from the practice's own answers in its latest closed trust survey round
  that has them: "Continuing on our own is sustainable" (1 to 5, reversed: 6 - answer) and
  "Joint working will make a difference to us" (1 to 5). Belief is the mean of the two (of
  the one, when only one was answered), on 1 to 5. The practice **believes** when belief is
  at or above the scale's middle, 3 ("Neither"): it does not disagree that it needs others.
- **Trust** comes from the practice's own ratings, in its latest closed round in which it
  rated any of them, of the service's host and of the other current participants: for each
  organisation rated, the mean of its three trust answers ("They do what they say", "They
  support what the collective is trying to achieve", "They are open to discussion", 1 to 4);
  trust is the mean over those organisations, each counted once. The practice **trusts**
  when trust is at or above the scale's middle, 2.5.
- Where several staff answered for the practice (a per-person round), each answer is first
  averaged over them.
- **Ready** (believes, trusts); **build trust** (believes, low trust); **build the case**
  (trusts, does not believe); **not ready** (neither); **not enough to say** when either
  figure is missing (no closed round with the answers or the ratings).

What the five habits suggest next comes with it (``suggestions``): a conversation with the
host when there has been none for 6 weeks, a conversation with a named participant the
practice trusts little, asking for help and putting things right when trust is low, meeting
the host when belief is low.

## Who sees what (PRODUCT.md §4: a placement rests on a practice's own one-way ratings)

- **The practice's own people** (its representative, deputy and members) see its placement
  and the suggestions that follow from it. The figures behind it, its answers, its mean
  trust and its trust in each named organisation (and the suggestions that name one it
  trusts little), are shown only to those who may answer for it in the round they come from
  (``figures_visible``: the representative or deputy where the representative answers; in a
  per-person round, its staff, and only when at least k of them answered, so that no one
  reads a colleague's answer out of the mean).
- **The service's lead and the convenors** (``lead_figures``) see, by name, the placement
  (never the figures) of each practice that ticked "share our readiness with the service
  lead", and the number of practices in each of the four among the rest, under the rule
  below. Never which unshared practice is where.
- **Everyone else** sees what readiness is and who may see it.

## The counts, and the adversary

The counts are over the set C: the service's current participants, less those that share
(the lead sees them by name), less the viewer's own organisation (whose placement the
viewer may know), less those that cannot be placed (who answered a round is not
confidential, so the lead could take them away). The four counts are shown only when C has
at least k practices (k: the collective's, never below 3); otherwise the page says "not
enough practices to show readiness", without a number. No total over every practice is
ever shown, because a total minus the named shared practices is exactly the unshared
remainder: showing the remainder itself, and only when it is at least k, is what makes that
subtraction useless. Every figure shown is therefore a count over at least k practices that
have not shared, none of them the viewer's own.

Over time: sharing or revoking moves one practice between C and the named list, and at
that moment the lead sees its placement by name, so comparing the counts before and after
tells it nothing new. What this rule does not cover, because it needs the counts frozen
when a round closes (a stored publication, as surveys keeps for its results): C also
changes when a practice joins or leaves the service or a new round closes, and comparing
the counts shown before and after such a change can narrow the placement of the practices
whose membership or answers changed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from statistics import mean

#: The answer scales and their middles: at or above the middle counts as high.
AGREE_SCALE = (1, 5)
TRUST_SCALE = (1, 4)
BELIEF_MIDDLE = 3.0
TRUST_MIDDLE = 2.5
#: k is never lower than this (PRODUCT.md §4).
MIN_K = 3
#: "No conversation with the host in 6 weeks."
CONVERSATION_WEEKS = 6
#: The most named organisations a practice is prompted to talk to at once.
MOST_NAMED = 3


class Placement(StrEnum):
    READY = "ready"
    BUILD_TRUST = "build_trust"
    BUILD_CASE = "build_case"
    NOT_READY = "not_ready"
    UNKNOWN = "not_enough"


#: The four a practice can be placed in, in the order pages list them.
QUADRANTS = (Placement.READY, Placement.BUILD_TRUST, Placement.BUILD_CASE, Placement.NOT_READY)

LABELS = {
    Placement.READY: "Ready",
    Placement.BUILD_TRUST: "Build trust",
    Placement.BUILD_CASE: "Build the case",
    Placement.NOT_READY: "Not ready",
    Placement.UNKNOWN: "Not enough to say",
}

DESCRIPTIONS = {
    Placement.READY: "Believes going alone is not sustainable and joint working will make a "
    "difference, and trusts those it would share with.",
    Placement.BUILD_TRUST: "Believes joint working is needed, but its trust in those it would "
    "share with is low.",
    Placement.BUILD_CASE: "Trusts those it would share with, but does not yet believe joint "
    "working is needed or will make a difference.",
    Placement.NOT_READY: "Neither believes joint working is needed nor trusts those it would "
    "share with, yet.",
    Placement.UNKNOWN: "Has not answered enough of a closed trust survey round to say.",
}

#: Tag colours (NHS.UK tag modifiers) for each placement.
COLOURS = {
    Placement.READY: "green",
    Placement.BUILD_TRUST: "yellow",
    Placement.BUILD_CASE: "blue",
    Placement.NOT_READY: "orange",
    Placement.UNKNOWN: "grey",
}


# ------------------------------------------------------------------------------------------
# Facts in


@dataclass(frozen=True)
class RoundFact:
    """A closed trust survey round: when it closed, whether each member of staff answered
    (per person) or the representative, and its k."""

    id: int
    title: str
    closed: dt.datetime
    per_person: bool
    k: int


@dataclass(frozen=True)
class AnswerFact:
    """One respondent's answers about their own practice in a round."""

    round_id: int
    response_id: int
    sustainable_alone: int | None
    joint_difference: int | None


@dataclass(frozen=True)
class RatingFact:
    """One respondent's trust answers about one organisation in a round (1 to 4 each)."""

    round_id: int
    response_id: int
    ratee_id: int
    trust_items: tuple[int | None, ...]


# ------------------------------------------------------------------------------------------
# Evidence


@dataclass(frozen=True)
class SelfEvidence:
    """The practice's answers about itself, from one round (means over its respondents)."""

    round: RoundFact
    sustainable_alone: float | None
    joint_difference: float | None
    respondents: int

    @property
    def belief(self) -> float | None:
        return belief_score(self.sustainable_alone, self.joint_difference)


@dataclass(frozen=True)
class TrustEvidence:
    """The practice's trust in each organisation it rated, from one round."""

    round: RoundFact
    by_organisation: Mapping[int, float]
    respondents: int

    @property
    def trust(self) -> float | None:
        return trust_score(self.by_organisation)


@dataclass(frozen=True)
class Assessment:
    placement: Placement
    answers: SelfEvidence | None
    ratings: TrustEvidence | None

    @property
    def belief(self) -> float | None:
        return self.answers.belief if self.answers else None

    @property
    def trust(self) -> float | None:
        return self.ratings.trust if self.ratings else None

    @property
    def missing(self) -> str:
        """Why the practice cannot be placed, in plain words ("" when it can)."""
        if self.placement is not Placement.UNKNOWN:
            return ""
        if self.answers is None and self.ratings is None:
            return "It has answered no closed trust survey round."
        if self.belief is None:
            return (
                "It has not answered, in a closed round, whether continuing on its own is "
                "sustainable or whether joint working will make a difference."
            )
        return (
            "It has not rated, in a closed round, the service's host or any of the other "
            "practices in the service."
        )


def _mean(values: Iterable[float | int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return float(mean(given)) if given else None


def belief_score(sustainable_alone: float | None, joint_difference: float | None) -> float | None:
    """Belief on 1 to 5: "continuing alone is sustainable" reversed, and "joint working will
    make a difference", averaged over those answered."""
    low, high = AGREE_SCALE
    reversed_ = None if sustainable_alone is None else low + high - sustainable_alone
    return _mean([reversed_, joint_difference])


def trust_score(by_organisation: Mapping[int, float]) -> float | None:
    """Trust on 1 to 4: the mean over the organisations rated, each counted once."""
    return _mean(by_organisation.values())


def place(belief: float | None, trust: float | None) -> Placement:
    if belief is None or trust is None:
        return Placement.UNKNOWN
    believes, trusts = belief >= BELIEF_MIDDLE, trust >= TRUST_MIDDLE
    if believes and trusts:
        return Placement.READY
    if believes:
        return Placement.BUILD_TRUST
    if trusts:
        return Placement.BUILD_CASE
    return Placement.NOT_READY


def _latest(rounds: Mapping[int, RoundFact], round_ids: Iterable[int]) -> RoundFact | None:
    found = [rounds[r] for r in set(round_ids) if r in rounds]
    return max(found, key=lambda r: (r.closed, r.id)) if found else None


def self_evidence(
    rounds: Mapping[int, RoundFact], answers: Sequence[AnswerFact]
) -> SelfEvidence | None:
    """The practice's belief answers from its latest closed round that has any."""
    answered = [
        a
        for a in answers
        if a.round_id in rounds
        and (a.sustainable_alone is not None or a.joint_difference is not None)
    ]
    latest = _latest(rounds, (a.round_id for a in answered))
    if latest is None:
        return None
    respondents = {a.response_id for a in answers if a.round_id == latest.id}
    chosen = [a for a in answered if a.round_id == latest.id]
    return SelfEvidence(
        round=latest,
        sustainable_alone=_mean(a.sustainable_alone for a in chosen),
        joint_difference=_mean(a.joint_difference for a in chosen),
        respondents=len(respondents),
    )


def trust_evidence(
    rounds: Mapping[int, RoundFact],
    ratings: Sequence[RatingFact],
    ratees: AbstractSet[int],
    respondents: Mapping[int, int],
) -> TrustEvidence | None:
    """The practice's trust in each of ``ratees`` it rated, from its latest closed round in
    which it rated any of them (each rating's trust answers averaged, then the respondents').
    ``respondents``: round id -> how many of the practice's staff answered in it."""
    usable = [
        r
        for r in ratings
        if r.round_id in rounds
        and r.ratee_id in ratees
        and any(item is not None for item in r.trust_items)
    ]
    latest = _latest(rounds, (r.round_id for r in usable))
    if latest is None:
        return None
    per_ratee: dict[int, list[float]] = {}
    for rating in usable:
        if rating.round_id == latest.id:
            score = _mean(rating.trust_items)
            assert score is not None
            per_ratee.setdefault(rating.ratee_id, []).append(score)
    return TrustEvidence(
        round=latest,
        by_organisation={ratee: float(mean(scores)) for ratee, scores in per_ratee.items()},
        respondents=respondents.get(latest.id, 1),
    )


def assess(
    rounds: Mapping[int, RoundFact],
    answers: Sequence[AnswerFact],
    ratings: Sequence[RatingFact],
    ratees: AbstractSet[int],
) -> Assessment:
    """A practice's placement in a service and the evidence for it, from its own answers
    (``answers``, ``ratings``: every one it gave in the collective's closed rounds) and the
    organisations that count for its trust (``ratees``: the host and the other current
    participants)."""
    respondents: dict[int, set[int]] = {}
    for a in answers:
        respondents.setdefault(a.round_id, set()).add(a.response_id)
    own = self_evidence(rounds, answers)
    trust = trust_evidence(rounds, ratings, ratees, {r: len(ids) for r, ids in respondents.items()})
    placement = place(own.belief if own else None, trust.trust if trust else None)
    return Assessment(placement=placement, answers=own, ratings=trust)


def figures_visible(
    *, answers_for_practice: bool, per_person_roles: bool, assessment: Assessment
) -> bool:
    """Whether one of the practice's own people may see the figures behind its placement
    (PRODUCT.md §4: a respondent's ratings go only to those who may answer for it).

    ``answers_for_practice``: the person is the practice's representative or deputy;
    ``per_person_roles``: the person is one of its staff who answer in a per-person round
    (a member, or its representative or deputy). In a round where the representative
    answers, they see them; in a per-person round, the practice's figures are means over
    its staff, shown only when at least k answered, so no one reads a colleague's out."""
    evidence = [e for e in (assessment.answers, assessment.ratings) if e is not None]
    if not evidence:
        return False
    for item in evidence:
        if item.round.per_person:
            if not per_person_roles or item.respondents < max(item.round.k, MIN_K):
                return False
        elif not answers_for_practice:
            return False
    return True


# ------------------------------------------------------------------------------------------
# What the lead and the convenors see


@dataclass(frozen=True)
class LeadFigures:
    """What a service's lead or a convenor sees of its practices' readiness.

    ``named``: the practices that share, with their placements; ``counted``: the practices
    the counts are over; ``counts``: how many of them are in each of the four, or None when
    there are fewer than k of them (then nothing is said of them)."""

    k: int
    named: Mapping[int, Placement]
    counted: frozenset[int]
    counts: Mapping[Placement, int] | None

    @property
    def shown(self) -> bool:
        return self.counts is not None


def effective_k(k: int | None) -> int:
    return max(k or MIN_K, MIN_K)


def lead_figures(
    *,
    placements: Mapping[int, Placement],
    shared: AbstractSet[int],
    known: AbstractSet[int],
    k: int,
) -> LeadFigures:
    """The counts rule (see the module docstring). ``placements``: every current
    participant's placement; ``shared``: those that share it with the lead; ``known``: the
    organisations the viewer may already know the placement of (their own)."""
    k = effective_k(k)
    named = {pk: placement for pk, placement in placements.items() if pk in shared}
    counted = frozenset(
        pk
        for pk, placement in placements.items()
        if pk not in shared and pk not in known and placement is not Placement.UNKNOWN
    )
    if len(counted) < k:
        return LeadFigures(k=k, named=named, counted=counted, counts=None)
    tally = Counter(placements[pk] for pk in counted)
    return LeadFigures(
        k=k, named=named, counted=counted, counts={q: tally.get(q, 0) for q in QUADRANTS}
    )


# ------------------------------------------------------------------------------------------
# What the five habits suggest next


@dataclass(frozen=True)
class Suggestion:
    text: str
    habit: str
    #: The route (in relationships) where the practice can act on it, if any.
    route: str = ""
    #: Whether it names an organisation because of the practice's rating of it: shown only
    #: to those who see the figures.
    from_ratings: bool = False


@dataclass(frozen=True)
class HabitFacts:
    """What the relationships log says of the practice and the service."""

    own_id: int
    host_id: int
    host_name: str
    #: The practice's latest conversation (call, video or in person) with the host.
    last_conversation_with_host: dt.datetime | None
    now: dt.datetime


def suggestions(
    *,
    placement: Placement,
    ratings: TrustEvidence | None,
    names: Mapping[int, str],
    facts: HabitFacts,
    shared: bool,
) -> list[Suggestion]:
    """What the five habits suggest a practice does next, most pressing first: talk (weekly,
    more than e-mail), meet in person, ask for help, put things right, keep a rhythm."""
    found: list[Suggestion] = []
    host = facts.host_name
    told_to_talk = {facts.own_id}
    if facts.host_id != facts.own_id:
        last = facts.last_conversation_with_host
        if last is None or facts.now - last > dt.timedelta(weeks=CONVERSATION_WEEKS):
            found.append(
                Suggestion(
                    f"No conversation with {host}, the service's host, in "
                    f"{CONVERSATION_WEEKS} weeks: book a 20 to 30 minute call. Talking "
                    "weekly builds trust faster than a monthly meeting and e-mail.",
                    "Talk more than e-mail",
                    "relationships:contacts",
                )
            )
            told_to_talk.add(facts.host_id)
    if ratings is not None:
        low = sorted(
            (score, names.get(pk, ""), pk)
            for pk, score in ratings.by_organisation.items()
            if score < TRUST_MIDDLE and pk not in told_to_talk
        )
        for _, name, _pk in low[:MOST_NAMED]:
            found.append(
                Suggestion(
                    f"Your trust in {name} is low: suggest a conversation with them, and "
                    "agree a rhythm of short calls for the next few weeks.",
                    "Keep a rhythm",
                    "relationships:rhythms",
                    from_ratings=True,
                )
            )
    if placement in (Placement.BUILD_TRUST, Placement.NOT_READY):
        found.append(
            Suggestion(
                "Ask the service's practices for help with something small: asking for help "
                "builds more trust than offering it.",
                "Ask for help",
                "relationships:asks",
            )
        )
        found.append(
            Suggestion(
                "If something has gone wrong between you and a practice in the service, say "
                "so on a put-it-right record: admitting a mistake rebuilds trust.",
                "Put it right",
                "relationships:put_it_rights",
            )
        )
    if placement in (Placement.BUILD_CASE, Placement.NOT_READY):
        found.append(
            Suggestion(
                f"Meet {host} in person to talk through what the service would take off your "
                "hands, and what going on alone costs you.",
                "Meet in person",
                "relationships:contacts",
            )
        )
    if placement is Placement.READY and not shared:
        found.append(
            Suggestion(
                "You are ready: you could share your readiness with the service's lead, so "
                "they can plan with you.",
                "Share",
            )
        )
    if placement is Placement.UNKNOWN:
        found.append(
            Suggestion(
                "Answer the next trust survey round: readiness rests on your own answers "
                "about going alone and your trust in the host and the other practices.",
                "Trust surveys",
                "surveys:rounds",
            )
        )
    return found
