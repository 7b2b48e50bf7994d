"""'What needs your attention' from the golden thread, in at most two queries for anyone
(the practice's or the PCN's, and the facilitator's):

- a briefing the person's practice has not acknowledged (or whose action it has not
  reported);
- for a PCN's Clinical Director, the PCN's practices not yet reached, per briefing;
- for a facilitator, questions waiting for an answer and recorded decisions with no
  briefing yet.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from collectives.models import ORGANISATION_ROLES, Membership, Role
from golden_thread.access import PRACTICE_ROLES
from golden_thread.models import Question, Thread
from home.attention import AttentionItem

#: Briefings listed one by one for a practice; more than this are summed up in one item.
SHOWN = 5
FACILITATOR_ROLES = (Role.CONVENOR, Role.REPRESENTATIVE, Role.DEPUTY)


def briefings_needing_you(membership: Membership) -> list[AttentionItem]:
    slug = membership.collective.slug
    items: list[AttentionItem] = []
    organisation_id = membership.organisation_id
    kind = membership.organisation.kind if membership.organisation else None
    if organisation_id is not None and kind == "practice" and membership.role in PRACTICE_ROLES:
        waiting = list(
            Thread.objects.filter(
                briefing__collective_id=membership.collective_id, practice_id=organisation_id
            )
            .filter(
                Q(acknowledged_at__isnull=True) | (Q(action_status="") & ~Q(briefing__action=""))
            )
            .select_related("briefing__decision")
            .order_by("briefing__published_at", "pk")[: SHOWN + 1]
        )
        for t in waiting[:SHOWN]:
            href = reverse("golden_thread:briefing", args=[slug, t.briefing_id])
            if t.acknowledged_at is None:
                items.append(
                    AttentionItem(
                        title=f"Acknowledge: {t.briefing.title}",
                        description="The leadership group decided this. Tell it the decision "
                        "reached your practice: discussed, understood, or you have questions.",
                        href=href,
                        action="Read and acknowledge",
                    )
                )
            else:
                by = t.briefing.action_by
                items.append(
                    AttentionItem(
                        title=f"Is it in place? {t.briefing.title}",
                        description="Tell the group whether the action is in place"
                        + (f" (due {by:%d %B %Y})." if by else "."),
                        href=href,
                        action="Report the action",
                    )
                )
        if len(waiting) > SHOWN:
            items.append(
                AttentionItem(
                    title="More decisions wait for your practice",
                    description="Your practice has more briefings to acknowledge or actions to "
                    "report than are listed here. See them all, oldest first.",
                    href=reverse("golden_thread:practice", args=[slug, organisation_id]),
                    action="See every briefing",
                )
            )
    if organisation_id is not None and kind == "pcn" and membership.role in ORGANISATION_ROLES:
        unreached = list(
            Thread.objects.filter(
                briefing__collective_id=membership.collective_id,
                pcn_id=organisation_id,
                acknowledged_at__isnull=True,
            )
            .values("briefing_id", "briefing__title")
            .annotate(n=Count("id"))
            .order_by("briefing_id")[: SHOWN + 1]
        )
        if len(unreached) > SHOWN:
            items.append(
                AttentionItem(
                    title="More decisions have not reached your PCN's practices",
                    description="See every decision and its reach on the golden thread.",
                    href=reverse("golden_thread:briefings", args=[slug]),
                    action="See every decision",
                )
            )
        for row in unreached[:SHOWN]:
            n = row["n"]
            items.append(
                AttentionItem(
                    title=f"{n} practice{'s' if n != 1 else ''} of your PCN not reached: "
                    f"{row['briefing__title']}",
                    description="Take it to your next PCN meeting and record it, so every "
                    "practice hears it.",
                    href=reverse("golden_thread:briefing_thread", args=[slug, row["briefing_id"]]),
                    action="See who has not heard",
                )
            )
    if membership.role not in FACILITATOR_ROLES:
        return items  # facilitators are convenors, representatives and deputies
    asked = Question.objects.filter(
        thread__briefing__collective_id=membership.collective_id, answered_at__isnull=True
    )
    if not membership.is_convenor:
        asked = asked.filter(
            Q(thread__briefing__decision__proposal__facilitator_id=membership.user_id)
            | Q(
                thread__briefing__decision__isnull=True,
                thread__briefing__author_id=membership.user_id,
            )
        )
    open_questions = (
        asked.values("thread__briefing_id", "thread__briefing__title")
        .annotate(n=Count("id"))
        .order_by("thread__briefing_id")
    )
    for question_row in open_questions:
        n = question_row["n"]
        items.append(
            AttentionItem(
                title=f"{n} question{'s' if n != 1 else ''} to answer: "
                f"{question_row['thread__briefing__title']}",
                description="Practices asked about this decision. Your answer shows on the "
                "briefing for every practice.",
                href=reverse(
                    "golden_thread:briefing", args=[slug, question_row["thread__briefing_id"]]
                ),
                action="Answer",
            )
        )
    return items
