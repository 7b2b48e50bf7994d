"""The demo's trust surveys, so the survey pages show something on a first visit: two closed
rounds (a trend, results with the confidentiality rules at work, and the demo PCN's
relationship views shared with one practice) and an open round the demo representative can
answer. Synthetic answers from a fixed seed, all through the real services. Loaded by
load_demo for the first demo collective; running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation
from surveys import services
from surveys.models import RATING_ITEMS, SurveyRound

TITLES = ("Spring trust survey", "Autumn trust survey", "This quarter's trust survey")


def _speaker(convenor: Membership, organisation_id: int, email: str) -> Membership:
    found = Membership.objects.filter(
        collective=convenor.collective, organisation_id=organisation_id, role=Role.REPRESENTATIVE
    ).first()
    if found is not None:
        return found
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None, full_name="Demo representative"
    )
    return Membership.objects.create(
        collective=convenor.collective,
        user=user,
        role=Role.REPRESENTATIVE,
        organisation_id=organisation_id,
    )


def _answer(rng: random.Random, rater: Membership, survey: SurveyRound, ratees: list[int]) -> None:
    for ratee in ratees:
        warmth = rng.choice([2, 3, 3, 4])
        values = {
            name: min(4, max(1, warmth + rng.choice([-1, 0, 0, 1]))) for name in RATING_ITEMS[:6]
        }
        values |= {name: min(5, max(1, warmth + rng.choice([0, 1]))) for name in RATING_ITEMS[6:13]}
        values |= {"now": rng.choice([1, 2, 2, 3, 3, 4]), "wanted": rng.choice([1, 2, 2])}
        services.rating_save(
            membership=rater,
            survey=survey,
            ratee=Organisation.objects.get(pk=ratee),
            values=values,
        )
    services.self_assessment_save(
        membership=rater,
        survey=survey,
        values={
            "sustainable_alone": rng.randint(1, 3),
            "joint_difference": rng.randint(3, 5),
            "knows_leadership": rng.randint(2, 5),
        },
    )
    services.response_submit(membership=rater, survey=survey)


def _works_with(
    rng: random.Random,
    organisation: int,
    pcn_of: dict[int, int | None],
    hubs: set[int],
    everyone: list[int],
) -> list[int]:
    """Whom an organisation rates: those it works with (its PCN's practices and the PCN, the
    PCNs, the federation and the LMC), and two others it has dealings with."""
    mine = pcn_of.get(organisation)
    close = [
        o
        for o in everyone
        if o != organisation
        and (
            o in hubs
            or (mine is not None and pcn_of.get(o) == mine)
            or o == mine
            or pcn_of.get(o) == organisation
        )
    ]
    rest = [o for o in everyone if o != organisation and o not in close]
    return close + rng.sample(rest, k=min(2, len(rest)))


def load_survey_demo(convenor: Membership, representative: Membership) -> None:
    """`representative` speaks for the demo PCN. The collective's practices, PCNs, federation
    and LMC take part, each rating those it works with, so that every results page (the map,
    "Allies or neighbours?" for each PCN, "How others see us") has figures under the k rule."""
    collective = convenor.collective
    if SurveyRound.objects.filter(collective=collective).exists():
        return
    pcn = representative.organisation_id
    members = list(
        CollectiveOrganisation.objects.filter(
            collective=collective, organisation__kind__in=["practice", "pcn", "federation", "lmc"]
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    pcn_of: dict[int, int | None] = {}
    for member in members:
        parents = [
            r.parent_id
            for r in member.organisation.relationships.filter(
                end_date__isnull=True, parent__kind="pcn"
            )
        ]
        pcn_of[member.organisation_id] = parents[0] if parents else None
    own = [m.organisation_id for m in members if pcn_of[m.organisation_id] == pcn]
    if pcn is None or len(own) < 3:
        return  # too few practices to show anything
    # The demo PCN first, then its practices (the first of them shares views with it).
    order = [pcn, *own] + [
        m.organisation_id for m in members if m.organisation_id not in {pcn, *own}
    ]
    speakers = [representative] + [
        _speaker(convenor, organisation, f"practice-{n + 1}@example.org")
        for n, organisation in enumerate(order[1:])
    ]
    everyone = [s.organisation_id for s in speakers if s.organisation_id is not None]
    hubs = {m.organisation_id for m in members if m.organisation.kind != "practice"}
    rng = random.Random(2026)  # noqa: S311 (fixed-seed demo data, not secrets)
    today = timezone.localdate()
    for number, title in enumerate(TITLES):
        survey = services.round_open(
            actor_membership=convenor,
            title=title,
            opens_on=today,
            closes_on=today + dt.timedelta(days=10),
            participants=[s.organisation for s in speakers if s.organisation is not None],
        )
        if number == 2:
            return  # the open round: the demo representative has yet to answer
        for speaker in speakers:
            assert speaker.organisation_id is not None
            _answer(
                rng,
                speaker,
                survey,
                _works_with(rng, speaker.organisation_id, pcn_of, hubs, everyone),
            )
        if number == 1:
            # The PCN and its first practice compare their views of each other.
            for a, b in ((speakers[0], speakers[1]), (speakers[1], speakers[0])):
                assert b.organisation is not None
                services.pair_consent_give(membership=a, survey=survey, partner=b.organisation)
        services.round_close(actor_membership=convenor, survey=survey)
        closed = timezone.now() - dt.timedelta(days=120 - 60 * number)
        SurveyRound.objects.filter(pk=survey.pk).update(
            opens_on=closed.date() - dt.timedelta(days=14),
            closes_on=closed.date(),
            closed_at=closed,
        )
        survey.refresh_from_db()
        services.round_results_publish(survey=survey)
