"""Reads for readiness: what one person may see of a service's practices' readiness, for
the page, the API and the exports alike, in a fixed number of queries however many
practices, rounds and ratings there are.

The rules are in shared_services.readiness (pure): this module turns rows into its facts
and decides, from the person's membership, which of its answers they get. It reads a
practice's own survey answers and trust ratings (surveys' Response and TieRating) only to
place practices: a practice's figures go to its own people (readiness.figures_visible),
and the lead and convenors get only the placements of practices that share them and counts
over at least k that do not (readiness.lead_figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from collectives.models import Membership, Role
from directory.models import Organisation
from relationships import rules as habits
from relationships.selectors.contacts import contact_facts
from shared_services import access, readiness
from shared_services.models import Participation, ReadinessShare, SharedService
from shared_services.readiness import (
    AnswerFact,
    Assessment,
    LeadFigures,
    Placement,
    RatingFact,
    RoundFact,
    Suggestion,
)
from surveys.access import ANSWERING_ROLES
from surveys.models import TRUST_ITEMS, AnswerMode, Response, SurveyRound, TieRating

#: The roles of a practice's own people, who see its placement (PRODUCT.md §4).
OWN_PEOPLE = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER)


@dataclass(frozen=True)
class TrustRow:
    organisation: Organisation
    trust: float
    is_host: bool

    @property
    def low(self) -> bool:
        return self.trust < readiness.TRUST_MIDDLE


@dataclass(frozen=True)
class OwnReadiness:
    """A practice's readiness as its own people see it."""

    organisation: Organisation
    assessment: Assessment
    #: Whether this person sees the figures behind the placement.
    figures: bool
    #: The practice's trust in each organisation rated (empty unless ``figures``).
    trust_rows: list[TrustRow]
    suggestions: list[Suggestion]
    share: ReadinessShare | None
    #: Whether this person may tick (or untick) "share our readiness with the service lead".
    may_share: bool

    @property
    def placement(self) -> Placement:
        return self.assessment.placement


@dataclass(frozen=True)
class SharedRow:
    organisation: Organisation
    placement: Placement
    shared_at: dt.datetime


@dataclass(frozen=True)
class Overview:
    """What the service's lead and the convenors see."""

    figures: LeadFigures
    shared: list[SharedRow]


@dataclass(frozen=True)
class ReadinessView:
    service: SharedService
    k: int
    participants: list[Organisation]
    own: OwnReadiness | None = None
    overview: Overview | None = None
    #: Whether the person runs the service (its lead, or a convenor).
    runs: bool = False


def _closed_rounds(collective_id: int, today: dt.date) -> dict[int, RoundFact]:
    """The collective's closed rounds (closed by hand, or past their closing date)."""
    found = {}
    for pk, title, closed_at, closes_on, mode, k in (
        SurveyRound.objects.filter(collective_id=collective_id)
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .values_list("pk", "title", "closed_at", "closes_on", "answer_mode", "min_raters")
    ):
        closed = closed_at or timezone.make_aware(
            dt.datetime.combine(closes_on + dt.timedelta(days=1), dt.time())
        )
        found[pk] = RoundFact(pk, title, closed, mode == AnswerMode.STAFF, k)
    return found


def _assessments(
    rounds: dict[int, RoundFact],
    practices: set[int],
    relevant: set[int],
) -> dict[int, Assessment]:
    """Each practice's placement from its own answers: two queries (its answers about
    itself, and its trust ratings of the ``relevant`` organisations)."""
    answers: dict[int, list[AnswerFact]] = {pk: [] for pk in practices}
    ratings: dict[int, list[RatingFact]] = {pk: [] for pk in practices}
    if rounds and practices:
        for round_id, response_id, organisation_id, alone, joint in Response.objects.filter(
            round_id__in=list(rounds), organisation_id__in=practices
        ).values_list("round_id", "pk", "organisation_id", "sustainable_alone", "joint_difference"):
            answers[organisation_id].append(AnswerFact(round_id, response_id, alone, joint))
        for round_id, response_id, organisation_id, ratee_id, *items in TieRating.objects.filter(
            response__round_id__in=list(rounds),
            response__organisation_id__in=practices,
            ratee_id__in=relevant,
        ).values_list(
            "response__round_id",
            "response_id",
            "response__organisation_id",
            "ratee_id",
            *TRUST_ITEMS,
        ):
            ratings[organisation_id].append(
                RatingFact(round_id, response_id, ratee_id, tuple(items))
            )
    return {
        pk: readiness.assess(rounds, answers[pk], ratings[pk], relevant - {pk}) for pk in practices
    }


def _last_conversation(
    collective_id: int, organisation_id: int, host_id: int, now: dt.datetime
) -> dt.datetime | None:
    """The practice's latest call, video or meeting with the host within the weeks the
    suggestion looks back over (one query)."""
    since = now - dt.timedelta(weeks=readiness.CONVERSATION_WEEKS)
    times = [
        fact.on
        for fact in contact_facts(collective_id, {organisation_id}, since)
        if fact.mode in habits.CONVERSATION_MODES
        and {organisation_id, host_id} <= fact.organisations
    ]
    return max(times, default=None)


