from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from collectives.models import (
    Collective,
    CollectiveOrganisation,
    CollectivePersonRole,
    Invitation,
    Membership,
)
from directory.models import Person
from directory.selectors import people_seen_by


def memberships_for_user(*, user: Any) -> QuerySet[Membership]:
    """The collectives a user belongs to (for the header's switcher)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("collective", "organisation", "user")
        .order_by("collective__name")
    )


def collectives_for_user(*, user: Any) -> QuerySet[Collective]:
    """The collectives a user belongs to, by name."""
    return Collective.objects.filter(memberships__user_id=user.pk or 0).order_by("name")


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
    """The collective's member organisations, each with the number of people the collective
    sees there (shared people and its own, never another collective's)."""
    seen = Q(organisation__people__owner__isnull=True) | Q(organisation__people__owner=collective)
    members = (
        CollectiveOrganisation.objects.filter(collective=collective)
        .select_related("organisation")
        .annotate(people_count=Count("organisation__people", filter=seen, distinct=True))
    )
    if query.strip():
        q = query.strip()
        members = members.filter(
            Q(organisation__name__icontains=q)
            | Q(display_name__icontains=q)
            | Q(organisation__ods_code__iexact=q)
        )
    return members.order_by("-is_leadership", "organisation__name")


def people_at_member(*, member: CollectiveOrganisation) -> QuerySet[Person]:
    """The people the collective sees at a member organisation, each with their role in the
    collective (``role_here``, "" when none is recorded)."""
    role_here = CollectivePersonRole.objects.filter(
        collective_id=member.collective_id, person=OuterRef("pk")
    ).values("role")[:1]
    return (
        people_seen_by(collective_id=member.collective_id)
        .filter(organisation_id=member.organisation_id)
        .select_related("owner")
        .annotate(role_here=Subquery(role_here))
        .order_by("name", "pk")
    )


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
