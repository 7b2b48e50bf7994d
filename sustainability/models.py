"""The national practice-level figures (payments, registrations, workforce, Fingertips),
stored per practice, measure and period with the publication each came from, and the runs
of the import that brought them.

The figures are public reference data shared by every collective, like the directory's ODS
organisations: a practice is named by its ODS code, so a figure needs no directory row (the
files cover every practice in England; a collective's practices are a few of them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Measure(models.Model):
    """A measure's name: those of the fixed publications, and each Fingertips indicator."""

    key = models.CharField(max_length=120, unique=True)
    label = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.label


class PracticeFigure(models.Model):
    practice_code = models.CharField(max_length=12)
    measure = models.CharField(max_length=120)
    period = models.CharField(
        max_length=32, help_text="2019-20 (a financial year), 2021-01 (a month) or 2019 (a year)"
    )
    #: A float, not a decimal: these are statistics (compared, ranked into centiles, plotted),
    #: not a ledger, and a float holds every published figure to its 15th digit; it is also
    #: what lets the import write 100,000 figures in a second (docs/decisions/0013).
    value = models.FloatField(
        null=True,
        blank=True,
        help_text="Empty: not published (ND, NA or blank in the file), never zero.",
    )
    source = models.CharField(max_length=200, help_text="The publication, and its period.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice_code", "measure", "period"], name="one_figure_per_practice"
            )
        ]
        indexes = [models.Index(fields=["measure", "period"], name="figures_by_measure")]

    def __str__(self) -> str:
        return f"{self.practice_code} {self.measure} {self.period}: {self.value}"


class PracticeProfile(models.Model):
    """What a publication says of a practice besides figures (NHS Payments: its contract,
    dispensing, type and rurality), as of a period."""

    practice_code = models.CharField(max_length=12)
    period = models.CharField(max_length=32)
    source = models.CharField(max_length=200)
    name = models.CharField(max_length=300, blank=True)
    contract_type = models.CharField(max_length=300, blank=True)
    dispensing = models.CharField(max_length=300, blank=True)
    practice_type = models.CharField(max_length=300, blank=True)
    rurality = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice_code", "period", "source"], name="one_profile_per_publication"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_code} ({self.source})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Failed"


class PracticeDataImport(models.Model):
    """One run of the import: the files read, by whom, and what it changed."""

    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collective = models.ForeignKey(
        "collectives.Collective",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose convenor uploaded the files; empty for the command.",
    )
    files = models.JSONField(
        default=list, blank=True, help_text="[{name, publication, period, rows, practices}]"
    )
    upload_dir = models.CharField(max_length=255, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Practice data import {self.pk} ({self.get_status_display()})"
