"""Reads for the golden thread, each with a fixed number of queries however many practices
or briefings there are.

The figures, per briefing and for the collective:
- reach: the share of practices that acknowledged (any answer, questions included);
- touches per practice: touches logged (e-mail, PCN meeting, practice meeting...) over
  practices;
- over-communication index: touches per practice over 2 ("if you think you have
  communicated twice as much as you need to, you are just about hitting the minimum");
  under 1 shows amber;
- not reached: practices that have not acknowledged 7 days or more after publication;
- actions in place: the share of practices that report the action in place, where there
  is an action;
- questions open: asked and not yet answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from collectives.models import CollectiveOrganisation, Membership
from golden_thread.chasers import CHASE_CD_AFTER
from golden_thread.models import AboutPage, ActionStatus, Briefing, Question, Thread, Touch


@dataclass(frozen=True)
class Figures:
    practices: int = 0
    acknowledged: int = 0
    touches: int = 0
    not_reached: int = 0
    actions_due: int = 0
    actions_in_place: int = 0
    actions_exception: int = 0
    questions_open: int = 0

    @property
    def reach(self) -> float | None:
        return self.acknowledged / self.practices if self.practices else None

    @property
    def touches_per_practice(self) -> float | None:
        return self.touches / self.practices if self.practices else None

    @property
    def index(self) -> float | None:
        per = self.touches_per_practice
        return None if per is None else per / 2

    @property
    def index_amber(self) -> bool:
        return self.index is not None and self.index < 1

    @property
    def actions_in_place_share(self) -> float | None:
        return self.actions_in_place / self.actions_due if self.actions_due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "practices": self.practices,
            "acknowledged": self.acknowledged,
            "reach": self.reach,
            "touches": self.touches,
            "touches_per_practice": self.touches_per_practice,
            "over_communication_index": self.index,
            "index_below_one": self.index_amber,
            "not_reached_after_7_days": self.not_reached,
            "actions_due": self.actions_due,
            "actions_in_place": self.actions_in_place,
            "actions_exception": self.actions_exception,
            "actions_in_place_share": self.actions_in_place_share,
            "questions_open": self.questions_open,
        }


def _overdue_before(now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()) - CHASE_CD_AFTER


def _thread_counts() -> dict[str, Any]:
    return {
        "practices": Count("id"),
        "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False)),
        "actions_in_place": Count("id", filter=Q(action_status=ActionStatus.IN_PLACE)),
        "actions_exception": Count("id", filter=Q(action_status=ActionStatus.EXCEPTION)),
    }


def figures_by_briefing(
    *, briefing_ids: list[int], now: dt.datetime | None = None
) -> dict[int, Figures]:
    """The figures of each of these (published) briefings: three queries."""
    if not briefing_ids:
        return {}
    overdue = _overdue_before(now)
    rows = (
        Thread.objects.filter(briefing_id__in=briefing_ids)
        .values("briefing_id")
        .annotate(
            **_thread_counts(),
            not_reached=Count(
                "id",
                filter=Q(acknowledged_at__isnull=True, briefing__published_at__lte=overdue),
            ),
            actions_due=Count("id", filter=~Q(briefing__action="")),
        )
    )
    touches = dict(
        Touch.objects.filter(thread__briefing_id__in=briefing_ids)
        .values("thread__briefing_id")
        .annotate(n=Count("id"))
        .values_list("thread__briefing_id", "n")
    )
    questions = dict(
        Question.objects.filter(thread__briefing_id__in=briefing_ids, answered_at__isnull=True)
        .values("thread__briefing_id")
        .annotate(n=Count("id"))
        .values_list("thread__briefing_id", "n")
    )
    found = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        pk = values.pop("briefing_id")
        found[pk] = Figures(
            **values, touches=touches.get(pk, 0), questions_open=questions.get(pk, 0)
        )
    return found


def collective_figures(*, collective: Any, now: dt.datetime | None = None) -> Figures:
    """The figures over every published briefing of the collective: three queries."""
    overdue = _overdue_before(now)
    threads = Thread.objects.filter(briefing__collective=collective)
    totals = threads.aggregate(
        **_thread_counts(),
        not_reached=Count(
            "id", filter=Q(acknowledged_at__isnull=True, briefing__published_at__lte=overdue)
        ),
        actions_due=Count("id", filter=~Q(briefing__action="")),
    )
    return Figures(
        **totals,
        touches=Touch.objects.filter(thread__briefing__collective=collective).count(),
        questions_open=Question.objects.filter(
            thread__briefing__collective=collective, answered_at__isnull=True
        ).count(),
    )


def briefings_in(*, collective_id: int) -> QuerySet[Briefing]:
    """The collective's briefings, drafts too, with their decisions and proposals."""
    return Briefing.objects.filter(collective_id=collective_id).select_related(
        "decision__proposal", "collective", "author"
    )


def briefing_of(*, decision: Any) -> Briefing | None:
    """The decision's briefing, draft or published, if it has one."""
    return Briefing.objects.filter(decision=decision).first()


def briefings_for_collective(*, collective: Any, published: bool | None = None) -> QuerySet:
    found = Briefing.objects.filter(collective=collective).select_related("decision")
    if published is True:
        found = found.filter(published_at__isnull=False)
    elif published is False:
        found = found.filter(published_at__isnull=True)
    return found.order_by("-published_at", "-created_at", "-id")


