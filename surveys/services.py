"""Writes for trust surveys: rounds, answers, the k setting, publishing results, consent to
share a pair's views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, snapshot
from collectives.access import require_convenor
from collectives.models import ORGANISATION_ROLES, Collective, CollectiveOrganisation, Membership
from directory.models import Organisation
from surveys import access, publication, selectors
from surveys.disclosure import Leak
from surveys.models import (
    MIN_RATERS_FLOOR,
    RATING_ITEMS,
    AnswerMode,
    PairConsent,
    Response,
    RoundParticipant,
    RoundPublication,
    SurveyRound,
    TieRating,
)

ROUND_FIELDS = ["title", "opens_on", "closes_on", "answer_mode", "closed_at", "min_raters"]
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
        min_raters=max(MIN_RATERS_FLOOR, collective.min_raters),
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
    if survey.is_closed or RoundPublication.objects.filter(round=survey).exists():
        # Closing is final, by hand or by date: once results could be seen, one more
        # organisation's answers would show as the difference between two sets of results.
        raise ValidationError(
            {
                "closes_on": "This round has closed, so it cannot be extended or reopened: "
                "its results may already have been seen. Open a new round instead."
            }
        )
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
    """Close the round now, for good: answers can no longer change, k is frozen, and the
    results are published (after the commit, in the background; the first read publishes
    them if the job has not yet)."""
    from surveys import tasks

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
        survey_pk = survey.pk
        transaction.on_commit(lambda: tasks.publish_round_results(survey_pk))
    return survey


@transaction.atomic
def min_raters_change(*, actor_membership: Membership, min_raters: int) -> Collective:
    """Change the k rule. PRODUCT.md §4: only by a recorded decision, so it is audited.

    It applies to the collective's rounds that have not closed; a closed round keeps the k
    it closed with, or its results could be read again under a smaller k."""
    require_convenor(actor_membership)
    collective = Collective.objects.select_for_update().get(pk=actor_membership.collective_id)
    if not isinstance(min_raters, int) or not MIN_RATERS_FLOOR <= min_raters <= 20:
        raise ValidationError(
            {
                "min_raters": f"Choose a number from {MIN_RATERS_FLOOR} to 20: with fewer "
                "than 3, an organisation could work out another's rating from its own."
            }
        )
    before = {"min_raters": collective.min_raters}
    collective.min_raters = min_raters
    collective.save(update_fields=["min_raters"])
    today = timezone.localdate()
    SurveyRound.objects.filter(
        collective=collective, closed_at__isnull=True, closes_on__gte=today
    ).exclude(publication__isnull=False).update(min_raters=min_raters)
    audit_record(
        actor=actor_membership.user,
        action="collective.min_raters_changed",
        obj=collective,
        collective=collective,
        before=before,
        after={"min_raters": min_raters},
    )
    return collective


# Publishing results ------------------------------------------------------------------------


def _lock_overlapping(survey: SurveyRound) -> list[int]:
    """Lock this round and every round it could be set against, in one order, so that two
    publications (or a publication and a consent) are decided one after the other."""
    ids = sorted({survey.pk, *selectors.overlapping_round_ids(survey=survey)})
    list(SurveyRound.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    return ids


def round_results_publish(*, survey: SurveyRound) -> RoundPublication:
    """Decide, once, what a closed round shows (surveys.publication) and keep it.

    The work is done outside any transaction (it reads every rating and may take seconds
    for a large round, and SQLite would hold every other writer meanwhile); the write then
    checks, under a lock on the overlapping rounds, that nothing was published for them in
    between, and starts again if something was."""
    for _attempt in range(10):
        existing = RoundPublication.objects.filter(round=survey).first()
        if existing is not None:
            return existing
        if not survey.is_closed:
            raise ValidationError("Results are published when the round closes.")
        data, shape = selectors.publication_input(survey=survey)
        history = selectors.published_history(survey=survey)
        result = publication.publish(data, history)
        with transaction.atomic():
            _lock_overlapping(survey)
            existing = RoundPublication.objects.filter(round=survey).first()
            if existing is not None:
                return existing
            now = selectors.published_history(survey=survey)
            if [(h.round_id, h.consents) for h in now] != [
                (h.round_id, h.consents) for h in history
            ] or selectors.mutual_consents(survey=survey) != data.consents:
                continue  # something was published or agreed meanwhile: decide again
            published = RoundPublication.objects.create(
                round=survey,
                min_raters=data.k,
                participants=sorted(data.participants),
                pcns={str(pcn): sorted(ids) for pcn, ids in sorted(data.pcns.items())},
                structure=shape,
                cells={
                    cell.id: {"shown": cell.shown, "reason": cell.reason, "values": cell.values}
                    for cell in result.cells.values()
                },
                ledger=[
                    [f.id, f.component, sorted(list(key) for key in f.basis)]
                    for f in result.figures
                ],
                consents=sorted(list(pair) for pair in result.consents),
                withheld_consents=sorted(list(pair) for pair in result.withheld),
            )
            audit_record(
                actor=None,
                action="survey_round.results_published",
                obj=survey,
                collective=survey.collective,
                after={
                    "min_raters": data.k,
                    "shown": sorted(c.id for c in result.cells.values() if c.shown),
                    "held_back": sorted(c.id for c in result.cells.values() if not c.shown),
                },
            )
            return published
    raise RuntimeError(f"Could not publish {survey}: other rounds kept being published.")


@transaction.atomic
def round_results_hold(*, survey: SurveyRound, leaks: list[Leak]) -> RoundPublication:
    """Hold a round's results back (the nightly check found something it should not)."""
    stored = RoundPublication.objects.select_for_update().get(round=survey)
    if stored.held_at is None:
        stored.held_at = timezone.now()
        stored.held_reason = "\n".join(str(leak) for leak in leaks[:20])
        stored.save(update_fields=["held_at", "held_reason"])
        audit_record(
            actor=None,
            action="survey_round.results_held",
            obj=survey,
            collective=survey.collective,
            after={"leaks": len(leaks)},
        )
    return stored