def own_practice(membership: Membership, participants: dict[int, Organisation]) -> int | None:
    """The participating practice whose readiness this person sees as their own, if any:
    its representative, deputy or members."""
    if membership.role in OWN_PEOPLE and membership.organisation_id in participants:
        return membership.organisation_id
    return None


def readiness_view(
    *, membership: Membership, service: SharedService, now: dt.datetime | None = None
) -> ReadinessView:
    """What this person may see of the service's readiness: their own practice's (if it
    takes part), and the lead's view (if they run the service). Up to six queries."""
    now = now or timezone.now()
    k = readiness.effective_k(service.collective.min_raters)
    current = list(
        Participation.objects.filter(service=service, left_on__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    participants = {p.organisation_id: p.organisation for p in current}
    own_pk = own_practice(membership, participants)
    runs = access.can_run(membership, service)
    if own_pk is None and not runs:
        return ReadinessView(service=service, k=k, participants=list(participants.values()))
    shares = {
        s.organisation_id: s
        for s in ReadinessShare.objects.filter(
            service=service, revoked_at__isnull=True, organisation_id__in=list(participants)
        )
    }
    rounds = _closed_rounds(service.collective_id, timezone.localdate(now))
    placed = set(participants) if runs else {own_pk}
    relevant = set(participants) | {service.host_id}
    assessments = _assessments(rounds, {pk for pk in placed if pk is not None}, relevant)
    own = None
    if own_pk is not None:
        own = _own(membership, service, participants, assessments[own_pk], shares, now)
    overview = None
    if runs:
        figures = readiness.lead_figures(
            placements={pk: a.placement for pk, a in assessments.items()},
            shared=set(shares),
            known={membership.organisation_id} if membership.organisation_id else set(),
            k=k,
        )
        overview = Overview(
            figures=figures,
            shared=[
                SharedRow(participants[pk], placement, shares[pk].shared_at)
                for pk, placement in figures.named.items()
            ],
        )
    return ReadinessView(
        service=service,
        k=k,
        participants=list(participants.values()),
        own=own,
        overview=overview,
        runs=runs,
    )


def _own(
    membership: Membership,
    service: SharedService,
    participants: dict[int, Organisation],
    assessment: Assessment,
    shares: dict[int, ReadinessShare],
    now: dt.datetime,
) -> OwnReadiness:
    organisation = participants[membership.organisation_id]  # type: ignore[index]
    role = membership.role
    figures = readiness.figures_visible(
        answers_for_practice=role in ANSWERING_ROLES[AnswerMode.REPRESENTATIVE],
        per_person_roles=role in ANSWERING_ROLES[AnswerMode.STAFF],
        assessment=assessment,
    )
    names = {pk: o.name for pk, o in participants.items()}
    names[service.host_id] = service.host.name
    organisations = {**participants, service.host_id: service.host}
    share = shares.get(organisation.pk)
    suggestions = readiness.suggestions(
        placement=assessment.placement,
        ratings=assessment.ratings,
        names=names,
        facts=readiness.HabitFacts(
            own_id=organisation.pk,
            host_id=service.host_id,
            host_name=service.host.name,
            last_conversation_with_host=_last_conversation(
                service.collective_id, organisation.pk, service.host_id, now
            )
            if service.host_id != organisation.pk
            else None,
            now=now,
        ),
        shared=share is not None,
    )
    trust_rows = []
    if figures and assessment.ratings is not None:
        trust_rows = sorted(
            (
                TrustRow(organisations[pk], score, pk == service.host_id)
                for pk, score in assessment.ratings.by_organisation.items()
                if pk in organisations
            ),
            key=lambda row: (not row.is_host, row.organisation.name, row.organisation.pk),
        )
    return OwnReadiness(
        organisation=organisation,
        assessment=assessment,
        figures=figures,
        trust_rows=trust_rows,
        suggestions=[s for s in suggestions if figures or not s.from_ratings],
        share=share,
        may_share=membership.role in access.SPEAKING_ROLES,
    )


@dataclass(frozen=True)
class SpeakerShare:
    """The practice a representative or deputy speaks for in the service, and its share."""

    organisation: Organisation
    share: ReadinessShare | None


def speaker_share(*, membership: Membership, service: SharedService) -> SpeakerShare | None:
    """For the sharing tick: the practice this person speaks for, if it takes part in the
    service, with its current share (one query); None for anyone else."""
    if membership.role not in access.SPEAKING_ROLES or membership.organisation_id is None:
        return None
    taking_part = (
        Participation.objects.filter(
            service=service, organisation_id=membership.organisation_id, left_on__isnull=True
        )
        .select_related("organisation")
        .first()
    )
    if taking_part is None:
        return None
    share = ReadinessShare.objects.filter(
        service=service, organisation_id=membership.organisation_id, revoked_at__isnull=True
    ).first()
    return SpeakerShare(taking_part.organisation, share)
