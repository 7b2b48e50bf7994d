"""What goes in and comes out of the who-does-what API (shared_services.api.matrix).

Outputs are built from the selectors' views (shared_services.selectors_matrix) or from
changes fetched with their proposal and decision, so no serializer runs a query of its own.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import MAX_LISTED, TEXT_MAX
from shared_services import matrix_rules as rules
from shared_services.models import MatrixChangeStatus
from shared_services.selectors_matrix import decision_of

ChangeStatusOutField = choice_output_field(MatrixChangeStatus)
ChangeStatusField = choice_field(MatrixChangeStatus)
ConflictKindField = choice_output_field(list(rules.CONFLICT_KINDS.items()))

BODY_PATTERN = r"^(org:[1-9][0-9]{0,17}|practices|leadership)$"
BODY_HELP = (
    "A body: “org:<id>” (a member federation, PCN or LMC, by its directory id), “practices” "
    "or “leadership”."
)
ROLES_HELP = (
    "The letters of the body's part, in any order: R (Responsible), A (Accountable), "
    "C (Consulted), I (Informed); empty for no part."
)


class _Text(serializers.CharField):
    """A string and nothing else (a number is refused, not turned into its digits): inside
    a list, where alliance.api.valid_input does not look."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


# Outputs ----------------------------------------------------------------------------------


class MatrixBodyOutput(serializers.Serializer):
    key = serializers.CharField(help_text=BODY_HELP)
    name = serializers.CharField()
    kind = serializers.CharField(help_text="What the body is, in words.")
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="The directory id; null for a group."
    )


class MatrixFunctionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    position = serializers.IntegerField()


class MatrixConflictOutput(serializers.Serializer):
    function = serializers.CharField()
    kind = ConflictKindField()
    message = serializers.CharField(help_text="What is wrong, in plain English.")
    bodies = serializers.ListField(
        child=serializers.CharField(),
        help_text="The Accountable bodies, when there are two or more.",
    )


class MatrixCellOutput(serializers.Serializer):
    body = serializers.CharField(help_text=BODY_HELP)
    roles = serializers.CharField(help_text="R, A, C and I, in that order; empty for no part.")
    words = serializers.CharField(help_text="The letters in words: “Responsible and Accountable”.")


class MatrixRowOutput(serializers.Serializer):
    function = MatrixFunctionOutput()
    cells = MatrixCellOutput(many=True, help_text="One per body, in the order of the bodies.")
    conflicts = MatrixConflictOutput(many=True)


class MatrixOutput(serializers.Serializer):
    agreed = serializers.BooleanField(
        help_text="Whether a change has been agreed and applied: until then a convenor may set "
        "who does what directly (PUT); after, every change goes through a proposal."
    )
    bodies = MatrixBodyOutput(many=True)
    rows = MatrixRowOutput(many=True)
    conflicts = MatrixConflictOutput(many=True)


def matrix_data(view: Any) -> dict[str, Any]:
    return {
        "agreed": view.agreed,
        "bodies": view.bodies,
        "rows": [
            {
                "function": row.function,
                "cells": [
                    {"body": body.key, "roles": letters, "words": rules.roles_words(letters)}
                    for body, letters in row.cells
                ],
                "conflicts": row.conflicts,
            }
            for row in view.rows
        ],
        "conflicts": view.conflicts,
    }


class MatrixProposalRefOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    phase = serializers.CharField(help_text="Where the proposal stands (decisions).")


class MatrixDecisionRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class MatrixChangeCellOutput(serializers.Serializer):
    function = serializers.CharField()
    body = serializers.CharField(help_text=BODY_HELP)
    roles = serializers.CharField(help_text=ROLES_HELP)


class MatrixChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    summary = serializers.CharField()
    status = ChangeStatusOutField()
    cells = MatrixChangeCellOutput(
        many=True,
        help_text="Who would do what for each function the change names, one entry per body.",
    )
    proposal = MatrixProposalRefOutput(
        allow_null=True, help_text="The consensus proposal, once proposed."
    )
    decision = MatrixDecisionRef(allow_null=True, help_text="The group's decision, once recorded.")
    created_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)