def decisions_without_briefing(*, collective: Any) -> QuerySet:
    from decisions.models import Decision

    return (
        Decision.objects.filter(collective=collective, briefing__isnull=True)
        .select_related("proposal")
        .order_by("-recorded_at", "-id")
    )


@dataclass(frozen=True)
class PracticeRow:
    thread: Thread
    touches: int
    questions_open: int
    overdue: bool


@dataclass(frozen=True)
class PCNGroup:
    name: str
    pcn_id: int | None
    rows: list[PracticeRow]

    @property
    def reach(self) -> float | None:
        return sum(r.thread.reached for r in self.rows) / len(self.rows) if self.rows else None

    @property
    def touches_per_practice(self) -> float | None:
        return sum(r.touches for r in self.rows) / len(self.rows) if self.rows else None


def thread_rows(*, briefing: Briefing, now: dt.datetime | None = None) -> list[PCNGroup]:
    """Every practice of the briefing's thread, grouped by PCN (no PCN last): one query."""
    overdue = _overdue_before(now)
    threads = (
        Thread.objects.filter(briefing=briefing)
        .select_related("practice", "pcn")
        .annotate(
            touch_count=Count("touches", distinct=True),
            open_questions=Count(
                "questions", filter=Q(questions__answered_at__isnull=True), distinct=True
            ),
        )
        .order_by("pcn__name", "practice__name")
    )
    groups: dict[int | None, PCNGroup] = {}
    is_overdue = briefing.published_at is not None and briefing.published_at <= overdue
    for t in threads:
        group = groups.get(t.pcn_id)
        if group is None:
            group = groups[t.pcn_id] = PCNGroup(
                name=t.pcn.name if t.pcn else "Not in a PCN", pcn_id=t.pcn_id, rows=[]
            )
        group.rows.append(
            PracticeRow(
                thread=t,
                touches=t.touch_count,  # type: ignore[attr-defined]
                questions_open=t.open_questions,  # type: ignore[attr-defined]
                overdue=is_overdue and not t.reached,
            )
        )
    return sorted(groups.values(), key=lambda g: (g.pcn_id is None, g.name))


def questions_for_briefing(*, briefing: Briefing, answered_only: bool = False) -> list[Question]:
    found = Question.objects.filter(thread__briefing=briefing).select_related(
        "thread__practice", "asked_by", "answered_by"
    )
    if answered_only:
        found = found.filter(answered_at__isnull=False)
    return list(found.order_by("asked_at", "id"))


def practice_threads(*, collective: Any, practice: Any) -> QuerySet[Thread]:
    """Every published briefing to this practice and where its thread stands, newest first."""
    return (
        Thread.objects.filter(briefing__collective=collective, practice=practice)
        .select_related("briefing__decision", "pcn")
        .annotate(touch_count=Count("touches", distinct=True))
        .order_by("-briefing__published_at", "-briefing_id")
    )


def thread_for(*, briefing: Briefing, practice_id: int | None) -> Thread | None:
    if practice_id is None:
        return None
    return (
        Thread.objects.filter(briefing=briefing, practice_id=practice_id)
        .select_related("practice", "pcn")
        .first()
    )


def touches_for_thread(*, thread: Thread) -> list[Touch]:
    return list(thread.touches.select_related("recorded_by").order_by("happened_on", "id"))


def threads_on(*, briefing: Briefing, practice_ids: Any = None) -> list[Thread]:
    """The briefing's threads (to the practices named, when they are), by practice name."""
    threads = Thread.objects.filter(briefing=briefing)
    if practice_ids is not None:
        threads = threads.filter(practice_id__in=practice_ids)
    found = list(threads.select_related("practice", "pcn").order_by("practice__name"))
    for thread in found:
        thread.briefing = briefing  # the access rules read it: no query per thread
    return found


def questions_on(*, briefing: Briefing) -> QuerySet[Question]:
    return Question.objects.filter(thread__briefing=briefing).select_related("thread__practice")


def touches_on(*, briefing: Briefing) -> QuerySet[Touch]:
    """How the briefing reached practices, in the order the touches happened."""
    return (
        Touch.objects.filter(thread__briefing=briefing)
        .select_related("thread__practice", "recorded_by")
        .order_by("happened_on", "id")
    )


def practices_in(*, collective_id: int) -> QuerySet[Any]:
    """The collective's member practices (CollectiveOrganisation), by name."""
    return (
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation__kind="practice"
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def about_page_of(*, collective: Any) -> AboutPage | None:
    return AboutPage.objects.filter(collective=collective).first()


def leaders_with_speakers(*, collective: Any) -> list[tuple[Any, list[Any]]]:
    """The leadership group's organisations by name, each with its representatives and
    deputies (two queries)."""
    leaders = list(
        CollectiveOrganisation.objects.filter(collective=collective, is_leadership=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    speakers: dict[int, list[Any]] = {}
    for m in (
        Membership.objects.filter(
            collective=collective,
            role__in=("representative", "deputy"),
            organisation_id__in=[x.organisation_id for x in leaders],
        )
        .select_related("user")
        .order_by("role", "user__full_name")
    ):
        speakers.setdefault(m.organisation_id, []).append(m)  # type: ignore[arg-type]
    return [(x.organisation, speakers.get(x.organisation_id, [])) for x in leaders]
