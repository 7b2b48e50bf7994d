"""Writes for agenda alignment: priorities (ours, a system organisation's, a stakeholder's)
and the overlaps where ours meet theirs.

Agendas are aligned, not fought: knowing what the ICB or a trust is trying to do, and where
that meets what general practice wants, is what the first meetings with a new key
relationship are for. Who may write what is system.access_alignment; every write is audited
(ids and our own words only: a stakeholder's name never goes into the log, so that erasing
them leaves no trace there).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from collectives.models import Membership
from decisions.access import get_decision_named
from directory.models import Organisation
from directory.selectors import organisations_visible_to
from system import access
from system import access_alignment as rules
from system.models import Overlap, Priority, PriorityOwner, Stakeholder
from system.selectors_coverage import GENERAL_PRACTICE_KINDS

TEXT_MAX = Priority._meta.get_field("text").max_length or 300
NOTE_MAX = Overlap._meta.get_field("note").max_length or 300


def logged(priority: Priority) -> Priority:
    """The priority as the audit log names it: a stakeholder's own priority is what we
    learned of them, so the log names it by id only (never saved)."""
    if priority.whose != PriorityOwner.STAKEHOLDER:
        return priority
    return Priority(pk=priority.pk, whose=priority.whose, text="A stakeholder's priority")


def logged_overlap(overlap: Overlap) -> Overlap:
    return Overlap(pk=overlap.pk, ours=logged(overlap.ours), theirs=logged(overlap.theirs))


def _clean_text(text: str, *, field: str, what: str, most: int, required: bool = True) -> str:
    text = " ".join(str(text or "").split())
    if required and not text:
        raise ValidationError({field: [f"Write {what} in a few words."]})
    if len(text) > most:
        raise ValidationError({field: [f"Keep {what} to {most} characters: it has {len(text)}."]})
    return text


def _organisation_named(membership: Membership, pk: int) -> Organisation:
    found = organisations_visible_to(user=membership.user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"organisation": [f"No organisation in the directory has id {pk}."]})
    if found.kind in GENERAL_PRACTICE_KINDS:
        raise ValidationError(
            {
                "organisation": [
                    f"{found.name} is part of general practice, not a system organisation."
                ]
            }
        )
    return found


def _stakeholder_named(membership: Membership, pk: int) -> Stakeholder:
    found = (
        access.stakeholders_in(membership)
        .filter(pk=pk, erased_at__isnull=True)
        .select_related("person", "organisation")
        .first()
    )
    if found is None:
        raise ValidationError({"stakeholder": [f"No stakeholder you can see has id {pk}."]})
    return found


@transaction.atomic
def priority_add(
    *,
    actor_membership: Membership,
    whose: str,
    text: str,
    organisation: int | None = None,
    stakeholder: int | None = None,
    decision: int | None = None,
    now: dt.datetime | None = None,
) -> Priority:
    """Add a priority: ours (optionally linked to one of the collective's decisions), a
    system organisation's, or a stakeholder's own as we learned it."""
    rules.require_sees_alignment(actor_membership)
    text = _clean_text(text, field="text", what="the priority", most=TEXT_MAX)
    found = Priority(
        collective_id=actor_membership.collective_id,
        whose=whose,
        text=text,
        added_by=actor_membership.user,
        added_at=now or timezone.now(),
    )
    if whose == PriorityOwner.COLLECTIVE:
        if organisation or stakeholder:
            raise ValidationError(
                {"whose": ["Our own priority names no organisation and no stakeholder."]}
            )
        if decision is not None:
            found.decision = get_decision_named(actor_membership, decision)
    elif whose == PriorityOwner.ORGANISATION:
        if organisation is None:
            raise ValidationError({"organisation": ["Say which organisation's priority it is."]})
        found.organisation = _organisation_named(actor_membership, organisation)
    elif whose == PriorityOwner.STAKEHOLDER:
        if stakeholder is None:
            raise ValidationError({"stakeholder": ["Say which stakeholder's priority it is."]})
        found.stakeholder = _stakeholder_named(actor_membership, stakeholder)
    else:
        raise ValidationError(
            {"whose": ["Say whose priority it is: ours, an organisation's or a stakeholder's."]}
        )
    if whose != PriorityOwner.COLLECTIVE and decision is not None:
        raise ValidationError({"decision": ["Only our own priorities link to our decisions."]})
    rules.require_changes_priority(actor_membership, found)
    found.save()
    audit_record(
        actor=actor_membership.user,
        action="system_priority.added",
        obj=logged(found),
        collective=actor_membership.collective,
        after={
            "whose": whose,
            # A stakeholder's own priority is what we learned of them: ids only in the log.
            "text": text if whose != PriorityOwner.STAKEHOLDER else None,
            "organisation": found.organisation_id,
            "stakeholder": found.stakeholder_id,
            "decision": found.decision_id,
        },
    )
    return found


@transaction.atomic
def priority_delete(*, actor_membership: Membership, priority: Priority) -> None:
    """Delete a priority, and the overlaps marked with it."""
    rules.require_changes_priority(actor_membership, priority)
    overlaps = (
        Overlap.objects.filter(ours=priority).count()
        + Overlap.objects.filter(theirs=priority).count()
    )
    before = {
        "whose": priority.whose,
        "text": priority.text if priority.whose != PriorityOwner.STAKEHOLDER else None,
        "organisation": priority.organisation_id,
        "stakeholder": priority.stakeholder_id,
        "overlaps": overlaps,
    }
    audit_record(
        actor=actor_membership.user,
        action="system_priority.deleted",
        obj=logged(priority),
        collective=actor_membership.collective,
        before=before,
    )
    priority.delete()  # its overlaps go with it


def _theirs_ok(ours: Priority, theirs: Priority) -> None:
    if ours.whose != PriorityOwner.COLLECTIVE:
        raise ValidationError({"ours": ["Choose one of our own priorities."]})
    if theirs.whose == PriorityOwner.COLLECTIVE:
        raise ValidationError(
            {"theirs": ["Choose a system organisation's or a stakeholder's priority."]}
        )


@transaction.atomic
def overlap_mark(
    *,
    actor_membership: Membership,
    ours: Priority,
    theirs: Priority,
    note: str = "",
    now: dt.datetime | None = None,
) -> Overlap:
    """Mark where our priority meets theirs, with a note of how."""
    for priority in (ours, theirs):
        if priority.collective_id != actor_membership.collective_id:
            raise ValidationError({"theirs": ["That priority is not one of this collective's."]})
    _theirs_ok(ours, theirs)
    rules.require_marks_overlap(actor_membership, theirs)
    note = _clean_text(note, field="note", what="the note", most=NOTE_MAX, required=False)
    if Overlap.objects.filter(ours=ours, theirs=theirs).exists():
        raise ValidationError(
            {"theirs": [f"“{ours.text}” is already marked as meeting that priority."]}
        )
    try:
        with transaction.atomic():
            found = Overlap.objects.create(
                ours=ours,
                theirs=theirs,
                note=note,
                marked_by=actor_membership.user,
                marked_at=now or timezone.now(),
            )
    except IntegrityError:  # marked by someone else a moment ago
        raise ValidationError(
            {"theirs": [f"“{ours.text}” is already marked as meeting that priority."]}
        ) from None
    audit_record(
        actor=actor_membership.user,
        action="system_overlap.marked",
        obj=logged_overlap(found),
        collective=actor_membership.collective,
        after={"ours": ours.pk, "theirs": theirs.pk},
    )
    return found


@transaction.atomic
def overlap_delete(*, actor_membership: Membership, overlap: Overlap) -> None:
    rules.require_marks_overlap(actor_membership, overlap.theirs)
    audit_record(
        actor=actor_membership.user,
        action="system_overlap.deleted",
        obj=logged_overlap(overlap),
        collective=actor_membership.collective,
        before={"ours": overlap.ours_id, "theirs": overlap.theirs_id},
    )
    overlap.delete()
