"""Writes for the golden thread. Every rule is here, so pages and API share it.

Who may do what:
- the decision's facilitator (or a convenor) writes and publishes the briefing, answers
  questions, and may record a touch for any practice;
- a PCN's Clinical Director (its representative or deputy in the collective) records the
  PCN meeting and other touches for the PCN's practices;
- a practice's own people (its manager, partners: any member of the collective working for
  it, observers and guests aside) acknowledge, ask questions, report the action and record
  their own touches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from cascade.models import (
    AboutPage,
    Acknowledgement,
    ActionStatus,
    Briefing,
    Channel,
    Question,
    Thread,
    Touch,
)
from cascade.readability import Readability, measure
from collectives.access import require_convenor
from collectives.models import ORGANISATION_ROLES, CollectiveOrganisation, Membership, Role
from decisions.models import Decision
from directory.models import OrganisationKind, OrganisationRelationship, RelationshipKind
from notifications.services import notify

#: A practice that has not acknowledged this many days after publication is chased, first
#: through its PCN's Clinical Director...
CHASE_CD_AFTER = dt.timedelta(days=7)
#: ...then, if still not reached, directly.
CHASE_PRACTICE_AFTER = dt.timedelta(days=10)
#: Roles whose holders work for a practice and may answer for it.
PRACTICE_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.CONVENOR)


# Who is who -------------------------------------------------------------------------------


def facilitates(membership: Membership, briefing: Briefing) -> bool:
    return membership.collective_id == briefing.collective_id and (
        membership.is_convenor or membership.user_id == briefing.decision.proposal.facilitator_id
    )


def _require_facilitator(membership: Membership, briefing: Briefing) -> None:
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


def practice_contacts(collective_id: int, practice_ids: list[int]) -> dict[int, list[Any]]:
    """The people of each practice who hear about briefings, by practice."""
    found: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        collective_id=collective_id,
        organisation_id__in=practice_ids,
        role__in=PRACTICE_ROLES,
        user__is_active=True,
    ).select_related("user"):
        found[m.organisation_id].append(m.user)  # type: ignore[index]
    return found


def pcn_leads(collective_id: int, pcn_ids: list[int]) -> dict[int, list[Any]]:
    """Each PCN's Clinical Director(s): its representative and deputies in the collective."""
    found: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        collective_id=collective_id,
        organisation_id__in=pcn_ids,
        role__in=ORGANISATION_ROLES,
        user__is_active=True,
    ).select_related("user"):
        found[m.organisation_id].append(m.user)  # type: ignore[index]
    return found


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


# Paths -------------------------------------------------------------------------------------


def briefing_path(briefing: Briefing) -> str:
    return reverse("cascade:briefing", args=[briefing.collective.slug, briefing.pk])


def _dashboard_path(briefing: Briefing) -> str:
    return reverse("cascade:briefing_thread", args=[briefing.collective.slug, briefing.pk])


# The briefing -----------------------------------------------------------------------------


def _check_text(summary: str, meaning: str, action: str, action_by: dt.date | None) -> None:
    errors = {}
    if not summary.strip():
        errors["summary"] = "Say in plain English what the group decided."
    if not meaning.strip():
        errors["meaning"] = "Say what the decision means for a practice."
    if action.strip() and action_by is None:
        errors["action_by"] = "Say by when practices need to do it."
    if errors:
        raise ValidationError(errors)


def readability_of(briefing_or_text: Briefing | str, collective: Any) -> Readability:
    text = briefing_or_text if isinstance(briefing_or_text, str) else briefing_or_text.full_text
    return measure(text, threshold=collective.readability_threshold)


