from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower


class OrganisationKind(models.TextChoices):
    PRACTICE = "practice", "GP practice"
    PCN = "pcn", "Primary Care Network"
    FEDERATION = "federation", "GP federation"
    LMC = "lmc", "Local Medical Committee"
    ICB = "icb", "Integrated Care Board"
    SUB_ICB = "sub_icb", "Sub ICB location"
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


class Organisation(models.Model):
    """An organisation: keyed by ODS code where it has one; added by hand where not."""

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
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="organisation_name_lower")]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name


class Person(models.Model):
    """Someone who works for an organisation; not necessarily an Alliance user."""

    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation.name}"
