"""Writes for who does what: the functions, the first version of the matrix, and changes
proposed through a consensus proposal, applied once the group has decided, and then
published to every practice through the golden thread.

Rules, written once for the pages and the API:

- every member except guests reads the matrix; only a convenor changes it;
- the collective gets the standard at-scale functions on first use (once: a convenor who
  removes them all does not get them back);
- until a change has been agreed and applied, a convenor sets who does what directly (the
  matrix as it stands today); after that, every change goes through a consensus proposal;
- a change names the functions it touches and proposes who does what for each in full;
  applying it replaces those functions' cells, whatever else changed meanwhile, because
  that is what the group agreed;
- a withdrawn change is kept for the record but no longer shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from collectives.models import Collective, Membership
from decisions import services as decisions
from decisions.models import Decision, DecisionStatus, Phase, Proposal
from golden_thread import services as golden_thread
from golden_thread.models import Briefing
from shared_services import matrix_rules as rules
from shared_services import selectors_matrix as selectors
from shared_services.access import require_convenor, require_reader
from shared_services.models import (
    Function,
    MatrixCell,
    MatrixChange,
    MatrixChangeStatus,
)

STANDARD_FUNCTIONS = (
    "Extended access",
    "ARRS staff employment",
    "Estates",
    "Training hub",
    "Digital and IT",
    "Staff bank",
    "Back office",
    "Clinical governance",
    "Negotiating with the ICB",
    "LMC representation",
    "Communicating to practices",
    "Data and business intelligence",
)
SEEDED = "matrix.functions_seeded"
NAME_MAX = 200
OPEN = (MatrixChangeStatus.DRAFT, MatrixChangeStatus.PROPOSED)

Cells = list[dict[str, str]]


def _require_changer(membership: Membership) -> None:
    require_reader(membership)
    require_convenor(membership)


# Functions --------------------------------------------------------------------------------


@transaction.atomic
def matrix_functions_ensure(*, actor_membership: Membership) -> list[Function]:
    """The standard at-scale functions, made for the collective the first time anyone uses
    its matrix (and never again: the audit log remembers that they were made). Returns
    those made now."""
    require_reader(actor_membership)
    collective = Collective.objects.select_for_update().get(pk=actor_membership.collective_id)
    if (
        Function.objects.filter(collective=collective).exists()
        or AuditEntry.objects.filter(collective=collective, action=SEEDED).exists()
    ):
        return []
    made = Function.objects.bulk_create(
        [
            Function(collective=collective, name=name, position=n)
            for n, name in enumerate(STANDARD_FUNCTIONS, start=1)
        ]
    )
    audit_record(
        actor=None,  # the service's own doing, on first use, whoever looked first
        action=SEEDED,
        obj=collective,
        collective=collective,
        after={"functions": list(STANDARD_FUNCTIONS)},
    )
    return made


def _clean_name(collective_id: int, name: str, *, other_than: int | None = None) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError({"name": "Give the function a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX} characters."})
    taken = Function.objects.filter(collective_id=collective_id, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        raise ValidationError({"name": f"There is already a function called “{name}”."})
    return name


@transaction.atomic
def function_add(*, actor_membership: Membership, name: str) -> Function:
    _require_changer(actor_membership)
    collective_id = actor_membership.collective_id
    name = _clean_name(collective_id, name)
    last = Function.objects.filter(collective_id=collective_id).aggregate(n=Max("position"))["n"]
    function = Function.objects.create(
        collective_id=collective_id, name=name, position=(last or 0) + 1
    )
    audit_record(
        actor=actor_membership.user,
        action="matrix_function.added",
        obj=function,
        collective=actor_membership.collective,
        after={"name": name},
    )
    return function


@transaction.atomic
def function_rename(*, actor_membership: Membership, function: Function, name: str) -> Function:
    """Rename a function; open changes that name it follow the new name."""
    _require_changer(actor_membership)
    function = Function.objects.select_for_update().get(
        pk=function.pk, collective_id=actor_membership.collective_id
    )
    old = function.name
    name = _clean_name(actor_membership.collective_id, name, other_than=function.pk)
    if name == old:
        return function
    function.name = name
    function.save(update_fields=["name"])
    for change in MatrixChange.objects.select_for_update().filter(
        collective_id=actor_membership.collective_id, status__in=OPEN
    ):
        if any(entry.get("function") == old for entry in change.cells or []):
            change.cells = [
                {**entry, "function": name} if entry.get("function") == old else entry
                for entry in change.cells
            ]
            change.save(update_fields=["cells"])
    audit_record(
        actor=actor_membership.user,
        action="matrix_function.renamed",
        obj=function,
        collective=actor_membership.collective,
        before={"name": old},
        after={"name": name},
    )
    return function


def _open_changes_naming(collective_id: int, name: str) -> list[MatrixChange]:
    return [
        change
        for change in MatrixChange.objects.filter(collective_id=collective_id, status__in=OPEN)
        if any(entry.get("function") == name for entry in change.cells or [])
    ]


@transaction.atomic
def function_remove(*, actor_membership: Membership, function: Function) -> None:
    """Take a function off the matrix, with who did what for it. Refused while an open
    change names it: that change would otherwise be agreed about nothing."""
    _require_changer(actor_membership)
    function = Function.objects.select_for_update().get(
        pk=function.pk, collective_id=actor_membership.collective_id
    )
    naming = _open_changes_naming(actor_membership.collective_id, function.name)
    if naming:
        listed = ", ".join(f"“{c.summary}”" for c in naming)
        raise ValidationError(
            f"{function.name} is part of a change not yet applied ({listed}): withdraw the "
            "change, or take the function out of it, first."
        )
    before = {
        "name": function.name,
        "cells": selectors.roles_now(actor_membership.collective_id, [function])[function.name],
    }
    audit_record(
        actor=actor_membership.user,
        action="matrix_function.removed",
        obj=function,
        collective=actor_membership.collective,
        before=before,
    )
    function.delete()


# Cells ------------------------------------------------------------------------------------


def cells_checked(collective_id: int, cells: Iterable[Mapping[str, Any]]) -> Cells:
    """A matrix as given (entries of function name, body key and letters), checked against
    the collective's functions and bodies and written in full: for every function it names,
    one entry per body (letters "" for no part), in the order of functions and bodies.
    ValidationError on "cells" naming what is wrong."""
    functions = {f.name: f for f in selectors.functions_in(collective_id)}
    bodies = selectors.bodies_of(collective_id)
    keys = {b.key for b in bodies}
    proposed: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for entry in cells:
        function = str(entry.get("function", ""))
        body = str(entry.get("body", ""))
        if function not in functions:
            problems.append(f"There is no function called “{function}”.")
            continue
        try:
            rules.parse_body(body)
            letters = rules.roles_normalised(str(entry.get("roles", "")))
        except rules.RulesError as error:
            problems.append(str(error))
            continue
        if body not in keys:
            problems.append(f"“{body}” is not a member federation, PCN or LMC of the collective.")
            continue
        roles = proposed.setdefault(function, {})
        if body in roles:
            problems.append(f"{function} names “{body}” twice.")
            continue
        roles[body] = letters
    if problems:
        raise ValidationError({"cells": list(dict.fromkeys(problems))})
    ordered = sorted(proposed, key=lambda name: (functions[name].position, name))
    return [
        {"function": name, "body": b.key, "roles": proposed[name].get(b.key, "")}
        for name in ordered
        for b in bodies
    ]


def _as_matrix(cells: Cells) -> dict[str, dict[str, str]]:
    matrix: dict[str, dict[str, str]] = {}
    for entry in cells:
        roles = matrix.setdefault(entry["function"], {})
        if entry["roles"]:
            roles[entry["body"]] = entry["roles"]
    return matrix


def _replace_cells(collective_id: int, matrix: Mapping[str, Mapping[str, str]]) -> None:
    """Each named function's cells become the letters given, in one go."""
    functions = {
        f.name: f
        for f in Function.objects.select_for_update().filter(
            collective_id=collective_id, name__in=list(matrix)
        )
    }
    missing = sorted(set(matrix) - set(functions))
    if missing:
        raise ValidationError(
            {"cells": [f"There is no function called “{name}” any more." for name in missing]}
        )
    MatrixCell.objects.filter(function__in=list(functions.values())).delete()
    made = []
    for name, roles in matrix.items():
        for body, letters in roles.items():
            organisation_id, group = rules.parse_body(body)
            made += [
                MatrixCell(
                    function=functions[name],
                    organisation_id=organisation_id,
                    group=group,
                    role=letter,
                )
                for letter in letters
            ]
    MatrixCell.objects.bulk_create(made)