@transaction.atomic
def briefing_save(
    *,
    actor_membership: Membership,
    decision: Decision,
    summary: str,
    meaning: str,
    action: str = "",
    action_by: dt.date | None = None,
) -> Briefing:
    """Write or rewrite the decision's briefing, until it is published."""
    if decision.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That decision belongs to another collective.")
    decision = Decision.objects.select_related("proposal", "collective").get(pk=decision.pk)
    briefing = Briefing.objects.select_for_update().filter(decision=decision).first()
    if briefing is None:
        briefing = Briefing(decision=decision, collective=decision.collective)
    if not (
        actor_membership.is_convenor or actor_membership.user_id == decision.proposal.facilitator_id
    ):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) can do that.")
    if briefing.is_published:
        raise ValidationError(
            "This briefing is published and practices have it; it cannot change. Answer "
            "questions on it, or revisit the decision."
        )
    _check_text(summary, meaning, action, action_by)
    adding = briefing.pk is None
    briefing.summary, briefing.meaning = summary.strip(), meaning.strip()
    briefing.action = action.strip()
    briefing.action_by = action_by if briefing.action else None
    figures = readability_of(briefing, decision.collective)
    briefing.reading_ease, briefing.grade = figures.reading_ease, figures.grade
    if adding:
        briefing.author = actor_membership.user
    briefing.save()
    audit_record(
        actor=actor_membership.user,
        action="briefing.created" if adding else "briefing.changed",
        obj=briefing,
        collective=decision.collective,
        after={"decision": decision.pk, "reading_ease": round(figures.reading_ease, 1)},
    )
    return briefing


@transaction.atomic
def briefing_publish(
    *,
    actor_membership: Membership,
    briefing: Briefing,
    confirm_hard: bool = False,
    now: dt.datetime | None = None,
) -> Briefing:
    """Send the briefing to every practice of the collective, through its PCN's Clinical
    Director and directly. A briefing that reads harder than the collective's threshold
    needs `confirm_hard`."""
    now = now or timezone.now()
    briefing = (
        Briefing.objects.select_for_update()
        .select_related("collective", "decision__proposal")
        .get(pk=briefing.pk)
    )
    _require_facilitator(actor_membership, briefing)
    if briefing.is_published:
        raise ValidationError("This briefing is already published.")
    figures = readability_of(briefing, briefing.collective)
    if figures.below_threshold and not confirm_hard:
        raise ValidationError(
            f"The briefing reads hard (reading ease {figures.reading_ease:.0f}, under "
            f"{figures.threshold:.0f}). Rewrite it, or confirm that you want to publish it "
            "as it is.",
            code="needs_confirmation",
        )
    practices = collective_practices(briefing.collective_id)
    if not practices:
        raise ValidationError(
            "The collective has no member practices yet: add them before publishing."
        )
    briefing.reading_ease, briefing.grade = figures.reading_ease, figures.grade
    briefing.published_at, briefing.published_by = now, actor_membership.user
    briefing.published_below_threshold = figures.below_threshold
    briefing.save()
    threads = Thread.objects.bulk_create(
        [Thread(briefing=briefing, practice_id=p, pcn_id=pcn) for p, pcn in practices]
    )
    threads = list(Thread.objects.filter(briefing=briefing).select_related("practice", "pcn"))
    contacts = practice_contacts(briefing.collective_id, [p for p, _ in practices])
    leads = pcn_leads(briefing.collective_id, sorted({pcn for _, pcn in practices if pcn}))
    # The direct route: an e-mail to each practice's people, logged as a touch.
    today = timezone.localdate(now)
    Touch.objects.bulk_create(
        [
            Touch(
                thread=t,
                channel=Channel.EMAIL,
                happened_on=today,
                note="Sent by Alliance when the briefing was published.",
                recorded_at=now,
            )
            for t in threads
            if contacts.get(t.practice_id)
        ]
    )
    title = briefing.decision.title
    collective = briefing.collective
    need = (
        f"\n\nWhat you need to do, by {briefing.action_by:%d %B %Y}: {briefing.action}"
        if briefing.action_needed and briefing.action_by
        else "\n\nYou do not need to do anything, but please tell us it reached you."
    )
    notify(
        users=[u for users in contacts.values() for u in users],
        collective=collective,
        key=f"briefing:{briefing.pk}:published",
        subject=f"New decision for your practice: {title}",
        body=f"{collective.name} has decided: {title}.\n\n{briefing.summary}\n\n"
        f"What it means for your practice: {briefing.meaning}{need}\n\n"
        "Please acknowledge it: tell us it was discussed at your practice meeting, that "
        "you understood it, or that you have questions.",
        path=briefing_path(briefing),
        now=now,
    )
    by_pcn: dict[int, list[str]] = defaultdict(list)
    for t in threads:
        if t.pcn_id:
            by_pcn[t.pcn_id].append(t.practice.name)
    for pcn_id, names in by_pcn.items():
        notify(
            users=leads.get(pcn_id, []),
            collective=collective,
            key=f"briefing:{briefing.pk}:pcn:{pcn_id}",
            subject=f"Please take to your next PCN meeting: {title}",
            body=f"{collective.name} has decided: {title}.\n\n{briefing.summary}\n\n"
            f"Please take it to your next PCN meeting and record that you did, so that its "
            f"{len(names)} practice{'s' if len(names) != 1 else ''} ({', '.join(names)}) "
            "hear it from you too.",
            path=briefing_path(briefing),
            now=now,
        )
    audit_record(
        actor=actor_membership.user,
        action="briefing.published",
        obj=briefing,
        collective=collective,
        after={
            "practices": len(threads),
            "reading_ease": round(figures.reading_ease, 1),
            "below_threshold": figures.below_threshold,
        },
    )
    return briefing


