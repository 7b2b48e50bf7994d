"""Who is who on the golden thread, and who may do what:

- the decision's facilitator (or a convenor) writes and publishes the briefing, answers
  questions, and may record a touch for any practice;
- a PCN's Clinical Director (its representative or deputy in the collective) records the
  PCN meeting and other touches for the PCN's practices;
- a practice's own people (its manager, partners: any member of the collective working for
  it, observers and guests aside) acknowledge, ask questions, report the action and record
  their own touches.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership, Role
from decisions import access as decisions_access
from directory.models import OrganisationKind, OrganisationRelationship, RelationshipKind
from golden_thread import selectors
from golden_thread.models import AboutPage, Briefing, Question, Thread

#: Roles whose holders work for a practice and may answer for it.
PRACTICE_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.CONVENOR)


def facilitates(membership: Membership, briefing: Briefing) -> bool:
    """The decision's facilitator (or a convenor) of the briefing's collective; for a notice
    (a briefing with no decision), its author or a convenor."""
    if membership.collective_id != briefing.collective_id:
        return False
    if briefing.decision is None:
        return membership.is_convenor or membership.user_id == briefing.author_id
    return decisions_access.facilitates(membership, briefing.decision.proposal)


def require_facilitator(membership: Membership, briefing: Briefing) -> None:
    if not facilitates(membership, briefing):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) can do that.")


def speaks_for_practice(membership: Membership, practice_id: int) -> bool:
    return membership.organisation_id == practice_id and membership.role in PRACTICE_ROLES


def leads_pcn(membership: Membership, pcn_id: int | None) -> bool:
    """A PCN's Clinical Director speaks for it: its representative or deputy."""
    return (
        pcn_id is not None
        and membership.organisation_id == pcn_id
        and membership.role in ORGANISATION_ROLES
    )


def may_touch(membership: Membership, thread: Thread) -> bool:
    """Who records a touch for a practice: the facilitator for any, the practice's own
    people, and its PCN's Clinical Director."""
    return (
        facilitates(membership, thread.briefing)
        or speaks_for_practice(membership, thread.practice_id)
        or leads_pcn(membership, thread.pcn_id)
    )


def get_briefing_in_collective(membership: Membership, pk: int) -> Briefing:
    """A briefing of the member's collective; a draft only for who may publish it (404 for
    anyone else)."""
    found = selectors.briefings_in(collective_id=membership.collective_id).filter(pk=pk).first()
    if found is None or (not found.is_published and not facilitates(membership, found)):
        raise Http404("No such briefing.")
    return found


def drafts_visible_to(membership: Membership) -> list[Briefing]:
    """The collective's draft briefings this member may see: those they may publish."""
    drafts = selectors.briefings_in(collective_id=membership.collective_id).filter(
        published_at__isnull=True
    )
    return [b for b in drafts.order_by("-created_at", "-id") if facilitates(membership, b)]


def briefings_visible_to(membership: Membership) -> QuerySet[Briefing]:
    """Published briefings, newest first, and before them the drafts the member may
    publish."""
    drafts = [b.pk for b in drafts_visible_to(membership)]
    return (
        selectors.briefings_in(collective_id=membership.collective_id)
        .filter(Q(published_at__isnull=False) | Q(pk__in=drafts))
        .order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
    )


def get_own_thread(membership: Membership, briefing: Briefing) -> Thread:
    """The thread to the member's practice, for its own people to answer on (403 for anyone
    else)."""
    thread = selectors.thread_for(briefing=briefing, practice_id=membership.organisation_id)
    if thread is None or not speaks_for_practice(membership, thread.practice_id):
        raise PermissionDenied(
            "Only a practice's own people answer for it, and your practice is not on this "
            "briefing's thread."
        )
    thread.briefing = briefing
    return thread


def get_question_on_briefing(briefing: Briefing, pk: int) -> Question:
    found = selectors.questions_on(briefing=briefing).filter(pk=pk).first()
    if found is None:
        raise Http404("No such question.")
    return found


def questions_visible_to(membership: Membership, briefing: Briefing) -> list[Question]:
    """The briefing's questions the member sees: every one for the facilitator (or a
    convenor); for everyone else the answered ones, and the open ones of the practice they
    answer for."""
    questions = selectors.questions_for_briefing(briefing=briefing)
    if facilitates(membership, briefing):
        return questions
    own = membership.organisation_id
    if own is not None and not speaks_for_practice(membership, own):
        own = None
    return [
        q
        for q in questions
        if q.answered_at is not None or (own is not None and q.thread.practice_id == own)
    ]


def get_practice_in_collective(membership: Membership, organisation_id: int) -> Any:
    """A practice that is a member organisation of the collective (its CollectiveOrganisation),
    or 404."""
    found = (
        selectors.practices_in(collective_id=membership.collective_id)
        .filter(organisation_id=organisation_id)
        .first()
    )
    if found is None:
        raise Http404("No such practice in this collective.")
    return found


def _people(collective_id: int, organisation_ids: list[int], roles: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        collective_id=collective_id,
        organisation_id__in=organisation_ids,
        role__in=roles,
        user__is_active=True,
    ).select_related("user"):
        found[m.organisation_id].append(m.user)  # type: ignore[index]
    return found


def practice_contacts(collective_id: int, practice_ids: list[int]) -> dict[int, list[Any]]:
    """The people of each practice who hear about briefings, by practice."""
    return _people(collective_id, practice_ids, PRACTICE_ROLES)


def pcn_leads(collective_id: int, pcn_ids: list[int]) -> dict[int, list[Any]]:
    """Each PCN's Clinical Director(s): its representative and deputies in the collective."""
    return _people(collective_id, pcn_ids, ORGANISATION_ROLES)


def collective_practices(collective_id: int) -> list[tuple[int, int | None]]:
    """(practice, its current PCN) for every practice member of the collective."""
    practices = list(
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation__kind=OrganisationKind.PRACTICE
        )
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
    )
    pcns: dict[int, int] = {}
    for child, parent in (
        OrganisationRelationship.objects.filter(
            organisation_id__in=practices, kind=RelationshipKind.PCN_MEMBER, end_date__isnull=True
        )
        .order_by("start_date", "pk")
        .values_list("organisation_id", "parent_id")
    ):
        pcns[child] = parent  # the latest open spell wins
    return [(p, pcns.get(p)) for p in practices]


def about_page_visible_to(membership: Membership) -> AboutPage | None:
    """The collective's "who we are": for every member once published, and its draft for
    convenors, who write it."""
    page = selectors.about_page_of(collective=membership.collective)
    if page is None or not (page.published_at or membership.is_convenor):
        return None
    return page


def get_about_page(membership: Membership) -> AboutPage:
    """The "who we are" the member may see, or 404."""
    page = about_page_visible_to(membership)
    if page is None:
        raise Http404("No “who we are” page yet.")
    return page
