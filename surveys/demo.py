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


def load_survey_demo(convenor: Membership, representative: Membership) -> None:
    """`representative` speaks for the demo PCN; its practices and the PCN take part."""
    collective = convenor.collective
    if SurveyRound.objects.filter(collective=collective).exists():
        return
    pcn = representative.organisation_id
    practices = list(
        CollectiveOrganisation.objects.filter(
            collective=collective,
            organisation__kind="practice",
            organisation__relationships__parent_id=pcn,
            organisation__relationships__end_date__isnull=True,
        )
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)[:7]
    )
    if pcn is None or len(practices) < 4:
        return  # too few practices to show anything
    speakers = [representative] + [
        _speaker(convenor, practice, f"practice-{n + 1}@example.org")
        for n, practice in enumerate(practices)
    ]
    everyone = [s.organisation_id for s in speakers if s.organisation_id is not None]
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
            others = [o for o in everyone if o != speaker.organisation_id]
            _answer(rng, speaker, survey, rng.sample(others, k=max(3, len(others) - 1)))
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