# Touches ----------------------------------------------------------------------------------


def _may_touch(membership: Membership, thread: Thread) -> bool:
    return (
        facilitates(membership, thread.briefing)
        or speaks_for_practice(membership, thread.practice_id)
        or leads_pcn(membership, thread.pcn_id)
    )


def _check_date(on: dt.date, field: str, *, published: dt.datetime | None) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})
    if published and on < timezone.localdate(published):
        raise ValidationError(
            {field: f"The briefing was published on {timezone.localdate(published):%d %B %Y}."}
        )


@transaction.atomic
def touches_record(
    *,
    actor_membership: Membership,
    threads: list[Thread],
    channel: str,
    happened_on: dt.date,
    note: str = "",
) -> list[Touch]:
    """One touch for each of these practices' threads (all of one briefing)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": "Choose how the briefing reached the practice."})
    if not threads:
        raise ValidationError({"practices": "Choose at least one practice."})
    briefing = threads[0].briefing
    if any(t.briefing_id != briefing.pk for t in threads):
        raise ValidationError("Those practices are not all on this briefing's thread.")
    if briefing.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That briefing belongs to another collective.")
    refused = [t.practice.name for t in threads if not _may_touch(actor_membership, t)]
    if refused:
        raise PermissionDenied(
            "You can record touches only for your own practice, your PCN's practices or, as "
            f"facilitator, any practice. Not for: {', '.join(refused)}."
        )
    _check_date(happened_on, "happened_on", published=briefing.published_at)
    touches = Touch.objects.bulk_create(
        [
            Touch(
                thread=t,
                channel=channel,
                happened_on=happened_on,
                note=note.strip()[:300],
                recorded_by=actor_membership.user,
            )
            for t in threads
        ]
    )
    audit_record(
        actor=actor_membership.user,
        action="touch.recorded",
        obj=briefing,
        collective=briefing.collective,
        after={
            "channel": channel,
            "happened_on": happened_on.isoformat(),
            "practices": [t.practice_id for t in threads],
        },
    )
    return touches


def pcn_meeting_record(
    *,
    actor_membership: Membership,
    briefing: Briefing,
    pcn_id: int,
    met_on: dt.date,
    practice_ids: list[int] | None = None,
    note: str = "",
) -> list[Touch]:
    """The Clinical Director took the briefing to the PCN meeting: a touch for each of the
    PCN's practices (or those named, if not all were there)."""
    threads = list(
        Thread.objects.filter(briefing=briefing, pcn_id=pcn_id).select_related(
            "practice", "briefing__decision__proposal", "briefing__collective"
        )
    )
    if practice_ids is not None:
        threads = [t for t in threads if t.practice_id in set(practice_ids)]
    if not threads:
        raise ValidationError({"practices": "Choose at least one of the PCN's practices."})
    return touches_record(
        actor_membership=actor_membership,
        threads=threads,
        channel=Channel.PCN_MEETING,
        happened_on=met_on,
        note=note,
    )