def _agreed(collective_id: int) -> bool:
    return MatrixChange.objects.filter(
        collective_id=collective_id, status=MatrixChangeStatus.APPLIED
    ).exists()


@transaction.atomic
def matrix_first_version_set(
    *, actor_membership: Membership, cells: Iterable[Mapping[str, Any]]
) -> None:
    """Set who does what directly, for the functions named: allowed only until a change has
    been agreed and applied (then every change goes through a consensus proposal)."""
    _require_changer(actor_membership)
    collective_id = actor_membership.collective_id
    Collective.objects.select_for_update().filter(pk=collective_id).first()
    if _agreed(collective_id):
        raise ValidationError(
            "The group has agreed who does what: change it through a proposal (draft a "
            "change), not directly."
        )
    checked = cells_checked(collective_id, cells)
    if not checked:
        raise ValidationError({"cells": ["Name at least one function."]})
    matrix = _as_matrix(checked)
    functions = list(selectors.functions_in(collective_id).filter(name__in=list(matrix)))
    before = selectors.roles_now(collective_id, functions)
    _replace_cells(collective_id, matrix)
    audit_record(
        actor=actor_membership.user,
        action="matrix.first_version_set",
        obj=actor_membership.collective,
        collective=actor_membership.collective,
        before={"cells": before},
        after={"cells": matrix},
    )


