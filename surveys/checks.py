"""The nightly disclosure check: publish what has closed, then look for leaks everywhere.

Publication already refuses to show a figure that would leak (surveys.publication),
so the check should never find anything. It runs anyway, every night, over every published
round, because what a participant can see keeps growing after a round is published: new
rounds overlap it, and pairs agree to share their views. If it ever finds a leak, the round's
results are held back at once and its collective's convenors are told.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from collectives.models import Membership, Role
from notifications.services import notify
from surveys import selectors, services
from surveys.disclosure import Leak
from surveys.models import RoundPublication, SurveyRound


def results_publish_due() -> list[SurveyRound]:
    """Publish every round that has closed by its date or by hand and is not yet published."""
    published = []
    for survey in SurveyRound.objects.filter(publication__isnull=True).select_related("collective"):
        if survey.is_closed:
            services.round_results_publish(survey=survey)
            published.append(survey)
    return published


@dataclass(frozen=True)
class Finding:
    survey: SurveyRound
    leaks: list[Leak]


def results_check(*, survey: SurveyRound) -> Finding:
    return Finding(survey, selectors.round_leaks(survey=survey))


def results_check_all() -> list[Finding]:
    """Check every published round; hold back and report any that leak."""
    findings = []
    for stored in RoundPublication.objects.select_related("round__collective").order_by("pk"):
        finding = results_check(survey=stored.round)
        if finding.leaks:
            _hold(finding)
            findings.append(finding)
    return findings


def _hold(finding: Finding) -> None:
    survey = finding.survey
    services.round_results_hold(survey=survey, leaks=finding.leaks)
    convenors = Membership.objects.filter(
        collective=survey.collective, role=Role.CONVENOR
    ).select_related("user")
    notify(
        users=[m.user for m in convenors],
        collective=survey.collective,
        key=f"survey-results-held-{survey.pk}",
        subject=f"Results of {survey.title} are held back",
        body="The nightly confidentiality check found that the published results of this "
        "round, together with other published figures, could let someone work out an "
        "organisation's answers. The results are hidden until the service team has looked "
        "into it; nothing else needs doing.",
        path=reverse("surveys:round", args=[survey.collective.slug, survey.pk]),
    )
