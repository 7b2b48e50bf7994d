"""Reads for nudges, asks for help and put-it-right records. Who sees which nudges and asks
is decided here, once, for the pages and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from collectives.models import Membership
from relationships.models import Ask, Nudge, Offer, PutItRight, PutItRightResponse
from relationships.nudges import open_nudges_for


def open_nudges_visible_to(
    membership: Membership, *, now: dt.datetime | None = None
) -> QuerySet[Nudge]:
    """The open nudges (neither dismissed nor snoozed now) the member sees, newest first:
    those about their organisation (every one about organisations for a convenor; none for
    someone of no organisation), and those for them alone (a nudge with a `user` is seen
    by that person only, convenors included)."""
    now = now or timezone.now()
    if membership.is_convenor:
        about = Nudge.objects.filter(
            collective_id=membership.collective_id, dismissed_at__isnull=True, user__isnull=True
        ).exclude(snoozed_until__gt=now)
    elif membership.organisation_id is None:
        about = Nudge.objects.none()
    else:
        about = open_nudges_for(
            collective=membership.collective, organisation_id=membership.organisation_id, now=now
        ).filter(user__isnull=True)
    mine = Nudge.objects.filter(
        collective_id=membership.collective_id,
        user_id=membership.user_id,
        dismissed_at__isnull=True,
    ).exclude(snoozed_until__gt=now)
    nudges = Nudge.objects.filter(Q(pk__in=about.values("pk")) | Q(pk__in=mine.values("pk")))
    return nudges.order_by("-created_at", "-id").prefetch_related("organisations")


def asks_visible_to(membership: Membership) -> QuerySet[Ask]:
    """The asks for help the member sees: those to everyone, those addressed to their
    organisation and its own; every ask for a convenor."""
    asks = Ask.objects.filter(collective_id=membership.collective_id)
    if membership.is_convenor:
        return asks
    own = membership.organisation_id
    visible = Q(to_everyone=True)
    if own is not None:
        addressed = Ask.addressed_to.through.objects.filter(organisation_id=own)
        visible |= Q(organisation_id=own) | Q(pk__in=addressed.values("ask_id"))
    return asks.filter(visible)


def asks_listed_for(membership: Membership) -> QuerySet[Ask]:
    """The asks the member sees, newest first, with what their rows show: who asked, whom,
    who helped and how many offers came."""
    return (
        asks_visible_to(membership)
        .select_related("organisation", "asked_by", "helped_by__organisation")
        .prefetch_related("addressed_to")
        .annotate(offer_count=Count("offers"))
        .order_by("-asked_at", "-id")
    )


def offers_on(*, ask: Ask) -> QuerySet[Offer]:
    """The offers of help with an ask, oldest first."""
    return Offer.objects.filter(ask=ask).select_related("organisation", "offered_by")


def with_offers(asks: QuerySet[Ask]) -> QuerySet[Ask]:
    return asks.prefetch_related(
        Prefetch("offers", queryset=Offer.objects.select_related("organisation", "offered_by"))
    )


def put_it_rights_in(*, collective_id: int) -> QuerySet[PutItRight]:
    """The collective's put-it-right records, newest first, with what their rows show."""
    return (
        PutItRight.objects.filter(collective_id=collective_id)
        .select_related("organisation", "decision", "recorded_by")
        .prefetch_related("apologises_to")
        .annotate(response_count=Count("responses"))
        .order_by("-recorded_at", "-id")
    )


def responses_to(*, record: PutItRight) -> QuerySet[PutItRightResponse]:
    """The responses to a put-it-right record, oldest first."""
    return PutItRightResponse.objects.filter(record=record).select_related(
        "organisation", "responded_by"
    )


def has_responded(*, record: PutItRight, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and responses_to(record=record).filter(organisation_id=organisation_id).exists()
    )