# Acknowledgements, questions and actions --------------------------------------------------


def _require_practice(membership: Membership, thread: Thread) -> None:
    if membership.collective_id != thread.briefing.collective_id or not speaks_for_practice(
        membership, thread.practice_id
    ):
        raise PermissionDenied("Only the practice's own people can answer for it.")


def _lock_thread(thread: Thread) -> Thread:
    return (
        Thread.objects.select_for_update()
        .select_related("briefing__collective", "briefing__decision__proposal", "practice")
        .get(pk=thread.pk)
    )


@transaction.atomic
def acknowledge(
    *,
    membership: Membership,
    thread: Thread,
    acknowledgement: str,
    discussed_on: dt.date | None = None,
    question: str = "",
) -> Thread:
    """The practice says the briefing reached it. "Discussed at our practice meeting" is
    also a touch; "we have questions" sends the question to the facilitator."""
    thread = _lock_thread(thread)
    _require_practice(membership, thread)
    if acknowledgement not in Acknowledgement.values:
        raise ValidationError(
            {"acknowledgement": "Choose discussed, understood or we have questions."}
        )
    if acknowledgement == Acknowledgement.DISCUSSED:
        if discussed_on is None:
            raise ValidationError({"discussed_on": "Give the date of the practice meeting."})
        _check_date(discussed_on, "discussed_on", published=thread.briefing.published_at)
    if acknowledgement == Acknowledgement.QUESTIONS and not question.strip():
        raise ValidationError({"question": "Write your question."})
    before = {"acknowledgement": thread.acknowledgement}
    before_discussed_on = thread.discussed_on
    thread.acknowledgement = acknowledgement
    thread.discussed_on = discussed_on if acknowledgement == Acknowledgement.DISCUSSED else None
    if thread.acknowledged_at is None:
        thread.acknowledged_at, thread.acknowledged_by = timezone.now(), membership.user
    thread.save()
    if acknowledgement == Acknowledgement.DISCUSSED and discussed_on is not None:
        # The practice meeting is one touch: a corrected date moves it, not adds another.
        earlier = (
            Touch.objects.filter(
                thread=thread, channel=Channel.PRACTICE_MEETING, happened_on=before_discussed_on
            ).first()
            if before_discussed_on
            else None
        )
        if earlier is not None:
            Touch.objects.filter(pk=earlier.pk).update(happened_on=discussed_on)
        else:
            Touch.objects.create(
                thread=thread,
                channel=Channel.PRACTICE_MEETING,
                happened_on=discussed_on,
                recorded_by=membership.user,
                note="Discussed at the practice meeting.",
            )
    audit_record(
        actor=membership.user,
        action="briefing.acknowledged",
        obj=thread,
        collective=thread.briefing.collective,
        before=before,
        after={"acknowledgement": acknowledgement},
    )
    if acknowledgement == Acknowledgement.QUESTIONS:
        _ask(membership, thread, question)
    return thread


def _ask(membership: Membership, thread: Thread, text: str) -> Question:
    question = Question.objects.create(thread=thread, text=text.strip(), asked_by=membership.user)
    briefing = thread.briefing
    facilitator = briefing.decision.proposal.facilitator
    notify(
        users=[facilitator] if facilitator else [],
        collective=briefing.collective,
        key=f"question:{question.pk}:asked",
        subject=f"A question on {briefing.decision.title}",
        body=f"{thread.practice.name} asks: {question.text}\n\nAnswer it on the briefing; "
        "the answer shows there for every practice.",
        path=briefing_path(briefing) + f"#question-{question.pk}",
    )
    audit_record(
        actor=membership.user,
        action="question.asked",
        obj=question,
        collective=briefing.collective,
        after={"thread": thread.pk},
    )
    return question


