"""Fetch a rhythm, a nudge, an ask or a put-it-right record and check the member's right to
it in one step, for the pages and the API alike: an object of another collective (or an ask
the member does not see) is not found (404), never forbidden.

Also the one check of what a new rhythm is between, within the member's collective.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404

from collectives.models import Membership
from relationships.models import Ask, Nudge, Offer, PutItRight, PutItRightResponse, Rhythm, Scope
from relationships.selectors import community
from relationships.selectors import contacts as selectors


def get_rhythm_in_collective(membership: Membership, pk: int) -> Rhythm:
    found = selectors.rhythms_for(membership, pk=pk).first()
    if found is None:
        raise Http404("No such rhythm.")
    return found


def rhythm_organisations(
    membership: Membership, *, scope: str, pcn: int | None, organisations: list[Any]
) -> list[int]:
    """The organisations a new rhythm is between: as given for a pair; a PCN's practices
    that are members of the collective (the PCN itself a member PCN of this collective);
    the leadership group's organisations. ValidationError naming the field otherwise."""
    collective_id = membership.collective_id
    organisations = list(organisations)
    if scope == Scope.PCN:
        if pcn is None:
            raise ValidationError({"pcn": "Choose the PCN."})
        if not selectors.is_member_pcn(collective_id, pcn):
            raise ValidationError({"pcn": "Choose a PCN that is a member of the collective."})
        if not organisations:
            organisations = selectors.pcn_practices(collective_id, pcn)
            if not organisations:
                raise ValidationError(
                    {"pcn": "None of this PCN's practices is a member of the collective."}
                )
    elif pcn is not None:
        raise ValidationError({"pcn": "Only a PCN's rhythm names a PCN."})
    elif scope == Scope.LEADERSHIP and not organisations:
        organisations = selectors.leadership_organisations(collective_id)
        if not organisations:
            raise ValidationError({"scope": "The collective has no leadership group yet."})
    if not organisations:
        raise ValidationError({"organisations": "Choose the two organisations."})
    return organisations


def get_nudge_in_collective(membership: Membership, pk: int) -> Nudge:
    """A nudge of the collective; one for another person alone is not found."""
    found = (
        Nudge.objects.filter(collective_id=membership.collective_id, pk=pk)
        .filter(Q(user__isnull=True) | Q(user_id=membership.user_id))
        .prefetch_related("organisations")
        .first()
    )
    if found is None:
        raise Http404("No such nudge.")
    return found


def get_ask_visible_to(membership: Membership, pk: int) -> Ask:
    """An ask the member sees (community.asks_visible_to), with its offers."""
    found = community.with_offers(community.asks_listed_for(membership)).filter(pk=pk).first()
    if found is None:
        raise Http404("No such ask.")
    return found


def get_offer_on_ask(ask: Ask, pk: int | None) -> Offer | None:
    """The offer made on this ask that a request names (None for none)."""
    if pk is None:
        return None
    found = community.offers_on(ask=ask).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"offer": "Choose an offer made on this ask."})
    return found


def get_put_it_right_in_collective(membership: Membership, pk: int) -> PutItRight:
    """A put-it-right record of the collective, with the responses to it."""
    found = (
        community.put_it_rights_in(collective_id=membership.collective_id)
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=PutItRightResponse.objects.select_related("organisation", "responded_by"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such put-it-right record.")
    return found
