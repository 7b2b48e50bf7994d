"""'What needs your attention': a round your organisation has not finished answering."""

from __future__ import annotations

from django.urls import reverse

from collectives.models import Membership
from home.attention import AttentionItem
from surveys.models import AnswerMode, Response, SurveyRound
from surveys.services import can_answer


def unanswered_rounds(membership: Membership) -> list[AttentionItem]:
    if membership.organisation_id is None:
        return []
    items = []
    open_rounds = SurveyRound.objects.filter(
        collective_id=membership.collective_id,
        closed_at__isnull=True,
        round_participants__organisation_id=membership.organisation_id,
    )
    for survey in open_rounds:
        if not survey.is_open or not can_answer(membership, survey):
            continue
        finished = Response.objects.filter(
            round=survey,
            organisation_id=membership.organisation_id,
            submitted_at__isnull=False,
        )
        if survey.answer_mode == AnswerMode.STAFF:
            finished = finished.filter(respondent=membership.user)
        if finished.exists():
            continue
        items.append(
            AttentionItem(
                title=f"Answer the trust survey: {survey.title}",
                description=f"Say how your organisation works with the others. It closes on "
                f"{survey.closes_on:%d %B %Y}.",
                href=reverse("surveys:answer", args=[membership.collective.slug, survey.pk]),
                action="Answer the survey",
            )
        )
    return items
