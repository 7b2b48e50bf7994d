"""Writes for agenda alignment: priorities (ours, a system organisation's, a stakeholder's)
and the overlaps where ours meet theirs.

Agendas are aligned, not fought: knowing what the ICB or a trust is trying to do, and where
that meets what general practice wants, is what the first meetings with a new key
relationship are for. Who may write what is system.access; every write is audited
(ids and our own words only: a stakeholder's name never goes into the log, so that erasing
them leaves no trace there).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from collectives.models import Membership
from decisions.access import get_decision_named
from directory.models import Organisation
from directory.selectors import organisations_visible_to
from system import access
from system.models import Overlap, Priority, PriorityOwner, Stakeholder
from system.selectors_coverage import GENERAL_PRACTICE_KINDS
from system.services_common import audited
from system.text import clean_text

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
    access.require_sees_alignment(actor_membership)
    text = clean_text(
        text,
        "text",
        required=True,
        most=TEXT_MAX,
        what="the priority",
        empty="Write the priority in a few words.",
        one_line=True,
    )
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
    access.require_changes_priority(actor_membership, found)
    found.save()
    audited(
        actor_membership,
        "system_priority.added",
        logged(found),
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
    access.require_changes_priority(actor_membership, priority)
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
    audited(actor_membership, "system_priority.deleted", logged(priority), before=before)
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
    access.require_marks_overlap(actor_membership, theirs)
    note = clean_text(note, "note", most=NOTE_MAX, what="the note", one_line=True)
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
    audited(
        actor_membership,
        "system_overlap.marked",
        logged_overlap(found),
        after={"ours": ours.pk, "theirs": theirs.pk},
    )
    return found


@transaction.atomic
def overlap_delete(*, actor_membership: Membership, overlap: Overlap) -> None:
    access.require_marks_overlap(actor_membership, overlap.theirs)
    audited(
        actor_membership,
        "system_overlap.deleted",
        logged_overlap(overlap),
        before={"ours": overlap.ours_id, "theirs": overlap.theirs_id},
    )
    overlap.delete()