@transaction.atomic
def round_results_release(*, actor: Any, survey: SurveyRound) -> RoundPublication:
    """A data steward (superuser) shows held-back results again, once the disclosure check
    finds nothing in them."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only the service's data stewards release held results.")
    stored = RoundPublication.objects.select_for_update().get(round=survey)
    if stored.held_at is None:
        return stored
    found = selectors.round_leaks(survey=survey)
    if found:
        raise ValidationError(
            f"The disclosure check still finds {len(found)} leak(s): {found[0]}. "
            "The results stay held back."
        )
    stored.held_at = None
    stored.save(update_fields=["held_at"])
    audit_record(
        actor=actor,
        action="survey_round.results_released",
        obj=survey,
        collective=survey.collective,
        before={"held_reason": stored.held_reason},
    )
    return stored


# Sharing a pair's views --------------------------------------------------------------------


def can_share_views(membership: Membership, survey: SurveyRound) -> bool:
    """Those who speak for a participating organisation agree to share its views."""
    return (
        membership.collective_id == survey.collective_id
        and membership.role in ORGANISATION_ROLES
        and membership.organisation_id is not None
        and RoundParticipant.objects.filter(
            round=survey, organisation_id=membership.organisation_id
        ).exists()
    )


def pair_consent_give(
    *, membership: Membership, survey: SurveyRound, partner: Organisation
) -> PairConsent:
    """'Share our view of this relationship with them': the two views show to the two
    organisations once both have agreed. After the round has closed, the second agreement
    is checked against everything already published, and refused if sharing would let
    either organisation work out a third's rating."""
    if not can_share_views(membership, survey):
        raise PermissionDenied("Only the representative or deputy of a participant can agree.")
    organisation_id = membership.organisation_id
    assert organisation_id is not None
    if partner.pk == organisation_id:
        raise ValidationError({"partner": "Choose another organisation."})
    if not RoundParticipant.objects.filter(round=survey, organisation=partner).exists():
        raise ValidationError({"partner": f"{partner.name} is not taking part in this round."})
    if survey.is_closed:
        round_results_publish(survey=survey)
    with transaction.atomic():
        _lock_overlapping(survey)
        found = PairConsent.objects.filter(
            round=survey, organisation_id=organisation_id, partner=partner
        ).first()
        if found is not None:
            return found
        completes = PairConsent.objects.filter(
            round=survey, organisation=partner, partner_id=organisation_id
        ).exists()
        if completes and selectors.consent_would_leak(
            survey=survey, pair=(organisation_id, partner.pk)
        ):
            raise ValidationError(
                {
                    "partner": f"Your views cannot be shared with {partner.name} for this "
                    "round: together with the results already published, they would let "
                    "one of you work out another organisation's answers."
                }
            )
        consent = PairConsent.objects.create(
            round=survey,
            organisation_id=organisation_id,
            partner=partner,
            given_by=membership.user,
        )
        audit_record(
            actor=membership.user,
            action="pair_consent.given",
            obj=consent,
            collective=survey.collective,
            after={"round": survey.pk, "organisation": organisation_id, "partner": partner.pk},
        )
        return consent


@transaction.atomic
def pair_consent_withdraw(
    *, membership: Membership, survey: SurveyRound, partner: Organisation
) -> None:
    """Take back an agreement to share, while it can still be taken back: until the round
    closes, or until the other organisation has agreed too (then both views are shown)."""
    if not can_share_views(membership, survey):
        raise PermissionDenied(
            "Only the representative or deputy of a participant can change this."
        )
    organisation_id = membership.organisation_id
    assert organisation_id is not None
    consent = PairConsent.objects.filter(
        round=survey, organisation_id=organisation_id, partner=partner
    ).first()
    if consent is None:
        return
    mutual = PairConsent.objects.filter(
        round=survey, organisation=partner, partner_id=membership.organisation_id
    ).exists()
    if survey.is_closed and mutual:
        raise ValidationError(
            {
                "partner": f"Both views are already shared with {partner.name}; "
                "that cannot be undone."
            }
        )
    audit_record(
        actor=membership.user,
        action="pair_consent.withdrawn",
        obj=consent,
        collective=survey.collective,
        before={"round": survey.pk, "organisation": consent.organisation_id, "partner": partner.pk},
    )
    consent.delete()


# Answers -------------------------------------------------------------------------------


def can_answer(membership: Membership, survey: SurveyRound) -> bool:
    """Whether this person answers for their organisation in this round: the same people,
    and only they, may read the answers (surveys.access holds the one rule)."""
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