def change_data(change: Any) -> dict[str, Any]:
    """A change (fetched with its proposal and decision) as MatrixChangeOutput reads it."""
    return {
        "id": change.pk,
        "summary": change.summary,
        "status": change.status,
        "cells": change.cells or [],
        "proposal": change.proposal,
        "decision": decision_of(change),
        "created_at": change.created_at,
        "applied_at": change.applied_at,
    }


class MatrixDifferenceOutput(serializers.Serializer):
    function = serializers.CharField()
    body = serializers.CharField(help_text=BODY_HELP)
    body_name = serializers.CharField()
    before = serializers.CharField(help_text=ROLES_HELP)
    after = serializers.CharField(help_text=ROLES_HELP)


class MatrixChangeDetailOutput(MatrixChangeOutput):
    differences = MatrixDifferenceOutput(
        many=True,
        help_text="What it would change in the matrix as it stands (empty once applied).",
    )
    conflicts = MatrixConflictOutput(
        many=True, help_text="The conflicts the functions it names would have after it."
    )


def change_detail_data(view: Any) -> dict[str, Any]:
    return {
        **change_data(view.change),
        "differences": [
            {
                "function": d.function,
                "body": d.body,
                "body_name": view.names.get(d.body, d.body),
                "before": d.before,
                "after": d.after,
            }
            for d in view.differences
        ],
        "conflicts": view.conflicts,
    }


# Inputs -----------------------------------------------------------------------------------


class MatrixCellInput(serializers.Serializer):
    function = _Text(max_length=200, help_text="The function's name.")
    body = serializers.RegexField(BODY_PATTERN, max_length=24, help_text=BODY_HELP)
    roles = serializers.RegexField(
        r"^[RACIraci]{0,4}$", max_length=4, allow_blank=True, help_text=ROLES_HELP
    )


class MatrixInput(serializers.Serializer):
    cells = serializers.ListField(
        child=MatrixCellInput(),
        min_length=1,
        max_length=MAX_LISTED,
        help_text="Who does what for each function named, in full (a body left out has no part).",
    )


class MatrixFunctionInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class MatrixFunctionFilter(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Part of the name.")


class MatrixChangeFilter(serializers.Serializer):
    status = ChangeStatusField(
        required=False, help_text="Only changes in this state (withdrawn ones only when asked)."
    )


class MatrixChangeInput(serializers.Serializer):
    summary = serializers.CharField(max_length=200)
    functions = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=MAX_LISTED,
        help_text="The functions it changes, each starting from who does what now.",
    )
    cells = serializers.ListField(
        child=MatrixCellInput(),
        required=False,
        max_length=MAX_LISTED,
        help_text="Who would do what for the functions named, in full.",
    )


class MatrixChangePatchInput(serializers.Serializer):
    summary = serializers.CharField(max_length=200, required=False)
    functions = serializers.ListField(
        child=IdField(),
        required=False,
        min_length=1,
        max_length=MAX_LISTED,
        help_text="The functions it changes: one added starts from who does what now; one "
        "left out is dropped.",
    )
    cells = serializers.ListField(
        child=MatrixCellInput(),
        required=False,
        min_length=1,
        max_length=MAX_LISTED,
        help_text="Who would do what for the functions named, in full.",
    )


class MatrixProposeInput(serializers.Serializer):
    problem = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="Why change who does what (a sentence is written if left out).",
    )


class MatrixApplyInput(serializers.Serializer):
    confirm_hard = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Publish the briefing although it reads harder than the collective's threshold.",
    )
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="The briefing's plain-English summary (the decision's, if left out). Not "
        "used when the decision's briefing is already written.",
    )
    meaning = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="What it means for a practice (the changes, each in a sentence, if left out).",
    )
