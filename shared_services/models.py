"""Shared services: the services a collective's practices run together, the single ways of
working each participating practice agrees to (the autonomy ledger), how they are doing
(benefit measures), who may see a practice's readiness, and who does what across the
collective (the responsibility matrix).

Every row belongs to one collective, through its service or directly; a practice is a
directory organisation that is a member of the collective.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ServiceKind(models.TextChoices):
    VISITING = "visiting", "Shared visiting team"
    STAFF_BANK = "staff_bank", "Staff bank"
    DOCUMENTS = "documents", "Document management hub"
    PRESCRIBING = "prescribing", "Prescribing hub"
    EXTENDED_ACCESS = "extended_access", "Extended access"
    BACK_OFFICE = "back_office", "Back office"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    EXPLORING = "exploring", "Exploring"
    AGREEING = "agreeing", "Agreeing"
    RUNNING = "running", "Running"
    REVIEWING = "reviewing", "Reviewing"
    CLOSED = "closed", "Closed"


class SharedServicesSettings(models.Model):
    """A collective's rules for its shared services, and the thresholds of its
    sustainability flags. Made with the defaults on first use."""

    collective = models.OneToOneField(
        "collectives.Collective", on_delete=models.CASCADE, related_name="shared_services_settings"
    )
    may_run_before_all_agree = models.BooleanField(
        "a service may go live before every practice agrees",
        default=False,
        help_text="If not ticked, a service moves to running only when every participating "
        "practice has agreed every current way of working (with or without a variation).",
    )
    list_fall_per_year = models.DecimalField(
        "list falling by more than (% a year)", max_digits=5, decimal_places=2, default=Decimal(5)
    )
    locum_centile = models.PositiveSmallIntegerField("locum allowances above centile", default=90)
    min_gp_fte_per_1000 = models.DecimalField(
        "fewer GP FTE per 1,000 patients than",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.4"),
    )

    def __str__(self) -> str:
        return f"Shared services settings of {self.collective}"


class SharedService(models.Model):
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="shared_services"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    host = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The federation, PCN or practice that hosts the service.",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person who leads the service (a member of the collective).",
    )
    purpose = models.TextField(blank=True, help_text="What the service is for, in plain English.")
    service_levels = models.TextField(
        blank=True, help_text="What practices can expect of it, in plain English (Markdown)."
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.IDEA)
    decisions = models.ManyToManyField(
        "decisions.Decision",
        blank=True,
        related_name="+",
        help_text="The consensus decisions that started or changed the service.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "name"], name="one_service_of_a_name_per_collective"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A practice in a service, from when it joined until it left."""

    service = models.ForeignKey(
        SharedService, on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_participation_per_practice",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="a_practice_leaves_after_it_joins",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.service}"


class StageMove(models.Model):
    """Every move of a service's stage, with who moved it and why."""

    service = models.ForeignKey(SharedService, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.service}: {self.from_stage or 'new'} → {self.to_stage}"


class Better(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"
    NEITHER = "neither", "Neither"


class BenefitMeasure(models.Model):
    service = models.ForeignKey(
        SharedService, on_delete=models.CASCADE, related_name="benefit_measures"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, help_text="For example: days, %, hours a week.")
    better = models.CharField(max_length=8, choices=Better.choices, default=Better.UP)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"], name="one_measure_of_a_name_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class BenefitValue(models.Model):
    measure = models.ForeignKey(BenefitMeasure, on_delete=models.CASCADE, related_name="values")
    month = models.DateField(help_text="The first day of the month the value is for.")
    value = models.FloatField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], name="one_value_per_month"),
            models.CheckConstraint(
                condition=Q(month__day=1), name="a_benefit_value_is_for_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.name} {self.month:%b %Y}: {self.value}"


class WayOfWorking(models.Model):
    """One single way of working that a service's practices agree, through its versions."""

    service = models.ForeignKey(
        SharedService, on_delete=models.CASCADE, related_name="ways_of_working"
    )
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "title"], name="one_way_of_working_of_a_title_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.title