# Changes ----------------------------------------------------------------------------------


def _clean_summary(summary: str) -> str:
    summary = " ".join(str(summary).split())
    if not summary:
        raise ValidationError({"summary": "Say in a few words what the change is."})
    if len(summary) > NAME_MAX:
        raise ValidationError({"summary": f"Keep the summary to {NAME_MAX} characters."})
    return summary


def _current_cells(collective_id: int, functions: list[Function]) -> Cells:
    """The named functions' cells as they stand, as a change's cells."""
    now = selectors.roles_now(collective_id, functions)
    bodies = selectors.bodies_of(collective_id)
    return cells_checked(
        collective_id,
        [
            {"function": f.name, "body": b.key, "roles": now[f.name].get(b.key, "")}
            for f in functions
            for b in bodies
        ],
    )


@transaction.atomic
def matrix_change_draft(
    *,
    actor_membership: Membership,
    summary: str,
    functions: Iterable[Function] = (),
    cells: Iterable[Mapping[str, Any]] | None = None,
) -> MatrixChange:
    """Draft a change: for the functions given, starting from who does what now; or the
    cells given (the functions they name, in full)."""
    _require_changer(actor_membership)
    collective_id = actor_membership.collective_id
    summary = _clean_summary(summary)
    chosen = [f for f in functions if f.collective_id == collective_id]
    if cells is not None and list(cells):
        checked = cells_checked(collective_id, cells)
        named = {entry["function"] for entry in checked}
        extra = [f for f in chosen if f.name not in named]
        if extra:
            checked = cells_checked(
                collective_id, [*checked, *_current_cells(collective_id, extra)]
            )
    elif chosen:
        checked = _current_cells(collective_id, chosen)
    else:
        raise ValidationError({"functions": "Choose at least one function to change."})
    change = MatrixChange.objects.create(
        collective_id=collective_id,
        summary=summary,
        cells=checked,
        created_by=actor_membership.user,
    )
    audit_record(
        actor=actor_membership.user,
        action="matrix_change.drafted",
        obj=change,
        collective=actor_membership.collective,
        after={"summary": summary, "cells": checked},
    )
    return change


def _lock(change: MatrixChange, membership: Membership) -> MatrixChange:
    found = (
        MatrixChange.objects.select_for_update()
        .filter(pk=change.pk, collective_id=membership.collective_id)
        .first()
    )
    if found is None:
        raise ValidationError("No such change.")
    return found


