"""Reads for who does what: the bodies (columns), the matrix with its conflicts, and the
changes. Each runs a fixed number of queries, however many functions and bodies there are:
the bodies one, the matrix three more (functions, cells, whether it was ever agreed), the
changes one per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from collectives.models import CollectiveOrganisation
from directory.models import OrganisationKind
from golden_thread.models import Briefing
from shared_services import matrix_rules as rules
from shared_services.models import (
    BodyGroup,
    Function,
    MatrixCell,
    MatrixChange,
    MatrixChangeStatus,
)

#: The kinds of member organisation that are bodies of the matrix, in the order of columns.
BODY_KINDS = (OrganisationKind.FEDERATION, OrganisationKind.PCN, OrganisationKind.LMC)

#: The changes listed on the page (a withdrawn change is kept, for the record, but not shown).
LISTED = (MatrixChangeStatus.DRAFT, MatrixChangeStatus.PROPOSED, MatrixChangeStatus.APPLIED)


@dataclass(frozen=True)
class Body:
    key: str  # "org:<id>", "practices" or "leadership"
    name: str
    kind: str  # what it is, in words
    organisation_id: int | None = None

    @property
    def slot(self) -> str:
        """The body's key as it may go in a form field's name: "o12", "practices"."""
        return f"o{self.organisation_id}" if self.organisation_id else self.key


def bodies_of(collective_id: int) -> list[Body]:
    """The collective's member federations, PCNs and LMCs (in that order, each by name),
    then the practices and the leadership group. One query."""
    members = CollectiveOrganisation.objects.filter(
        collective_id=collective_id, organisation__kind__in=BODY_KINDS
    ).select_related("organisation")
    labels = dict(OrganisationKind.choices)
    order: dict[str, int] = {str(kind): n for n, kind in enumerate(BODY_KINDS)}
    found = sorted(
        members, key=lambda m: (order[m.organisation.kind], m.name.casefold(), m.organisation_id)
    )
    return [
        *(
            Body(
                key=rules.organisation_key(m.organisation_id),
                name=m.name,
                kind=str(labels[m.organisation.kind]),
                organisation_id=m.organisation_id,
            )
            for m in found
        ),
        Body(key=BodyGroup.PRACTICES, name=str(BodyGroup.PRACTICES.label), kind="Group"),
        Body(key=BodyGroup.LEADERSHIP, name=str(BodyGroup.LEADERSHIP.label), kind="Group"),
    ]


def body_names(bodies: list[Body]) -> dict[str, str]:
    return {body.key: body.name for body in bodies}


def functions_in(collective_id: int) -> QuerySet[Function]:
    return Function.objects.filter(collective_id=collective_id).order_by("position", "name", "id")


def cell_key(cell: MatrixCell) -> str:
    if cell.organisation_id is not None:
        return rules.organisation_key(cell.organisation_id)
    return cell.group


def roles_now(collective_id: int, functions: list[Function]) -> dict[str, dict[str, str]]:
    """The matrix as it stands (function name -> body key -> letters), every function
    present, for the functions given. One query."""
    by_id = {f.pk: f.name for f in functions}
    letters: dict[str, dict[str, set[str]]] = {f.name: {} for f in functions}
    cells = MatrixCell.objects.filter(
        function__collective_id=collective_id, function_id__in=list(by_id)
    ).values_list("function_id", "organisation_id", "group", "role")
    for function_id, organisation_id, group, role in cells:
        key = rules.organisation_key(organisation_id) if organisation_id else group
        letters[by_id[function_id]].setdefault(key, set()).add(role)
    return {
        name: {key: rules.roles_normalised(given) for key, given in roles.items()}
        for name, roles in letters.items()
    }


@dataclass
class Row:
    function: Function
    cells: list[tuple[Body, str]]  # each body (in column order) and its letters
    conflicts: list[rules.Conflict]


@dataclass
class MatrixView:
    bodies: list[Body]
    rows: list[Row]  # the functions shown (all, or those matching a search)
    conflicts: list[rules.Conflict]  # every function's, whatever the search
    agreed: bool  # a change has been agreed and applied at least once
    functions: list[Function] = field(default_factory=list)  # every function
    roles: dict[str, dict[str, str]] = field(default_factory=dict)  # every function's

    @property
    def names(self) -> dict[str, str]:
        return body_names(self.bodies)


def matrix_for(collective_id: int, *, q: str = "") -> MatrixView:
    """The matrix with its conflicts. Cells of an organisation that is no longer a body (it
    left the collective) are not shown, and do not count. Four queries."""
    bodies = bodies_of(collective_id)
    functions = list(functions_in(collective_id))
    current = roles_now(collective_id, functions)
    keys = [b.key for b in bodies]
    shown = {
        name: {key: roles[key] for key in keys if roles.get(key)} for name, roles in current.items()
    }
    names = body_names(bodies)
    rows = []
    everything = []
    wanted = q.strip().casefold()
    for function in functions:
        roles = shown[function.name]
        found = rules.function_conflicts(function.name, roles, names)
        everything += found
        if not wanted or wanted in function.name.casefold():
            rows.append(
                Row(
                    function=function,
                    cells=[(b, roles.get(b.key, "")) for b in bodies],
                    conflicts=found,
                )
            )
    agreed = MatrixChange.objects.filter(
        collective_id=collective_id, status=MatrixChangeStatus.APPLIED
    ).exists()
    return MatrixView(
        bodies=bodies,
        rows=rows,
        conflicts=everything,
        agreed=agreed,
        functions=functions,
        roles=shown,
    )


def matrix_rows_for_export(view: MatrixView) -> list[list[Any]]:
    """The table as a spreadsheet: a header, then a row per function with each body's
    letters ("R, A") and the function's conflicts in words."""
    rows: list[list[Any]] = [["Function", *(b.name for b in view.bodies), "Conflicts"]]
    for row in view.rows:
        rows.append(
            [
                row.function.name,
                *(", ".join(letters) for _, letters in row.cells),
                " ".join(c.message for c in row.conflicts),
            ]
        )
    return rows


