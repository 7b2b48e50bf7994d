"""Fetch a survey round and check the user's right to it in one step; and the one rule for
who may read an organisation's raw answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audit.services import audit_record
from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership, Role
from directory.models import Organisation
from surveys import results, selectors
from surveys.models import AnswerMode, Response, RoundParticipant, SurveyRound


def get_round_in_collective(membership: Membership, pk: int) -> SurveyRound:
    found = (
        SurveyRound.objects.select_related("collective")
        .filter(collective_id=membership.collective_id, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such survey round.")
    return found


def get_participant_in_round(survey: SurveyRound, organisation_pk: int) -> Organisation:
    found = (
        RoundParticipant.objects.filter(round=survey, organisation_id=organisation_pk)
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404("That organisation is not taking part in this round.")
    return found.organisation


def get_participants_named(membership: Membership, pks: list[int]) -> list[Organisation]:
    """The member organisations a new round is for, by id, each once. An id that names no
    member organisation of the collective is a ValidationError naming ``participants``, the
    same whether or not the organisation exists elsewhere."""
    wanted = list(dict.fromkeys(pks))
    found = {
        m.organisation_id: m.organisation
        for m in CollectiveOrganisation.objects.filter(
            collective_id=membership.collective_id, organisation_id__in=wanted
        ).select_related("organisation")
    }
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {"participants": f"These ids name no member organisation: {', '.join(missing)}."}
        )
    return [found[pk] for pk in wanted]


# Raw answers ---------------------------------------------------------------------------

#: Who answers for a taking-part organisation in each kind of round.
ANSWERING_ROLES = {
    AnswerMode.REPRESENTATIVE: frozenset(ORGANISATION_ROLES),
    AnswerMode.STAFF: frozenset({*ORGANISATION_ROLES, Role.MEMBER}),
}


def may_read_raw_answers(membership: Membership, survey: SurveyRound) -> bool:
    """Whether this person answers in this round, and so may read the answers they give.

    PRODUCT.md §4: a respondent's own ratings go to no one but those who may answer for
    that organisation. Where the representative answers, that is the organisation's
    representative or deputy; where each member of staff answers, each reads only their own
    (get_own_answers_for narrows it to them). Convenors, observers and guests never do, nor
    does anyone for an organisation that is not taking part.
    """
    if membership.organisation_id is None or membership.collective_id != survey.collective_id:
        return False
    if membership.role not in ANSWERING_ROLES[AnswerMode(survey.answer_mode)]:
        return False
    return RoundParticipant.objects.filter(
        round=survey, organisation_id=membership.organisation_id
    ).exists()


def get_own_answers_for(membership: Membership, survey: SurveyRound) -> Response | None:
    """The raw answers this person may read in this round (None before they start), or
    PermissionDenied. Every read is recorded in the audit log here, with the round and the
    organisation but never a value, so no page, endpoint or export can read without it."""
    if not may_read_raw_answers(membership, survey):
        raise PermissionDenied("Only those who answer for the organisation see its answers.")
    own = selectors.own_response(membership=membership, survey=survey)
    if own is not None:  # both already loaded: labelling the entry costs no query
        own.round, own.organisation = survey, membership.organisation  # type: ignore[assignment]
    audit_record(
        actor=membership.user,
        action="survey_answers.read",
        obj=own or survey,
        collective=survey.collective,
        after={"round": survey.pk, "organisation": membership.organisation_id},
    )
    return own


def require_speaks_for_participant(membership: Membership, survey: SurveyRound) -> None:
    """Only an organisation's representative or deputy, in a round it takes part in, sees
    and shares its relationships' views (PermissionDenied for anyone else)."""
    from surveys.services import can_share_views

    if not can_share_views(membership, survey):
        raise PermissionDenied(
            "Only the representative or deputy of an organisation taking part sees its "
            "relationships' views."
        )


def get_pair_views_for(membership: Membership, survey: SurveyRound) -> list[selectors.PairView]:
    """The organisation's relationships in this round as its representative or deputy may
    see them (selectors.pair_views), or PermissionDenied. Reading views that both sides
    agreed to share (the other organisation's answers among them) is recorded in the audit
    log, with the partners but never a value."""
    require_speaks_for_participant(membership, survey)
    assert membership.organisation is not None
    views = selectors.pair_views(survey=survey, organisation=membership.organisation)
    shown = [v.partner.pk for v in views if v.ours is not None or v.theirs is not None]
    if shown:
        audit_record(
            actor=membership.user,
            action="survey_pair_views.read",
            obj=survey,
            collective=survey.collective,
            after={
                "round": survey.pk,
                "organisation": membership.organisation_id,
                "partners": shown,
            },
        )
    return views


def get_published_results(survey: SurveyRound) -> results.RoundResults:
    """What the closed round published (results.round_results), or 404 while the round is
    open or its results are held back while they are checked."""
    found = results.round_results(survey=survey)
    if found is None:
        raise Http404("Results appear when the round closes.")
    if found.held:
        raise Http404("This round's results are held back while they are checked.")
    return found