@transaction.atomic
def matrix_change_edit(
    *,
    actor_membership: Membership,
    change: MatrixChange,
    summary: str | None = None,
    cells: Iterable[Mapping[str, Any]] | None = None,
    functions: Iterable[Function] | None = None,
) -> MatrixChange:
    """Change a draft: its summary, its cells (given in full for the functions they name),
    and which functions it touches (a function added starts from who does what now; one
    left out is dropped)."""
    _require_changer(actor_membership)
    change = _lock(change, actor_membership)
    if change.status != MatrixChangeStatus.DRAFT:
        raise ValidationError(
            f"This change is {change.get_status_display().lower()}: only a draft can be edited."
        )
    collective_id = actor_membership.collective_id
    before = {"summary": change.summary, "cells": change.cells}
    if summary is not None:
        change.summary = _clean_summary(summary)
    new_cells = list(change.cells or [])
    if cells is not None:
        new_cells = cells_checked(collective_id, cells)
    if functions is not None:
        chosen = [f for f in functions if f.collective_id == collective_id]
        if not chosen:
            raise ValidationError({"functions": "Choose at least one function to change."})
        names = {f.name for f in chosen}
        kept = [entry for entry in new_cells if entry["function"] in names]
        present = {entry["function"] for entry in kept}
        added = [f for f in chosen if f.name not in present]
        new_cells = kept + (_current_cells(collective_id, added) if added else [])
    if cells is not None or functions is not None:
        if not new_cells:
            raise ValidationError({"cells": ["Name at least one function."]})
        change.cells = cells_checked(collective_id, new_cells)
    change.save(update_fields=["summary", "cells"])
    audit_record(
        actor=actor_membership.user,
        action="matrix_change.edited",
        obj=change,
        collective=actor_membership.collective,
        before=before,
        after={"summary": change.summary, "cells": change.cells},
    )
    return change


def default_problem(change: MatrixChange) -> str:
    return (
        "Who does what across the collective needs to change, so that every body knows its "
        f"part and cannot be played off against another: {change.summary}."
    )


def proposal_text(
    collective_id: int, change: MatrixChange
) -> tuple[str, list[rules.CellChange], dict[str, str]]:
    """The proposal's text (the changes as a table of before and after, then the conflicts
    the change would leave), the changes and the bodies' names."""
    view = selectors.change_view(change, collective_id=collective_id)
    text = [
        f"Who does what changes for {len(view.proposed)} "
        f"function{'s' if len(view.proposed) != 1 else ''}:",
        "",
        rules.changes_markdown(view.differences, view.names),
        "",
        "R is Responsible (does the work), A Accountable (answers for it: one body only), "
        "C Consulted (asked before) and I Informed (told after).",
    ]
    if view.conflicts:
        text += ["", "Conflicts this change would leave:", ""]
        text += [f"- {rules.markdown_text(c.message)}" for c in view.conflicts]
    return "\n".join(text), view.differences, view.names


@transaction.atomic
def matrix_change_propose(
    *, actor_membership: Membership, change: MatrixChange, problem: str = ""
) -> Proposal:
    """Put a draft to the group: a consensus proposal (decisions) whose text lists the
    changes as a table of before and after, linked to the change."""
    _require_changer(actor_membership)
    change = _lock(change, actor_membership)
    if change.status != MatrixChangeStatus.DRAFT:
        raise ValidationError(
            f"This change is {change.get_status_display().lower()}: only a draft can be proposed."
        )
    text, differences, names = proposal_text(actor_membership.collective_id, change)
    if not differences:
        raise ValidationError(
            "This change changes nothing yet: tick who does what differently, then propose it."
        )
    proposal = decisions.proposal_create(
        actor_membership=actor_membership,
        title=f"Who does what: {change.summary}"[:NAME_MAX],
        problem=problem.strip() or default_problem(change),
        text=text,
        changes_for_practices="\n".join(rules.changes_sentences(differences, names)),
    )
    change.proposal = proposal
    change.status = MatrixChangeStatus.PROPOSED
    change.save(update_fields=["proposal", "status"])
    audit_record(
        actor=actor_membership.user,
        action="matrix_change.proposed",
        obj=change,
        collective=actor_membership.collective,
        before={"status": MatrixChangeStatus.DRAFT},
        after={"status": change.status, "proposal": proposal.pk},
    )
    return proposal


def briefing_text(collective_id: int, change: MatrixChange) -> tuple[str, str]:
    """What the briefing says by default: the decision's summary, and what changes for
    practices (each change as a sentence)."""
    decision = selectors.decision_of(change)
    view = selectors.change_view(change, collective_id=collective_id)
    sentences = rules.changes_sentences(view.differences, view.names)
    if not sentences and change.proposal is not None:
        sentences = [
            line
            for line in decisions.current_version(
                change.proposal
            ).changes_for_practices.splitlines()
            if line.strip()
        ]
    meaning = "\n".join(
        [
            "Who does what has changed. This is now the agreed way:",
            *(f"- {s}" for s in sentences),
            "Ask the body that is Responsible when you need this done.",
        ]
    )
    return (decision.summary if decision else change.summary), meaning


