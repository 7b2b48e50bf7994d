"""What the whole-system landing page counts, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from system.models import KeyRelationship, Need, NeedStatus, Stakeholder, SystemMeeting


@dataclass(frozen=True)
class Overview:
    upcoming: list[SystemMeeting]
    open_needs: int
    stakeholders: int  # 0 unless the reader may see them
    my_key_relationships: int


def overview(
    collective_id: int, *, user_id: int, sees_stakeholders: bool, now: dt.datetime
) -> Overview:
    upcoming = list(
        SystemMeeting.objects.filter(collective_id=collective_id, starts_at__gte=now)
        .select_related("series")
        .order_by("starts_at", "id")[:3]
    )
    open_needs = Need.objects.filter(
        collective_id=collective_id,
        status__in=[NeedStatus.RAISED, NeedStatus.PRIORITISED, NeedStatus.NEGOTIATING],
    ).count()
    stakeholders = mine = 0
    if sees_stakeholders:
        counts = Stakeholder.objects.filter(
            collective_id=collective_id, erased_at__isnull=True
        ).aggregate(
            n=Count("id", distinct=True),
            mine=Count("key_relationships", filter=Q(key_relationships__owner_id=user_id)),
        )
        stakeholders, mine = counts["n"], counts["mine"]
    else:
        mine = KeyRelationship.objects.filter(collective_id=collective_id, owner_id=user_id).count()
    return Overview(upcoming, open_needs, stakeholders, mine)
