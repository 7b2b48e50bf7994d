from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from directory.models import OrganisationKind, PersonRole


class Role(models.TextChoices):
    CONVENOR = "convenor", "Convenor"
    REPRESENTATIVE = "representative", "Representative"
    DEPUTY = "deputy", "Deputy representative"
    MEMBER = "member", "Member"
    GUEST = "guest", "Guest (system partner)"
    OBSERVER = "observer", "Observer (read-only)"


ROLE_DESCRIPTIONS = {
    Role.CONVENOR: "Sets up the collective: manages its members, roles and invitations.",
    Role.REPRESENTATIVE: "Speaks for one member organisation.",
    Role.DEPUTY: "May speak for a member organisation when its representative cannot.",
    Role.MEMBER: "Works for a member organisation.",
    Role.GUEST: "A system partner (ICB, trust, council) who sees what the collective shares.",
    Role.OBSERVER: "Can read, but not change anything.",
}

#: Roles that speak for a particular organisation, and so must name one.
ORGANISATION_ROLES = {Role.REPRESENTATIVE, Role.DEPUTY}

INVITATION_VALID_FOR = dt.timedelta(days=7)

#: The kinds of organisation a collective adds by hand as its own member organisation:
#: practices, PCNs and NHS bodies have ODS codes and come from the directory.
HAND_ADDED_KINDS = [
    (kind.value, kind.label)
    for kind in (
        OrganisationKind.FEDERATION,
        OrganisationKind.LMC,
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.VOLUNTARY,
        OrganisationKind.OTHER,
    )
]


class Collective(models.Model):
    """The tenant: a local area's general practice working as one."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60, unique=True)
    area = models.CharField(max_length=150, help_text="The place it covers, e.g. an ICS place.")
    description = models.TextField(
        help_text="In plain English: what the group is and what it does."
    )
    min_raters = models.PositiveSmallIntegerField(
        "fewest raters shown",
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text="An organisation sees how others rate it only as the mean of at least this "
        "many rating organisations (never fewer than 3). Change it only by a recorded "
        "decision; a round keeps the value it had when it closed.",
    )
    max_stand_aside_share = models.FloatField(
        "most stand-asides for consensus",
        default=1 / 3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Consensus cannot be recorded when more than this share of the leadership "
        "members stand aside: the group would not really be behind the decision.",
    )
    readability_threshold = models.FloatField(
        "plainest reading ease to publish without asking",
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Briefings and the 'who we are' page that score under this Flesch reading "
        "ease are flagged, and publishing them needs a confirmation. 60 reads as plain English.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    organisations = models.ManyToManyField(
        "directory.Organisation", through="CollectiveOrganisation", related_name="collectives"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_raters__gte=3), name="k_is_never_below_three"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CollectiveOrganisation(models.Model):
    """A member organisation of a collective, and what the collective records about it: the
    leadership-group flag, a local display name and a note. These belong to the collective
    and show only in its own pages and API; the directory keeps the official name."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="collective_memberships"
    )
    is_leadership = models.BooleanField(
        "leadership-group member",
        default=False,
        help_text="Whether the organisation sits on the local GP leadership group.",
    )
    display_name = models.CharField(
        "local name",
        max_length=200,
        blank=True,
        help_text="What the collective calls it, if not its official name. Shown only in "
        "this collective.",
    )
    note = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Anything the collective wants to remember about it. Shown only to this "
        "collective's members.",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} in {self.collective.name}"

    @property
    def name(self) -> str:
        """The name this collective uses: its local name, else the official one."""
        return self.display_name or self.organisation.name


class CollectivePersonRole(models.Model):
    """The role a person has in one collective (e.g. its PCN Clinical Director). It belongs
    to that collective: only its convenors set it, and only it sees it."""

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="person_roles"
    )
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="collective_roles"
    )
    role = models.CharField(max_length=32, choices=PersonRole.choices)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "person"], name="one_role_per_person_in_a_collective"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_role_display()} in {self.collective.name}"


class Membership(models.Model):
    """A person's place in a collective, with a role."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member organisation the person works for or speaks for.",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "user"], name="one_membership_per_user"),
            models.CheckConstraint(
                condition=~Q(role__in=["representative", "deputy"]) | Q(organisation__isnull=False),
                name="representatives_name_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.collective}"

    @property
    def is_convenor(self) -> bool:
        return self.role == Role.CONVENOR

    @property
    def can_record(self) -> bool:
        """Observers and guests read; everyone else records for the collective (contacts,
        people at its organisations)."""
        return self.role not in (Role.OBSERVER, Role.GUEST)


class Invitation(models.Model):
    """An e-mailed link to join a collective: valid 7 days, single use."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    email_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.collective}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_usable(self) -> bool:
        return self.status == "pending"