@transaction.atomic
def question_ask(*, membership: Membership, thread: Thread, text: str) -> Question:
    thread = _lock_thread(thread)
    _require_practice(membership, thread)
    if not text.strip():
        raise ValidationError({"text": "Write your question."})
    return _ask(membership, thread, text)


@transaction.atomic
def question_answer(*, actor_membership: Membership, question: Question, answer: str) -> Question:
    question = (
        Question.objects.select_for_update()
        .select_related(
            "thread__briefing__collective", "thread__briefing__decision__proposal", "asked_by"
        )
        .get(pk=question.pk)
    )
    briefing = question.thread.briefing
    _require_facilitator(actor_membership, briefing)
    if not answer.strip():
        raise ValidationError({"answer": "Write the answer."})
    first = question.answered_at is None
    question.answer = answer.strip()
    question.answered_by, question.answered_at = actor_membership.user, timezone.now()
    question.save()
    if first:
        notify(
            users=[question.asked_by] if question.asked_by else [],
            collective=briefing.collective,
            key=f"question:{question.pk}:answered",
            subject=f"Your question on {briefing.decision.title} is answered",
            body=f"You asked: {question.text}\n\nThe answer: {question.answer}",
            path=briefing_path(briefing) + f"#question-{question.pk}",
        )
    audit_record(
        actor=actor_membership.user,
        action="question.answered",
        obj=question,
        collective=briefing.collective,
        after={"first": first},
    )
    return question


@transaction.atomic
def action_report(
    *, membership: Membership, thread: Thread, status: str, reason: str = ""
) -> Thread:
    thread = _lock_thread(thread)
    _require_practice(membership, thread)
    if not thread.briefing.action_needed:
        raise ValidationError("This decision asks practices to do nothing.")
    if status not in (ActionStatus.IN_PLACE, ActionStatus.EXCEPTION):
        raise ValidationError({"status": "Choose in place or exception."})
    if status == ActionStatus.EXCEPTION and not reason.strip():
        raise ValidationError({"reason": "Say why the practice is an exception."})
    before = {"action_status": thread.action_status}
    thread.action_status, thread.action_reason = status, reason.strip()
    thread.action_reported_at, thread.action_reported_by = timezone.now(), membership.user
    thread.save()
    audit_record(
        actor=membership.user,
        action="briefing.action_reported",
        obj=thread,
        collective=thread.briefing.collective,
        before=before,
        after={"action_status": status, "reason": thread.action_reason},
    )
    return thread


# Chasers ------------------------------------------------------------------------------------


