"""Writes for the golden thread: the briefing, its publication to every practice, touches,
acknowledgements, questions and actions. Every rule is here (who may act is in
golden_thread.access), so pages and API share it. Chasers are in golden_thread.chasers, and "who we
are" in golden_thread.about."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from collectives.models import Membership
from decisions.models import Decision
from golden_thread.access import (
    collective_practices,
    may_touch,
    pcn_leads,
    practice_contacts,
    require_facilitator,
    speaks_for_practice,
)
from golden_thread.models import (
    Acknowledgement,
    ActionStatus,
    Briefing,
    Channel,
    Question,
    Thread,
    Touch,
)
from golden_thread.readability import Readability, measure
from notifications.services import notify

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
    briefing.title = decision.title
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
    briefing = (
        Briefing.objects.select_for_update(of=("self",))
        .select_related("collective", "decision__proposal")
        .get(pk=briefing.pk)
    )
    require_facilitator(actor_membership, briefing)
    if briefing.is_published:
        raise ValidationError("This briefing is already published.")
    return _send(actor_membership, briefing, confirm_hard=confirm_hard, now=now or timezone.now())


@transaction.atomic
def notice_publish(
    *,
    actor_membership: Membership,
    title: str,
    summary: str,
    meaning: str,
    source_label: str,
    source_path: str,
    confirm_hard: bool = False,
    now: dt.datetime | None = None,
) -> Briefing:
    """Carry something that is not a decision (a system meeting's outcome, a negotiation's)
    to every practice of the collective, as a briefing is carried: the same threads,
    acknowledgements, questions and chasers. The caller's own rule says who may publish it;
    its author answers its questions. Readability is checked as for a decision's briefing."""
    now = now or timezone.now()
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the notice a title."})
    if len(title) > Briefing._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ValidationError({"title": "Keep the title under 200 characters."})
    _check_text(summary, meaning, "", None)
    briefing = Briefing.objects.create(
        collective=actor_membership.collective,
        decision=None,
        title=title,
        summary=summary.strip(),
        meaning=meaning.strip(),
        source_label=source_label.strip()[:200],
        source_path=source_path[:300],
        author=actor_membership.user,
        created_at=now,
    )
    audit_record(
        actor=actor_membership.user,
        action="briefing.created",
        obj=briefing,
        collective=actor_membership.collective,
        after={"notice": True, "source": source_path[:300]},
    )
    return _send(actor_membership, briefing, confirm_hard=confirm_hard, now=now)


def _send(
    actor_membership: Membership, briefing: Briefing, *, confirm_hard: bool, now: dt.datetime
) -> Briefing:
    """Publish a locked, unpublished briefing: a thread and a touch for every practice, the
    notifications, the audit entry."""
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
    title = briefing.title
    collective = briefing.collective
    # A decision's briefing, or a notice (a system meeting's outcome, a negotiation's).
    news, said = ("New decision", "has decided") if briefing.decision_id else ("News", "tells you")
    need = (
        f"\n\nWhat you need to do, by {briefing.action_by:%d %B %Y}: {briefing.action}"
        if briefing.action_needed and briefing.action_by
        else "\n\nYou do not need to do anything, but please tell us it reached you."
    )
    notify(
        users=[u for users in contacts.values() for u in users],
        collective=collective,
        key=f"briefing:{briefing.pk}:published",
        subject=f"{news} for your practice: {title}",
        body=f"{collective.name} {said}: {title}.\n\n{briefing.summary}\n\n"
        f"What it means for your practice: {briefing.meaning}{need}\n\n"
        "Please acknowledge it: tell us it was discussed at your practice meeting, that "
        "you understood it, or that you have questions.",
        path=briefing.get_absolute_url(),
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
            body=f"{collective.name} {said}: {title}.\n\n{briefing.summary}\n\n"
            f"Please take it to your next PCN meeting and record that you did, so that its "
            f"{len(names)} practice{'s' if len(names) != 1 else ''} ({', '.join(names)}) "
            "hear it from you too.",
            path=briefing.get_absolute_url(),
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
    refused = [t.practice.name for t in threads if not may_touch(actor_membership, t)]
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
        Thread.objects.select_for_update(of=("self",))
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
    facilitator = briefing.decision.proposal.facilitator if briefing.decision else briefing.author
    notify(
        users=[facilitator] if facilitator else [],
        collective=briefing.collective,
        key=f"question:{question.pk}:asked",
        subject=f"A question on {briefing.title}",
        body=f"{thread.practice.name} asks: {question.text}\n\nAnswer it on the briefing; "
        "the answer shows there for every practice.",
        path=briefing.get_absolute_url() + f"#question-{question.pk}",
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
        Question.objects.select_for_update(of=("self",))
        .select_related(
            "thread__briefing__collective", "thread__briefing__decision__proposal", "asked_by"
        )
        .get(pk=question.pk)
    )
    briefing = question.thread.briefing
    require_facilitator(actor_membership, briefing)
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
            subject=f"Your question on {briefing.title} is answered",
            body=f"You asked: {question.text}\n\nThe answer: {question.answer}",
            path=briefing.get_absolute_url() + f"#question-{question.pk}",
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