class WayOfWorkingVersion(models.Model):
    way = models.ForeignKey(WayOfWorking, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="What every practice will do, in plain English.")
    change_note = models.TextField(blank=True, help_text="What changed from the last version.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["way", "number"]
        constraints = [
            models.UniqueConstraint(fields=["way", "number"], name="one_version_of_a_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="versions_count_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.way.title}, version {self.number}"


class Answer(models.TextChoices):
    AGREED = "agreed", "Agreed"
    VARIATION = "variation", "Agreed with a local variation"
    NOT_YET = "not_yet", "Not yet"
    DECLINED = "declined", "Declined"


#: Answers that give the way of working up to the service (a variation expires).
AGREEING = (Answer.AGREED, Answer.VARIATION)


class WayAnswer(models.Model):
    """A practice's answer to one version of a way of working, given by its representative
    or deputy. Answers to older versions are kept ("given on version N")."""

    version = models.ForeignKey(
        WayOfWorkingVersion, on_delete=models.CASCADE, related_name="answers"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices)
    variation = models.TextField(blank=True, help_text="What differs in this practice.")
    variation_reason = models.TextField(blank=True, help_text="Why it differs.")
    variation_until = models.DateField(
        null=True, blank=True, help_text="When the variation expires."
    )
    would_help = models.TextField(
        blank=True, help_text="Not yet: what would help the practice agree."
    )
    reason = models.TextField(blank=True, help_text="Declined: why.")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="one_answer_per_practice_and_version"
            ),
            models.CheckConstraint(
                condition=~Q(answer="variation")
                | (~Q(variation="") & Q(variation_until__isnull=False)),
                name="a_variation_says_what_differs_and_until_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_answer_display()} ({self.version})"


class ReadinessShare(models.Model):
    """A practice's choice to show its readiness for a service to the service's lead:
    recorded, revocable, audited."""

    service = models.ForeignKey(
        SharedService, on_delete=models.CASCADE, related_name="readiness_shares"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="one_current_readiness_share",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} shares its readiness for {self.service}"


# ------------------------------------------------------------------------------------------
# Who does what: the responsibility matrix


class Function(models.Model):
    """An at-scale function (extended access, estates, ...) on the matrix."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="matrix_functions"
    )
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "name"], name="one_function_of_a_name_per_collective"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BodyGroup(models.TextChoices):
    """Bodies that are not one organisation."""

    PRACTICES = "practices", "The practices"
    LEADERSHIP = "leadership", "The leadership group"


class Raci(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class MatrixCell(models.Model):
    """One body's part in one function. A body is a member organisation (the federation, a
    PCN, the LMC) or a group (the practices, the leadership group). A body may be both
    Responsible and Accountable, so each letter is its own row."""

    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="cells")
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(max_length=12, choices=BodyGroup.choices, blank=True)
    role = models.CharField(max_length=1, choices=Raci.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(group=""))
                | (Q(organisation__isnull=True) & ~Q(group="")),
                name="a_cell_is_of_an_organisation_or_a_group",
            ),
            models.UniqueConstraint(
                fields=["function", "organisation", "role"],
                condition=Q(organisation__isnull=False),
                name="one_letter_per_organisation_cell",
            ),
            models.UniqueConstraint(
                fields=["function", "group", "role"],
                condition=Q(organisation__isnull=True),
                name="one_letter_per_group_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.organisation or self.get_group_display()} {self.role}"


class MatrixChangeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    APPLIED = "applied", "Agreed and applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MatrixChange(models.Model):
    """A change to who does what: drafted, proposed through a consensus proposal, applied
    once the decision is recorded, then told to every practice through the golden thread."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="matrix_changes"
    )
    summary = models.CharField(max_length=200)
    cells = models.JSONField(
        default=list,
        help_text='The matrix it proposes: [{"function": name, "body": "org:<id>" or a '
        'group, "roles": "RA"}], every function it names in full.',
    )
    proposal = models.OneToOneField(
        "decisions.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=MatrixChangeStatus.choices, default=MatrixChangeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary
