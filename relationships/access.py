"""Fetch a survey round and check the user's right to it in one step."""

from __future__ import annotations

from django.http import Http404

from collectives.models import Membership
from directory.models import Organisation
from relationships.models import RoundParticipant, SurveyRound


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
