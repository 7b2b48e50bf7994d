"""What goes in and comes out of the coverage, grid and key organisations API
(system.api.coverage). Outputs are built from the pure rules' values (system.coverage), so
no serializer runs a query."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import IdField, choice_output_field, inline_enum
from directory.models import OrganisationKind
from system import coverage as rules
from system.services_coverage import MOST_KEY_ORGANISATIONS

QUADRANTS = [(q.value, rules.QUADRANT_NAMES[q]) for q in rules.QUADRANT_ORDER]
QuadrantOutField = choice_output_field(QUADRANTS, blank="not assessed yet")
CoverageStatusField = choice_output_field(
    [
        (rules.Status.COVERED.value, "A warm key relationship that holds sway covers it"),
        (rules.Status.GAP.value, "No warm key relationship that holds sway there"),
        (rules.Status.UNKNOWN.value, "A default kind where we know no organisation yet"),
    ]
)
KindOutField = choice_output_field(OrganisationKind)


class CoverageOrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KeyOrganisationOutput(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 first.")
    kind = KindOutField()
    organisation = CoverageOrganisationRef(
        allow_null=True, help_text="Null: a default kind where we know no organisation yet."
    )


class KeyOrganisationsOutput(serializers.Serializer):
    is_default = serializers.BooleanField(
        help_text="True until a convenor sets them: the defaults are one organisation of each "
        "kind (ICB, community trust, acute trust, council, public health) where we know "
        "someone."
    )
    organisations = KeyOrganisationOutput(many=True)


class KeyOrganisationsInput(serializers.Serializer):
    organisations = serializers.ListField(
        child=IdField(),
        max_length=MOST_KEY_ORGANISATIONS,
        allow_empty=True,
        help_text="The directory ids of the key organisations, in order; empty to go back to "
        "the defaults.",
    )


def key_organisations_data(found: Any) -> dict[str, Any]:
    return {
        "is_default": found.is_default,
        "organisations": [
            {
                "position": n,
                "kind": slot.kind,
                "organisation": {"id": slot.organisation_id, "name": slot.organisation_name}
                if slot.organisation_id is not None
                else None,
            }
            for n, slot in enumerate(found.slots, start=1)
        ],
    }


class CoverageReadingOutput(serializers.Serializer):
    warmth = serializers.IntegerField(help_text="1 frosty to 5 warm.")
    sway = serializers.IntegerField(help_text="1 to 5: how far their word turns into action.")
    assessed_on = serializers.DateField(source="on")


class CoveragePersonOutput(serializers.Serializer):
    stakeholder = serializers.IntegerField(source="stakeholder_id")
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    current = CoverageReadingOutput(allow_null=True, help_text="Null until assessed.")
    owners = serializers.ListField(
        child=serializers.CharField(),
        help_text="The GP leaders who hold a key relationship with them.",
    )


class CoverageNotCoveringOutput(serializers.Serializer):
    person = CoveragePersonOutput()
    why = serializers.CharField(help_text="Why it does not cover the organisation.")


class CoverageSuggestionOutput(serializers.Serializer):
    person = CoveragePersonOutput()
    reason = serializers.CharField()
    worth_more = serializers.CharField(
        help_text="“The Director of Strategy may be worth more than the Chief Executive”, when "
        "they hold more sway than every key relationship there; else empty."
    )


class CoverageRowOutput(serializers.Serializer):
    kind = KindOutField()
    organisation = CoverageOrganisationRef(allow_null=True)
    status = CoverageStatusField()
    message = serializers.CharField()
    covered_by = CoveragePersonOutput(many=True)
    not_covering = CoverageNotCoveringOutput(many=True)
    suggestions = CoverageSuggestionOutput(
        many=True, help_text="For a gap: the other people known there, best first."
    )


class CoverageOutput(serializers.Serializer):
    is_default = serializers.BooleanField()
    everyone = serializers.BooleanField(
        help_text="False for an owner outside the leadership group, who sees only their own "
        "stakeholders."
    )
    covered = serializers.IntegerField()
    gaps = serializers.IntegerField()
    organisations = CoverageRowOutput(many=True)


def coverage_data(view: Any) -> dict[str, Any]:
    return {
        "is_default": view.is_default,
        "everyone": view.everyone,
        "covered": len(view.rows) - len(view.gaps),
        "gaps": len(view.gaps),
        "organisations": [
            {
                "kind": row.slot.kind,
                "organisation": {"id": row.slot.organisation_id, "name": row.slot.organisation_name}
                if row.slot.organisation_id is not None
                else None,
                "status": row.status.value,
                "message": row.message,
                "covered_by": row.covered_by,
                "not_covering": [{"person": p, "why": why} for p, why in row.not_covering],
                "suggestions": row.suggestions,
            }
            for row in view.rows
        ],
    }


class GridMovementOutput(serializers.Serializer):
    warmth = serializers.IntegerField(help_text="Up (positive) or down since the one before.")
    sway = serializers.IntegerField()
    since = serializers.DateField(help_text="When the assessment before was made.")


class GridItemOutput(serializers.Serializer):
    stakeholder = serializers.IntegerField(source="person.stakeholder_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField(source="person.role")
    organisation = CoverageOrganisationRef(source="organisation_ref")
    current = CoverageReadingOutput(source="person.current", allow_null=True)
    quadrant = QuadrantOutField(source="quadrant_value")
    movement = GridMovementOutput(allow_null=True, help_text="Null until assessed twice.")
    movement_words = serializers.CharField(help_text="“warmer by 1 since 3 March”.")
    owners = serializers.ListField(child=serializers.CharField(), source="person.owners")


def grid_item(placed: rules.Placement) -> dict[str, Any]:
    return {
        "person": placed.person,
        "organisation_ref": {
            "id": placed.person.organisation_id,
            "name": placed.person.organisation_name,
        },
        "quadrant_value": placed.quadrant.value if placed.quadrant else "",
        "movement": placed.movement,
        "movement_words": placed.movement_words,
    }


QUADRANT_FILTER = [*QUADRANTS, ("unassessed", "Not assessed yet")]


@extend_schema_field(inline_enum(QUADRANT_FILTER))
class QuadrantFilterField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=QUADRANT_FILTER, **kwargs)


class GridFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Part of a name, role, organisation or owner."
    )
    organisation = IdField(required=False, help_text="Only the people at this organisation.")
    quadrant = QuadrantFilterField(required=False, help_text="Only the people in this quadrant.")
