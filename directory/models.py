from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class OrganisationKind(models.TextChoices):
    PRACTICE = "practice", "GP practice"
    PCN = "pcn", "Primary Care Network"
    FEDERATION = "federation", "GP federation"
    LMC = "lmc", "Local Medical Committee"
    ICB = "icb", "Integrated Care Board"
    SUB_ICB = "sub_icb", "Sub ICB location (or CCG)"
    REGION = "region", "NHS England region"
    COMMUNITY_TRUST = "community_trust", "Community trust"
    ACUTE_TRUST = "acute_trust", "Acute (hospital) trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PUBLIC_HEALTH = "public_health", "Public health"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER_SETTING = "other_setting", "Other prescribing setting"
    OTHER = "other", "Other"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    DORMANT = "dormant", "Dormant"
    PROPOSED = "proposed", "Proposed"


ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,8}$", "An ODS code is 3 to 8 capital letters and digits, such as A81001."
)

#: Fields an import may set; a person's edit to one of them is kept (see edited_fields).
IMPORTED_FIELDS = (
    "name",
    "kind",
    "status",
    "address",
    "postcode",
    "phone",
    "open_date",
    "close_date",
    "region_code",
    "icb_code",
    "commissioner",
    "prescribing_setting",
)


class Organisation(models.Model):
    """An organisation: keyed by ODS code where it has one; added by hand where not.

    Shared directory data (no owner: the ODS imports and what the service's data stewards
    add) is changed only by data stewards and re-imports. An organisation a collective added
    by hand is that collective's own (``owner``): only its convenors change it, and only its
    members see it."""

    ods_code = models.CharField(
        "ODS code",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[ods_code_validator],
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    status = models.CharField(
        max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    address = models.TextField(blank=True, help_text="One line of the address per line.")
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    region_code = models.CharField(
        "NHS England region code",
        max_length=8,
        blank=True,
        help_text="The national grouping in the ODS files, e.g. Y63.",
    )
    icb_code = models.CharField(
        "ICB code",
        max_length=8,
        blank=True,
        db_index=True,
        help_text="The high level health geography in the ODS files: the ICB in the ICB era, "
        "an NHS England area team in older files.",
    )
    commissioner = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commissioned",
        help_text="The Sub ICB location (or CCG) that commissions it.",
    )
    prescribing_setting = models.CharField(
        max_length=20, blank=True, help_text="As in the ODS file: 4 or RO76 is a GP practice."
    )
    edited_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields a person changed in Alliance; later imports leave them alone.",
    )
    owner = models.ForeignKey(
        "collectives.Collective",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_organisations",
        help_text="The collective that added it by hand, and alone may change and see it. "
        "Empty for shared directory data (ODS imports, the service's data stewards).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(Lower("name"), name="organisation_name_lower"),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["postcode"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(ods_code__isnull=True),
                name="an_ods_organisation_is_shared",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.address.splitlines() if line.strip()]


class RelationshipKind(models.TextChoices):
    PCN_MEMBER = "pcn_member", "Member practice of a PCN"
    FEDERATION_COVERS = "federation_covers", "Covered by a federation"
    LMC_COVERS = "lmc_covers", "Covered by an LMC"


class OrganisationRelationship(models.Model):
    """A time-bounded link: a practice in a PCN, or an organisation covered by a federation
    or an LMC. An open end date means it holds now."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relationships"
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="child_relationships"
    )
    kind = models.CharField(max_length=24, choices=RelationshipKind.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    imported = models.BooleanField(
        default=False, help_text="Came from an ODS import (which may end it later)."
    )

    class Meta:
        ordering = ["parent__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "kind", "start_date"],
                name="one_relationship_spell_per_start",
            )
        ]
        indexes = [models.Index(fields=["parent", "kind", "end_date"])]

    def __str__(self) -> str:
        return f"{self.organisation.name} in {self.parent.name}"


class PersonRole(models.TextChoices):
    PCN_CLINICAL_DIRECTOR = "pcn_clinical_director", "PCN Clinical Director"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    GP_PARTNER = "gp_partner", "GP partner"
    SALARIED_GP = "salaried_gp", "Salaried GP"
    LMC_OFFICER = "lmc_officer", "LMC officer"
    FEDERATION_LEADER = "federation_leader", "Federation leader"
    SYSTEM_LEADER = "system_leader", "System leader"
    OTHER = "other", "Other"


class Person(models.Model):
    """Someone who works for an organisation; not necessarily an Alliance user.

    Shared people (no owner) are kept by the service's data stewards and seen by the
    collectives their organisation belongs to. Someone a collective added is its own record
    (``owner``): only that collective sees them and only its convenors change them."""

    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=PersonRole.choices, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    owner = models.ForeignKey(
        "collectives.Collective",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_people",
        help_text="The collective that added this person, and alone sees and changes them. "
        "Empty for shared directory data kept by the service's data stewards.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation.name}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused"


class ImportRun(models.Model):
    """One run of the ODS import: what was read, by whom, and what it changed."""

    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    files = models.JSONField(default=list, help_text="[{name, sha256}] of every file read.")
    upload_dir = models.CharField(max_length=255, blank=True)
    forced = models.BooleanField(default=False)
    active_practices = models.PositiveIntegerField(
        null=True, blank=True, help_text="Active GP practices in the practices file."
    )
    counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(active_practices__isnull=False),
                name="a_successful_import_counts_its_practices",
            )
        ]

    def __str__(self) -> str:
        return f"ODS import {self.pk} ({self.get_status_display()})"
