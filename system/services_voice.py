"""Writes for the provider voice: a practice raises a need, others support it (or withdraw
their support), the leadership group prioritises it or sets it aside, turns it into a
negotiation mandate, records the negotiation's meetings, offers and notes, and its outcome,
which goes back to every practice that raised or supported the need and, through the
golden thread, to every practice.

Who may act is system.access (the leadership group) and selectors_voice.practice_of (a
member practice's representative or deputy). Every write is audited in its transaction; a
state change locks its row first. The audit entries of a mandate carry ids and field names,
never its text: its limits are seen only by the leadership group.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from collectives.models import Membership
from directory.models import Organisation
from golden_thread.access import practice_contacts
from golden_thread.services import notice_publish
from notifications.services import notify
from system import access
from system.models import (
    EventKind,
    Mandate,
    MandateStatus,
    Need,
    NeedStatus,
    NeedSupport,
    NegotiationEvent,
)
from system.selectors_voice import member_practice, organisation_for_mandate
from system.services_common import audited
from system.text import clean_text

TITLE_MAX = 200
EVIDENCE_MAX = 300
#: The needs a mandate can be made from.
MANDATABLE = (NeedStatus.RAISED, NeedStatus.PRIORITISED)
#: The needs whose priority the leadership group can still change.
PRIORITISABLE = (NeedStatus.RAISED, NeedStatus.PRIORITISED, NeedStatus.SET_ASIDE)


class NeedDecision(models.TextChoices):
    """What the leadership group decides about a need."""

    PRIORITISED = NeedStatus.PRIORITISED.value, "Prioritise it"
    SET_ASIDE = NeedStatus.SET_ASIDE.value, "Set it aside"


class MandateEnding(models.TextChoices):
    """How a negotiation ends."""

    CONCLUDED = MandateStatus.CONCLUDED.value, "Concluded"
    ABANDONED = MandateStatus.ABANDONED.value, "Abandoned"


def _speaking_practice(membership: Membership) -> Organisation:
    """The member practice the person raises and supports needs for (their representative
    or deputy role), or PermissionDenied."""
    access.require_reader(membership)
    organisation_id = access.require_speaks_for_a_practice(membership)
    practice = member_practice(membership.collective_id, organisation_id)
    if practice is None:
        raise PermissionDenied(
            "Only a member practice's representative or deputy can raise or support a need: "
            "the organisation you speak for is not a member practice."
        )
    return practice


def _same_collective(membership: Membership, obj: Need | Mandate) -> None:
    if obj.collective_id != membership.collective_id:
        raise PermissionDenied("That belongs to another collective.")


def _lock_need(need: Need) -> Need:
    return (
        Need.objects.select_for_update(of=("self",))
        .select_related("practice", "collective")
        .get(pk=need.pk)
    )


def _open_mandate(membership: Membership, mandate: Mandate, *, ended: str) -> Mandate:
    """The mandate, locked, for the leadership group to act on while it is negotiated; once
    the negotiation has ended, a ValidationError saying `ended`."""
    _same_collective(membership, mandate)
    access.require_leadership(membership)
    mandate = (
        Mandate.objects.select_for_update(of=("self",))
        .select_related("need", "of_whom", "collective")
        .get(pk=mandate.pk)
    )
    if mandate.status != MandateStatus.OPEN:
        raise ValidationError(ended)
    return mandate


def need_path(need: Need) -> str:
    return reverse("system:need", args=[need.collective.slug, need.pk])


def _tell_practices(
    need: Need, *, key: str, subject: str, body: str, now: dt.datetime | None
) -> None:
    """Tell the people of every practice that raised or supported the need."""
    practices = [need.practice_id, *need.supports.values_list("practice_id", flat=True)]
    contacts = practice_contacts(need.collective_id, practices)
    notify(
        users=[u for users in contacts.values() for u in users],
        collective=need.collective,
        key=key,
        subject=subject,
        body=body,
        path=need_path(need),
        now=now,
    )


# Needs --------------------------------------------------------------------------------------


@transaction.atomic
def need_raise(
    *, actor_membership: Membership, title: str, detail: str = "", now: dt.datetime | None = None
) -> Need:
    """A member practice raises a need or issue ("No phlebotomy capacity after 1pm")."""
    practice = _speaking_practice(actor_membership)
    title = clean_text(
        title, "title", required=True, most=TITLE_MAX, empty="Say what the need is, in a line."
    )
    detail = clean_text(detail, "detail")
    need = Need.objects.create(
        collective_id=actor_membership.collective_id,
        practice=practice,
        title=title,
        detail=detail,
        raised_by=actor_membership.user,
        raised_at=now or timezone.now(),
    )
    audited(actor_membership, "need.raised", need, after={"practice": practice.pk, "title": title})
    return need


@transaction.atomic
def need_support(
    *,
    actor_membership: Membership,
    need: Need,
    evidence: str,
    now: dt.datetime | None = None,
) -> NeedSupport:
    """Another member practice stands behind the need, with one line of evidence."""
    _same_collective(actor_membership, need)
    practice = _speaking_practice(actor_membership)
    need = _lock_need(need)
    if need.practice_id == practice.pk:
        raise PermissionDenied(
            f"{practice.name} raised this need: a practice cannot support its own."
        )
    if need.status == NeedStatus.CLOSED:
        raise ValidationError("This need is closed with an outcome: it can no longer be supported.")
    evidence = clean_text(
        evidence,
        "evidence",
        required=True,
        most=EVIDENCE_MAX,
        empty="Give one line of evidence: what your practice sees.",
    )
    if NeedSupport.objects.filter(need=need, practice=practice).exists():
        raise ValidationError(f"{practice.name} already supports this need.")
    try:
        with transaction.atomic():
            support = NeedSupport.objects.create(
                need=need,
                practice=practice,
                evidence=evidence,
                by=actor_membership.user,
                at=now or timezone.now(),
            )
    except IntegrityError as error:  # another representative of the practice, just now
        raise ValidationError(f"{practice.name} already supports this need.") from error
    audited(
        actor_membership,
        "need_support.added",
        need,
        after={"practice": practice.pk, "evidence": evidence},
    )
    return support


@transaction.atomic
def need_support_withdraw(*, actor_membership: Membership, need: Need) -> None:
    """The practice takes its support back (not once the need is closed: who stood behind
    it then is kept with the outcome)."""
    _same_collective(actor_membership, need)
    practice = _speaking_practice(actor_membership)
    need = _lock_need(need)
    support = NeedSupport.objects.filter(need=need, practice=practice).first()
    if support is None:
        raise ValidationError(f"{practice.name} does not support this need.")
    if need.status == NeedStatus.CLOSED:
        raise ValidationError(
            "This need is closed with an outcome: the practices behind it are kept with it."
        )
    before = {"practice": practice.pk, "evidence": support.evidence}
    support.delete()
    audited(actor_membership, "need_support.withdrawn", need, before=before)


@transaction.atomic
def need_prioritise(
    *,
    actor_membership: Membership,
    need: Need,
    decision: str,
    reason: str,
    priority: int | None = None,
    now: dt.datetime | None = None,
) -> Need:
    """The leadership group prioritises a need (1 first) or sets it aside, saying why. A
    need set aside has that reason as its outcome, and its practices are told."""
    _same_collective(actor_membership, need)
    access.require_leadership(actor_membership)
    now = now or timezone.now()
    need = _lock_need(need)
    if decision not in NeedDecision.values:
        raise ValidationError({"decision": "Choose to prioritise the need or to set it aside."})
    if need.status not in PRIORITISABLE:
        raise ValidationError(
            f"This need is {need.get_status_display().lower()}: its priority can no longer change."
        )
    reason = clean_text(
        reason,
        "reason",
        required=True,
        empty="Say why: the practices behind the need will read it.",
    )
    if decision == NeedStatus.PRIORITISED:
        if priority is None or priority < 1 or priority > 999:
            raise ValidationError({"priority": "Give its priority as a number from 1 (first)."})
    else:
        priority = None
    before = {"status": need.status, "priority": need.priority}
    need.status, need.priority = decision, priority
    if decision == NeedStatus.SET_ASIDE:
        need.outcome, need.outcome_at = f"Set aside by the leadership group: {reason}", now
    else:
        need.outcome, need.outcome_at = "", None
    need.save(update_fields=["status", "priority", "outcome", "outcome_at"])
    audited(
        actor_membership,
        "need.prioritised" if decision == NeedStatus.PRIORITISED else "need.set_aside",
        need,
        before=before,
        after={"status": need.status, "priority": need.priority, "reason": reason},
    )
    if decision == NeedStatus.SET_ASIDE:
        _tell_practices(
            need,
            key=f"need:{need.pk}:set_aside:{now.isoformat()}",
            subject=f"Set aside: {need.title}",
            body=f"The leadership group of {need.collective.name} has set aside a need your "
            f"practice raised or supported: {need.title}.\n\nWhy: {reason}",
            now=now,
        )
    return need


# Mandates -----------------------------------------------------------------------------------


def _of_whom(collective_id: int, of_whom: Organisation | int) -> Organisation:
    pk = of_whom.pk if isinstance(of_whom, Organisation) else of_whom
    found = organisation_for_mandate(collective_id, pk)
    if found is None:
        raise ValidationError({"of_whom": "Choose the organisation we ask from the directory."})
    return found


@transaction.atomic
def mandate_create(
    *,
    actor_membership: Membership,
    need: Need,
    ask: str,
    of_whom: Organisation | int,
    opening_position: str,
    limits: str,
    now: dt.datetime | None = None,
) -> Mandate:
    """The leadership group turns a need into a negotiation mandate: what we ask, of whom,
    our opening position and our limits (which only it sees)."""
    _same_collective(actor_membership, need)
    access.require_leadership(actor_membership)
    need = _lock_need(need)
    if need.status not in MANDATABLE:
        raise ValidationError(
            f"This need is {need.get_status_display().lower()}: only a raised or prioritised "
            "need becomes a mandate."
        )
    organisation = _of_whom(actor_membership.collective_id, of_whom)
    mandate = Mandate.objects.create(
        collective_id=actor_membership.collective_id,
        need=need,
        ask=clean_text(ask, "ask", required=True, empty="Say what we ask for."),
        of_whom=organisation,
        opening_position=clean_text(
            opening_position, "opening_position", required=True, empty="Give our opening position."
        ),
        limits=clean_text(
            limits, "limits", required=True, empty="Give our limits: how far we may go."
        ),
        created_by=actor_membership.user,
        created_at=now or timezone.now(),
    )
    need.status = NeedStatus.NEGOTIATING
    need.save(update_fields=["status"])
    audited(
        actor_membership,
        "mandate.created",
        mandate,
        after={"need": need.pk, "of_whom": organisation.pk},
    )
    return mandate


@transaction.atomic
def mandate_update(
    *,
    actor_membership: Membership,
    mandate: Mandate,
    ask: str | None = None,
    of_whom: Organisation | int | None = None,
    opening_position: str | None = None,
    limits: str | None = None,
) -> Mandate:
    """Change a mandate while it is being negotiated (the leadership group). The audit entry
    names the fields changed, never their text."""
    mandate = _open_mandate(
        actor_membership,
        mandate,
        ended="This negotiation has ended: its mandate can no longer change.",
    )
    changed = []
    for name, value, empty in (
        ("ask", ask, "Say what we ask for."),
        ("opening_position", opening_position, "Give our opening position."),
        ("limits", limits, "Give our limits: how far we may go."),
    ):
        if value is not None:
            text = clean_text(value, name, required=True, empty=empty)
            if text != getattr(mandate, name):
                setattr(mandate, name, text)
                changed.append(name)
    before: dict[str, object] = {}
    if of_whom is not None:
        organisation = _of_whom(actor_membership.collective_id, of_whom)
        if organisation.pk != mandate.of_whom_id:
            before["of_whom"] = mandate.of_whom_id
            mandate.of_whom = organisation
            changed.append("of_whom")
    if changed:
        mandate.save(update_fields=changed)
        audited(
            actor_membership,
            "mandate.changed",
            mandate,
            before=before or None,
            after={"changed": changed, "of_whom": mandate.of_whom_id},
        )
    return mandate


@transaction.atomic
def negotiation_event_record(
    *,
    actor_membership: Membership,
    mandate: Mandate,
    kind: str,
    happened_on: dt.date,
    text: str,
    now: dt.datetime | None = None,
) -> NegotiationEvent:
    """A meeting, an offer or a note in the negotiation, with its date (the leadership
    group, while the negotiation is open)."""
    now = now or timezone.now()
    mandate = _open_mandate(
        actor_membership, mandate, ended="This negotiation has ended: record nothing more in it."
    )
    if kind not in EventKind.values:
        raise ValidationError({"kind": "Choose a meeting, an offer or a note."})
    if happened_on > timezone.localdate(now):
        raise ValidationError(
            {"happened_on": "The date is in the future: record it once it has happened."}
        )
    event = NegotiationEvent.objects.create(
        mandate=mandate,
        kind=kind,
        happened_on=happened_on,
        text=clean_text(text, "text", required=True, empty="Say what happened."),
        recorded_by=actor_membership.user,
        recorded_at=now,
    )
    audited(
        actor_membership,
        "negotiation_event.recorded",
        event,
        after={"mandate": mandate.pk, "kind": kind, "happened_on": happened_on.isoformat()},
    )
    return event


@transaction.atomic
def mandate_outcome_record(
    *,
    actor_membership: Membership,
    mandate: Mandate,
    status: str,
    outcome: str,
    meaning: str,
    confirm_hard: bool = False,
    now: dt.datetime | None = None,
) -> Mandate:
    """End the negotiation (concluded or abandoned) with its outcome. The need closes with
    it; every practice that raised or supported the need is told; and the outcome goes to
    every practice through the golden thread (a briefing with no decision, kept on the
    mandate). `meaning` is what it means for a practice; an outcome that reads harder than
    the collective's threshold needs `confirm_hard`."""
    now = now or timezone.now()
    mandate = _open_mandate(
        actor_membership, mandate, ended="This negotiation has already ended with an outcome."
    )
    if status not in MandateEnding.values:
        raise ValidationError({"status": "Say whether the negotiation concluded or was abandoned."})
    outcome = clean_text(outcome, "outcome", required=True, empty="Say what the outcome is.")
    meaning = clean_text(
        meaning, "meaning", required=True, empty="Say what the outcome means for a practice."
    )
    need = _lock_need(mandate.need)
    mandate.status, mandate.outcome, mandate.outcome_at = status, outcome, now
    need.status, need.outcome, need.outcome_at = NeedStatus.CLOSED, outcome, now
    need.save(update_fields=["status", "outcome", "outcome_at"])
    ended = "concluded" if status == MandateStatus.CONCLUDED else "abandoned"
    _tell_practices(
        need,
        key=f"need:{need.pk}:outcome:{mandate.pk}",
        subject=f"What happened to what you raised: {need.title}",
        body=f"The negotiation with {mandate.of_whom.name} about a need your practice raised "
        f"or supported has {ended}: {need.title}.\n\nThe outcome: {outcome}\n\n"
        f"What it means for your practice: {meaning}",
        now=now,
    )
    title = f"Outcome: {need.title}"
    briefing = notice_publish(
        actor_membership=actor_membership,
        title=title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…",
        summary=outcome,
        meaning=meaning,
        source_label=f"The negotiation with {mandate.of_whom.name}",
        source_path=need_path(need),
        confirm_hard=confirm_hard,
        now=now,
    )
    mandate.briefing = briefing
    mandate.save(update_fields=["status", "outcome", "outcome_at", "briefing"])
    audited(
        actor_membership,
        f"mandate.{ended}",
        mandate,
        after={"need": need.pk, "status": status, "briefing": briefing.pk},
    )
    return mandate
