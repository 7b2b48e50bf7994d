"""Writes for trust surveys: rounds, answers, the k setting, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, snapshot
from collectives.access import require_convenor
from collectives.models import Collective, CollectiveOrganisation, Membership
from directory.models import Organisation
from relationships import access
from relationships.models import (
    RATING_ITEMS,
    AnswerMode,
    Response,
    RoundParticipant,
    SurveyRound,
    TieRating,
)

ROUND_FIELDS = ["title", "opens_on", "closes_on", "answer_mode", "closed_at"]
SELF_ITEMS = ("sustainable_alone", "joint_difference", "knows_leadership")
RANGES = {**dict.fromkeys(RATING_ITEMS[:6], (1, 4)), **dict.fromkeys(RATING_ITEMS[6:], (1, 5))}


@transaction.atomic
def round_open(
    *,
    actor_membership: Membership,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    participants: list[Organisation],
    answer_mode: str = AnswerMode.REPRESENTATIVE,
) -> SurveyRound:
    """Open (or schedule) a round for some of the collective's member organisations."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    errors: dict[str, str] = {}
    if closes_on < opens_on:
        errors["closes_on"] = "The closing date must be on or after the opening date."
    if closes_on < timezone.localdate():
        errors["closes_on"] = "The closing date is in the past."
    members = set(
        CollectiveOrganisation.objects.filter(collective=collective).values_list(
            "organisation_id", flat=True
        )
    )
    outside = [o.name for o in participants if o.pk not in members]
    if outside:
        errors["participants"] = f"Not member organisations: {', '.join(outside)}."
    elif len(participants) < 3:
        errors["participants"] = "Choose at least 3 organisations: fewer cannot rate each other."
    if answer_mode not in AnswerMode.values:
        errors["answer_mode"] = "Choose who answers for each organisation."
    if errors:
        raise ValidationError(errors)
    survey = SurveyRound.objects.create(
        collective=collective,
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        answer_mode=answer_mode,
        created_by=actor_membership.user,
    )
    RoundParticipant.objects.bulk_create(
        RoundParticipant(round=survey, organisation=o) for o in participants
    )
    audit_record(
        actor=actor_membership.user,
        action="survey_round.opened",
        obj=survey,
        collective=collective,
        after={
            **snapshot(survey, ROUND_FIELDS),
            "participants": sorted(o.pk for o in participants),
        },
    )
    return survey


@transaction.atomic
def round_extend(
    *, actor_membership: Membership, survey: SurveyRound, closes_on: dt.date
) -> SurveyRound:
    require_convenor(actor_membership)
    survey = SurveyRound.objects.select_for_update().get(pk=survey.pk)
    if survey.closed_at is not None:
        raise ValidationError({"closes_on": "This round is closed; it cannot be extended."})
    if closes_on <= survey.closes_on:
        raise ValidationError(
            {
                "closes_on": f"Choose a date after the current closing date, "
                f"{survey.closes_on:%d %B %Y}."
            }
        )
    before = snapshot(survey, ROUND_FIELDS)
    survey.closes_on = closes_on
    survey.save(update_fields=["closes_on"])
    audit_record(
        actor=actor_membership.user,
        action="survey_round.extended",
        obj=survey,
        collective=survey.collective,
        before=before,
        after=snapshot(survey, ROUND_FIELDS),
    )
    return survey


@transaction.atomic
def round_close(*, actor_membership: Membership, survey: SurveyRound) -> SurveyRound:
    """Close the round now: answers can no longer change and results appear."""
    require_convenor(actor_membership)
    survey = SurveyRound.objects.select_for_update().get(pk=survey.pk)
    if survey.closed_at is None:
        before = snapshot(survey, ROUND_FIELDS)
        survey.closed_at = timezone.now()
        survey.save(update_fields=["closed_at"])
        audit_record(
            actor=actor_membership.user,
            action="survey_round.closed",
            obj=survey,
            collective=survey.collective,
            before=before,
            after=snapshot(survey, ROUND_FIELDS),
        )
    return survey


@transaction.atomic
def min_raters_change(*, actor_membership: Membership, min_raters: int) -> Collective:
    """Change the k rule. PRODUCT.md §4: only by a recorded decision, so it is audited."""
    require_convenor(actor_membership)
    collective = Collective.objects.select_for_update().get(pk=actor_membership.collective_id)
    if not 2 <= min_raters <= 20:
        raise ValidationError({"min_raters": "Choose a number from 2 to 20."})
    before = {"min_raters": collective.min_raters}
    collective.min_raters = min_raters
    collective.save(update_fields=["min_raters"])
    audit_record(
        actor=actor_membership.user,
        action="collective.min_raters_changed",
        obj=collective,
        collective=collective,
        before=before,
        after={"min_raters": min_raters},
    )
    return collective


# Answers -------------------------------------------------------------------------------


