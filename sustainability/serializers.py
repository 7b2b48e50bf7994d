"""What goes in and comes out of the sustainability API (sustainability.api).

Outputs read plain dicts built by the API from sustainability.selectors' rows, or import runs
fetched by sustainability.access, so no serializer runs a query of its own.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import choice_output_field, inline_enum
from sustainability.models import ImportStatus
from sustainability.selectors import INDICATORS

_PERIOD = re.compile(r"20\d\d-\d\d")
_INDICATOR_CHOICES = [(i.key, i.label) for i in INDICATORS]


@extend_schema_field(inline_enum(_INDICATOR_CHOICES))
class IndicatorField(serializers.CharField):
    """Which figure: one of the indicators' keys."""


ImportStatusOutField = choice_output_field(ImportStatus)


class PracticeFigureFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Only the practices whose name, ODS code or PCN has this text.",
    )


class FigureOutput(serializers.Serializer):
    indicator = IndicatorField()
    label = serializers.CharField()  # type: ignore[assignment]  # the output's key
    unit = serializers.CharField()
    period = serializers.CharField(
        help_text="The latest period England has for the figure: a financial year (2022-23), "
        "a month (2023-09), a year (2019), or two of them for a change (2021-01 to 2022-23)."
    )
    value = serializers.FloatField(allow_null=True, help_text="Null: not published.")


class PracticeFiguresOutput(serializers.Serializer):
    """A member practice with its figures at each figure's latest period."""

    organisation = serializers.IntegerField(help_text="The practice's directory id.")
    name = serializers.CharField()
    ods_code = serializers.CharField(help_text="Empty for a practice without one.")
    pcn = serializers.IntegerField(allow_null=True, help_text="Its PCN's directory id.")
    pcn_name = serializers.CharField()
    contract_type = serializers.CharField(help_text="GMS, PMS or APMS; empty when not known.")
    dispensing = serializers.CharField()
    rurality = serializers.CharField()
    practice_type = serializers.CharField()
    profile_period = serializers.CharField(
        help_text="The financial year the contract, dispensing and rurality are of."
    )
    figures = FigureOutput(many=True)


class ComparisonOutput(serializers.Serializer):
    """One figure: the practice's, its PCN's, the collective's and England's, with England's
    spread over its practices (the spine chart's figures)."""

    indicator = IndicatorField()
    label = serializers.CharField()  # type: ignore[assignment]  # the output's key
    unit = serializers.CharField()
    period = serializers.CharField()
    practice = serializers.FloatField(allow_null=True)
    pcn = serializers.FloatField(allow_null=True)
    collective = serializers.FloatField(allow_null=True)
    england = serializers.FloatField(allow_null=True)
    england_count = serializers.IntegerField(help_text="England's practices in its spread.")
    england_lowest = serializers.FloatField(allow_null=True)
    england_25th_percentile = serializers.FloatField(allow_null=True)
    england_median = serializers.FloatField(allow_null=True)
    england_75th_percentile = serializers.FloatField(allow_null=True)
    england_highest = serializers.FloatField(allow_null=True)
    against_england = serializers.CharField(
        help_text="higher, lower or similar (within the middle half of England's practices); "
        "empty without a spine."
    )
    reason = serializers.CharField()


class HistoryFigureOutput(serializers.Serializer):
    indicator = IndicatorField()
    value = serializers.FloatField(allow_null=True)


class HistoryOutput(serializers.Serializer):
    period = serializers.CharField()
    figures = HistoryFigureOutput(many=True)


class PracticeFigureDetailOutput(PracticeFiguresOutput):
    """A member practice against its PCN, the collective and England, and its figures in
    every period published."""

    comparisons = ComparisonOutput(many=True)
    history = HistoryOutput(many=True)


# Imports ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent in the request body: the schema says binary, as for any upload."""


class PracticeImportInput(serializers.Serializer):
    file = UploadField(
        help_text="A national file (CSV): NHS Payments to General Practice, Patients "
        "Registered at a GP Practice (the totals file), GP Workforce at practice level, or a "
        "Fingertips export for GP practices."
    )
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=7,
        help_text="Only for a file whose name does not say its period: 2022-23, or 2023-09.",
    )

    def validate_period(self, value: str) -> str:
        value = value.strip()
        if value and not _PERIOD.fullmatch(value):
            raise serializers.ValidationError(
                "Give a financial year such as 2022-23, or a month such as 2023-09."
            )
        return value


class ImportFileOutput(serializers.Serializer):
    name = serializers.CharField()
    publication = serializers.CharField()
    period = serializers.CharField()
    rows = serializers.IntegerField()
    practices = serializers.IntegerField()


class ProgressOutput(serializers.Serializer):
    stage = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class PracticeImportOutput(serializers.Serializer):
    """An import a convenor of the collective started: its status, and once it has finished,
    what it read and what it changed (or the error, naming the file, row and column)."""

    id = serializers.IntegerField()
    status = ImportStatusOutField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    started_by = serializers.CharField(allow_null=True, help_text="Their e-mail address.")
    files = ImportFileOutput(many=True)
    added = serializers.IntegerField(allow_null=True)
    changed = serializers.IntegerField(allow_null=True)
    unchanged = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    progress = ProgressOutput(allow_null=True, help_text="While it runs.")

    def to_representation(self, instance: Any) -> Any:
        counts = instance.counts or {}
        data = {
            "id": instance.pk,
            "status": instance.status,
            "started_at": instance.started_at,
            "finished_at": instance.finished_at,
            "started_by": instance.user.email if instance.user else None,
            "files": instance.files or [],
            "added": counts.get("created"),
            "changed": counts.get("changed"),
            "unchanged": counts.get("unchanged"),
            "error": instance.error,
            "progress": getattr(instance, "progress", None),
        }
        return super().to_representation(data)