def chasers_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Chase practices not reached: after 7 days through their PCN's Clinical Director
    (one message per CD and briefing listing the PCN's practices not reached), after 10
    days the practice itself. A practice whose PCN has no Clinical Director in Alliance is
    chased directly at 7 days. Each chase is recorded on the thread, so a retried job
    sends nothing twice. Returns how many threads were chased each way."""
    now = now or timezone.now()
    counts = {"cd": 0, "practice": 0}
    due = (
        Thread.objects.filter(
            acknowledged_at__isnull=True,
            briefing__published_at__lte=now - CHASE_CD_AFTER,
        )
        .filter(practice_chased_at__isnull=True)
        .select_related("briefing__collective", "briefing__decision", "practice", "pcn")
        .order_by("briefing_id", "pcn_id", "practice__name")
    )
    by_briefing: dict[int, list[Thread]] = defaultdict(list)
    for thread in due:
        by_briefing[thread.briefing_id].append(thread)
    for threads in by_briefing.values():
        with transaction.atomic():
            counts_here = _chase_briefing(threads, now)
        counts["cd"] += counts_here["cd"]
        counts["practice"] += counts_here["practice"]
    return counts


def _chase_briefing(threads: list[Thread], now: dt.datetime) -> dict[str, int]:
    briefing = threads[0].briefing
    collective, title = briefing.collective, briefing.decision.title
    assert briefing.published_at is not None
    age = now - briefing.published_at
    leads = pcn_leads(collective.pk, sorted({t.pcn_id for t in threads if t.pcn_id}))
    counts = {"cd": 0, "practice": 0}
    to_cd: dict[int, list[Thread]] = defaultdict(list)
    to_practice: list[Thread] = []
    for t in threads:
        has_cd = bool(t.pcn_id and leads.get(t.pcn_id))
        if has_cd and t.cd_chased_at is None:
            to_cd[t.pcn_id].append(t)  # type: ignore[index]
        elif not has_cd or age >= CHASE_PRACTICE_AFTER:
            to_practice.append(t)
    for pcn_id, pcn_threads in to_cd.items():
        names = [t.practice.name for t in pcn_threads]
        notify(
            users=leads[pcn_id],
            collective=collective,
            key=f"briefing:{briefing.pk}:chase-cd:{pcn_id}",
            subject=f"{len(names)} of your practices have not acknowledged: {title}",
            body=f"A week after {collective.name} published “{title}”, these practices of "
            f"{pcn_threads[0].pcn.name if pcn_threads[0].pcn else 'your PCN'} have not "
            f"acknowledged it: {', '.join(names)}.\n\nPlease make sure it reaches them, "
            "for example at your next PCN meeting, and record the touch.",
            path=briefing_path(briefing),
            now=now,
        )
        Thread.objects.filter(pk__in=[t.pk for t in pcn_threads]).update(cd_chased_at=now)
        counts["cd"] += len(pcn_threads)
    if to_practice:
        contacts = practice_contacts(collective.pk, [t.practice_id for t in to_practice])
        for t in to_practice:
            notify(
                users=contacts.get(t.practice_id, []),
                collective=collective,
                key=f"briefing:{briefing.pk}:chase-practice",
                subject=f"Please acknowledge: {title}",
                body=f"{collective.name} published “{title}” on "
                f"{timezone.localdate(briefing.published_at):%d %B %Y} and has not heard "
                f"that it reached {t.practice.name}.\n\n{briefing.summary}\n\n"
                "Please tell us it was discussed, understood, or that you have questions.",
                path=briefing_path(briefing),
                now=now,
            )
        Thread.objects.filter(pk__in=[t.pk for t in to_practice]).update(practice_chased_at=now)
        counts["practice"] += len(to_practice)
    return counts


# Who we are ---------------------------------------------------------------------------------


@transaction.atomic
def about_save(*, actor_membership: Membership, text: str) -> AboutPage:
    require_convenor(actor_membership)
    if not text.strip():
        raise ValidationError({"text": "Say what the leadership group is and what it does."})
    collective = actor_membership.collective
    page = AboutPage.objects.select_for_update().filter(collective=collective).first()
    adding = page is None
    page = page or AboutPage(collective=collective)
    figures = measure(text, threshold=collective.readability_threshold)
    page.text = text.strip()
    page.reading_ease, page.grade = figures.reading_ease, figures.grade
    page.published_at = page.published_by = None
    page.published_below_threshold = False
    page.save()
    audit_record(
        actor=actor_membership.user,
        action="about_page.created" if adding else "about_page.changed",
        obj=page,
        collective=collective,
        after={"reading_ease": round(figures.reading_ease, 1)},
    )
    return page


@transaction.atomic
def about_publish(*, actor_membership: Membership, confirm_hard: bool = False) -> AboutPage:
    """Publish the 'who we are' text; under the readability threshold only when confirmed."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    page = AboutPage.objects.select_for_update().filter(collective=collective).first()
    if page is None:
        raise ValidationError("Write the text first.")
    figures = measure(page.text, threshold=collective.readability_threshold)
    if figures.below_threshold and not confirm_hard:
        raise ValidationError(
            f"The text reads hard (reading ease {figures.reading_ease:.0f}, under "
            f"{figures.threshold:.0f}). Rewrite it, or confirm that you want to publish it "
            "as it is.",
            code="needs_confirmation",
        )
    page.published_at, page.published_by = timezone.now(), actor_membership.user
    page.published_below_threshold = figures.below_threshold
    page.save()
    audit_record(
        actor=actor_membership.user,
        action="about_page.published",
        obj=page,
        collective=collective,
        after={"reading_ease": round(figures.reading_ease, 1)},
    )
    return page
