from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from collectives.models import Collective, CollectiveOrganisation, Invitation, Membership


def memberships_for_user(*, user: Any) -> QuerySet[Membership]:
    """The collectives a user belongs to (for the header's switcher)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("collective")
        .order_by("collective__name")
    )


def people_in_collective(
    *, collective: Collective, query: str = "", role: str = ""
) -> QuerySet[Membership]:
    people = Membership.objects.filter(collective=collective).select_related("user", "organisation")
    if query.strip():
        q = query.strip()
        people = people.filter(
            Q(user__full_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    if role:
        people = people.filter(role=role)
    return people.order_by("user__full_name", "user__email")


def member_organisations(
    *, collective: Collective, query: str = ""
) -> QuerySet[CollectiveOrganisation]:
    members = (
        CollectiveOrganisation.objects.filter(collective=collective)
        .select_related("organisation")
        .annotate(people_count=Count("organisation__people", distinct=True))
    )
    if query.strip():
        q = query.strip()
        members = members.filter(
            Q(organisation__name__icontains=q) | Q(organisation__ods_code__iexact=q)
        )
    return members.order_by("-is_leadership", "organisation__name")


def invitations_for_collective(*, collective: Collective) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(collective=collective)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def invitations_needing_attention(*, collective: Collective) -> int:
    """Invitations that expired unaccepted in the last 30 days and were not withdrawn."""
    now = timezone.now()
    return Invitation.objects.filter(
        collective=collective,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__lte=now,
        expires_at__gt=now - dt.timedelta(days=30),
    ).count()