def can_answer(membership: Membership, survey: SurveyRound) -> bool:
    """Whether this person answers for their organisation in this round: the same people,
    and only they, may read the answers (relationships.access holds the one rule)."""
    return access.may_read_raw_answers(membership, survey)


def _own_response(membership: Membership, survey: SurveyRound, *, create: bool) -> Response | None:
    organisation_id = membership.organisation_id
    if organisation_id is None:
        raise PermissionDenied("Only people who work for a member organisation answer.")
    responses = Response.objects.filter(round=survey, organisation_id=organisation_id)
    if survey.answer_mode == AnswerMode.STAFF:
        responses = responses.filter(respondent=membership.user)
    found = responses.order_by("pk").first()
    if found is None and create:
        found = Response.objects.create(
            round=survey, organisation_id=organisation_id, respondent=membership.user
        )
    return found


def _check_writable(membership: Membership, survey: SurveyRound) -> None:
    if not can_answer(membership, survey):
        raise PermissionDenied("You do not answer this round for your organisation.")
    if not survey.is_open:
        raise ValidationError("This round is not open, so answers cannot change.")


def _audit_answers(
    action: str, membership: Membership, survey: SurveyRound, response: Response
) -> None:
    """One entry per save or finish (answers save as you go, a page's worth at a time):
    who changed which organisation's answers in which round; never a value, nor whom they
    rated, which would tell a one-way tie."""
    audit_record(
        actor=membership.user,
        action=action,
        obj=response,
        collective=survey.collective,
        after={"round": survey.pk, "organisation": response.organisation_id},
    )


def _check_ranges(values: dict[str, Any], ranges: dict[str, tuple[int, int]]) -> None:
    errors = {}
    for name, value in values.items():
        if name not in ranges:
            raise ValueError(f"{name} is not a question in this survey.")
        low, high = ranges[name]
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            errors[name] = f"Choose a whole number from {low} to {high}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rating_save(
    *,
    membership: Membership,
    survey: SurveyRound,
    ratee: Organisation,
    values: dict[str, Any],
    comment: str = "",
    comment_shareable: bool = False,
    comment_anonymous: bool = True,
) -> TieRating:
    """Save what is answered so far about one organisation (answers save as you go)."""
    _check_writable(membership, survey)
    if ratee.pk == membership.organisation_id:
        raise ValidationError("An organisation does not rate itself.")
    if not RoundParticipant.objects.filter(round=survey, organisation=ratee).exists():
        raise ValidationError(f"{ratee.name} is not taking part in this round.")
    _check_ranges(values, RANGES)
    response = _own_response(membership, survey, create=True)
    assert response is not None
    rating, _ = TieRating.objects.select_for_update().get_or_create(response=response, ratee=ratee)
    for name, value in values.items():
        setattr(rating, name, value)
    rating.comment = comment.strip()
    rating.comment_shareable = comment_shareable
    rating.comment_anonymous = comment_anonymous
    rating.save()
    Response.objects.filter(pk=response.pk).update(updated_at=timezone.now())
    _audit_answers("survey_rating.saved", membership, survey, response)
    return rating


@transaction.atomic
def rating_remove(*, membership: Membership, survey: SurveyRound, ratee: Organisation) -> None:
    """'We do not work with them': drop the rating of that organisation."""
    _check_writable(membership, survey)
    response = _own_response(membership, survey, create=False)
    if response is None:
        return
    removed, _ = TieRating.objects.filter(response=response, ratee=ratee).delete()
    if removed:
        _audit_answers("survey_rating.removed", membership, survey, response)


@transaction.atomic
def self_assessment_save(
    *, membership: Membership, survey: SurveyRound, values: dict[str, Any]
) -> Response:
    _check_writable(membership, survey)
    _check_ranges(values, dict.fromkeys(SELF_ITEMS, (1, 5)))
    response = _own_response(membership, survey, create=True)
    assert response is not None
    for name, value in values.items():
        setattr(response, name, value)
    response.save()
    _audit_answers("survey_self_assessment.saved", membership, survey, response)
    return response


@transaction.atomic
def response_submit(*, membership: Membership, survey: SurveyRound) -> Response:
    """Mark the organisation's answers finished. They can still change until the round
    closes; 'finished' only stops the reminders."""
    _check_writable(membership, survey)
    response = _own_response(membership, survey, create=True)
    assert response is not None
    missing = [item for item in SELF_ITEMS if getattr(response, item) is None]
    incomplete = [
        r.ratee.name for r in response.ratings.select_related("ratee") if not r.is_complete
    ]
    if missing or incomplete:
        parts = []
        if incomplete:
            parts.append(f"finish your answers about {', '.join(sorted(incomplete))}")
        if missing:
            parts.append("answer the three questions about your own organisation")
        raise ValidationError(f"Before finishing, {' and '.join(parts)}.")
    if not response.ratings.exists():
        raise ValidationError("Rate at least one organisation you work with before finishing.")
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at"])
    _audit_answers("survey_response.finished", membership, survey, response)
    return response