# Changes ----------------------------------------------------------------------------------


def changes_in(collective_id: int, *, status: str = "") -> QuerySet[MatrixChange]:
    """The collective's changes, newest first, with their proposal and its decision (one
    query); a withdrawn one only when asked for by status."""
    found = MatrixChange.objects.filter(collective_id=collective_id).select_related(
        "proposal", "proposal__decision", "created_by"
    )
    if status:
        return found.filter(status=status)
    return found.filter(status__in=LISTED)


def decision_of(change: MatrixChange) -> Any:
    """The decision recorded on the change's proposal, or None."""
    if change.proposal is None:
        return None
    try:
        return change.proposal.decision
    except ObjectDoesNotExist:
        return None


def briefing_of(decision: Any) -> Any:
    """The golden-thread briefing of a change's decision, if one was written."""
    if decision is None:
        return None
    return Briefing.objects.filter(decision=decision).first()


def change_cells(change: MatrixChange) -> dict[str, dict[str, str]]:
    """The matrix the change proposes (function name -> body key -> letters), for the
    functions it names, in the order it names them."""
    proposed: dict[str, dict[str, str]] = {}
    for entry in change.cells or []:
        roles = proposed.setdefault(str(entry.get("function", "")), {})
        letters = str(entry.get("roles", ""))
        if letters:
            roles[str(entry.get("body", ""))] = letters
    return proposed


@dataclass
class ChangeView:
    change: MatrixChange
    bodies: list[Body]
    proposed: dict[str, dict[str, str]]  # the functions it names, as it would leave them
    differences: list[rules.CellChange]
    conflicts: list[rules.Conflict]  # those the functions it names would have
    decision: Any
    names: dict[str, str]

    def grid(self) -> list[tuple[str, list[tuple[Body, str]]]]:
        """The functions it names, each with every body's letters after the change."""
        return [
            (function, [(b, roles.get(b.key, "")) for b in self.bodies])
            for function, roles in self.proposed.items()
        ]


def change_view(change: MatrixChange, *, collective_id: int) -> ChangeView:
    """A change with what it would alter and the conflicts it would leave. For an applied
    change, "before" is what it replaced as far as the matrix now shows it: the change
    itself (the cells no longer differ). Three queries."""
    bodies = bodies_of(collective_id)
    names = body_names(bodies)
    proposed = change_cells(change)
    functions = list(functions_in(collective_id).filter(name__in=list(proposed)))
    current = roles_now(collective_id, functions)
    for entry in change.cells or []:  # a body that left: still named, by its key
        names.setdefault(str(entry.get("body", "")), str(entry.get("body", "")))
    return ChangeView(
        change=change,
        bodies=bodies,
        proposed=proposed,
        differences=rules.changes_between(current, proposed),
        conflicts=rules.conflicts(proposed, names),
        decision=decision_of(change),
        names=names,
    )
