"""What the system meetings' pages share beyond system.views.common: a meeting's name, the
breadcrumbs to a meeting and a series, and the address of an agenda item."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from collectives.models import Membership
from system.models import AgendaItem, MeetingSeries, SystemMeeting
from system.views.common import crumbs, url


def meetings_crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """Whole-system working's, the system meetings, then (text, href) pairs."""
    return crumbs(membership, ("System meetings", url(membership, "meetings")), *extra)


def meeting_name(meeting: SystemMeeting) -> str:
    """ "Place partnership, 5 March 2026"."""
    local = timezone.localtime(meeting.starts_at)
    return f"{meeting.series.name}, {local.day} {local:%B %Y}"


def meeting_crumbs(membership: Membership, meeting: SystemMeeting) -> list[dict[str, str]]:
    return meetings_crumbs(
        membership, (meeting_name(meeting), url(membership, "meeting", meeting.pk))
    )


def series_crumbs(
    membership: Membership, series: MeetingSeries | None = None
) -> list[dict[str, str]]:
    """To the meeting series, and to the one series when it is given."""
    found = [] if series is None else [(series.name, url(membership, "series_detail", series.pk))]
    return meetings_crumbs(membership, ("Meeting series", url(membership, "series")), *found)


def local_parts(meeting: SystemMeeting) -> dict[str, Any]:
    local = timezone.localtime(meeting.starts_at)
    return {"date": local.date(), "time": local.time().replace(second=0, microsecond=0)}


def item_url(membership: Membership, item: AgendaItem) -> str:
    """The meeting's page, at the item."""
    return url(membership, "meeting", item.meeting_id) + f"#item-{item.pk}"