@transaction.atomic
def matrix_change_apply(
    *,
    actor_membership: Membership,
    change: MatrixChange,
    briefing_summary: str = "",
    briefing_meaning: str = "",
    confirm_hard: bool = False,
    now: dt.datetime | None = None,
) -> MatrixChange:
    """The group has decided: the change's functions take the agreed cells (in one
    transaction), the change is applied, and the decision's briefing (the one already
    written for it, or one written now) is published to every practice. A proposal with
    no recorded decision cannot be applied."""
    _require_changer(actor_membership)
    now = now or timezone.now()
    change = _lock(change, actor_membership)
    if change.status != MatrixChangeStatus.PROPOSED or change.proposal_id is None:
        raise ValidationError(
            f"This change is {change.get_status_display().lower()}: only a proposed change "
            "whose decision is recorded can be applied."
        )
    proposal = Proposal.objects.get(pk=change.proposal_id)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is None:
        raise ValidationError(
            f"The proposal “{proposal.title}” has no recorded decision yet "
            f"({proposal.get_phase_display().lower()}): the group must reach consensus and "
            "the decision be recorded before the change is applied."
        )
    if decision.status != DecisionStatus.IN_FORCE:
        raise ValidationError(
            f"The decision “{decision.title}” is {decision.get_status_display().lower()}: "
            "it cannot be applied."
        )
    summary, meaning = briefing_text(actor_membership.collective_id, change)
    proposed = selectors.change_cells(change)
    cells = cells_checked(actor_membership.collective_id, list(change.cells or []))
    matrix = _as_matrix(cells)
    functions = list(
        selectors.functions_in(actor_membership.collective_id).filter(name__in=list(proposed))
    )
    before = selectors.roles_now(actor_membership.collective_id, functions)
    _replace_cells(actor_membership.collective_id, matrix)
    change.status = MatrixChangeStatus.APPLIED
    change.applied_at = now
    change.save(update_fields=["status", "applied_at"])
    briefing = Briefing.objects.filter(decision=decision).first()
    if briefing is None:
        briefing = golden_thread.briefing_save(
            actor_membership=actor_membership,
            decision=decision,
            summary=briefing_summary.strip() or summary,
            meaning=briefing_meaning.strip() or meaning,
        )
    if not briefing.is_published:
        golden_thread.briefing_publish(
            actor_membership=actor_membership, briefing=briefing, confirm_hard=confirm_hard, now=now
        )
    audit_record(
        actor=actor_membership.user,
        action="matrix_change.applied",
        obj=change,
        collective=actor_membership.collective,
        before={"status": MatrixChangeStatus.PROPOSED, "cells": before},
        after={
            "status": change.status,
            "cells": matrix,
            "decision": decision.pk,
            "briefing": briefing.pk,
        },
    )
    return change


@transaction.atomic
def matrix_change_withdraw(*, actor_membership: Membership, change: MatrixChange) -> MatrixChange:
    """Withdraw a draft or proposed change (its proposal too, while it is being worked)."""
    _require_changer(actor_membership)
    change = _lock(change, actor_membership)
    if change.status not in OPEN:
        raise ValidationError(
            f"This change is {change.get_status_display().lower()}: only a draft or a "
            "proposed change can be withdrawn."
        )
    before = {"status": change.status}
    if change.proposal_id is not None:
        proposal = Proposal.objects.get(pk=change.proposal_id)
        if Phase.WITHDRAWN in decisions.MOVES.get(Phase(proposal.phase), set()):
            decisions.proposal_move(
                actor_membership=actor_membership, proposal=proposal, phase=Phase.WITHDRAWN
            )
    change.status = MatrixChangeStatus.WITHDRAWN
    change.save(update_fields=["status"])
    audit_record(
        actor=actor_membership.user,
        action="matrix_change.withdrawn",
        obj=change,
        collective=actor_membership.collective,
        before=before,
        after={"status": change.status},
    )
    return change
