"""Who sees and does what with system meetings, beyond system.access (which holds the one
rule of the area; this adds the fetches the meetings need). An object of another collective
is not found (404), never forbidden.

- The leadership group prepares meetings: series, meetings, attendees, agenda items, the
  conversations beforehand, outcomes and their publication.
- Members and observers read meetings, items, positions and outcomes; never the
  conversations, which name people and what they think (access.may_see_preparation).
- Guests see nothing of it (access.require_reader).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from collectives.models import Membership
from system import access
from system.models import PrepConversation


def require_preparation(membership: Membership) -> None:
    """The conversations before a meeting and the prep sheet: the leadership group only."""
    access.require_reader(membership)
    if not access.may_see_preparation(membership):
        raise PermissionDenied(
            "The preparation for a system meeting (who talks to whom, and what they think) is "
            "for the leadership group only."
        )


def get_conversation(membership: Membership, pk: int) -> PrepConversation:
    """A conversation before a meeting of the member's collective. Someone outside the
    leadership group is refused (403) before anything is looked up."""
    require_preparation(membership)
    found = (
        PrepConversation.objects.filter(item__meeting__collective_id=membership.collective_id)
        .select_related(
            "item",
            "item__meeting",
            "item__meeting__series",
            "stakeholder",
            "stakeholder__person",
            "stakeholder__organisation",
            "by",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such conversation.")
    return found
