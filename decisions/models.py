"""Decisions by consensus: proposals worked until every leadership member can stand by them.

The organisation, not the person, takes a position; every objection and concern is a
tracked item until an amendment resolves it. A recorded decision's text never changes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Phase(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENSE_CHECK = "sense_check", "Sense check"
    CONSENT = "consent", "Consent round"
    CONSENSUS = "consensus", "Consensus reached"
    WITHDRAWN = "withdrawn", "Withdrawn"
    PARKED = "parked", "Parked"


class Proposal(models.Model):
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    closes_on = models.DateField(null=True, blank=True)
    revisits = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        help_text="The decision this proposal asks the group to look at again.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalVersion(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    problem = models.TextField()
    text = models.TextField(help_text="The proposal itself (Markdown).")
    why = models.TextField(blank=True)
    changes_for_practices = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} (version {self.number})"


class Temperature(models.TextChoices):
    LOOKS_GOOD = "looks_good", "Looks good"
    CONCERNED = "concerned", "Concerned"
    NOT_SURE = "not_sure", "Not sure"


class SenseCheck(models.Model):
    """A quick temperature before the consent round: one per organisation."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sense_checks")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    temperature = models.CharField(max_length=16, choices=Temperature.choices)
    comment = models.TextField(blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="one_sense_check_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.proposal}"


class Stance(models.TextChoices):
    SUPPORT = "support", "Support"
    SUPPORT_WITH_CONCERNS = "concerns", "Support with concerns"
    STAND_ASIDE = "stand_aside", "Stand aside"
    OBJECT = "object", "Object"


class Position(models.Model):
    """An organisation's current position on a proposal (history in PositionRecord)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(ProposalVersion, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    reason = models.TextField(blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="one_position_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_stance_display()}"


class PositionRecord(models.Model):
    """Every position ever stated: who stated it, for which organisation, on which version."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="position_records"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    version_number = models.PositiveIntegerField()
    stance = models.CharField(max_length=16, choices=Stance.choices)
    reason = models.TextField(blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField()

    class Meta:
        ordering = ["stated_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.stance} on version {self.version_number}"


class ItemKind(models.TextChoices):
    OBJECTION = "objection", "Objection"
    CONCERN = "concern", "Concern"


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    ADDRESSED = "addressed", "Addressed by an amendment: waiting for its author"
    RESOLVED = "resolved", "Resolved by an amendment"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"
    PARKED = "parked", "Parked"


class TrackedItem(models.Model):
    """An objection or a concern, tracked until it is resolved, withdrawn or parked."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    text = models.TextField()
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    raised_on = models.PositiveIntegerField(help_text="The version it was raised on.")
    addressed_by = models.ForeignKey(
        ProposalVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_items",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status in (ItemStatus.OPEN, ItemStatus.ADDRESSED)


class DecisionStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    UNDER_REVIEW = "under_review", "Under review"
    SUPERSEDED = "superseded", "Superseded"


class DecisionIsImmutable(Exception):
    """A recorded decision's text and record never change."""


class Decision(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="decisions"
    )
    title = models.CharField(max_length=200)
    final_text = models.TextField()
    summary = models.TextField(help_text="In plain English.")
    concerns_carried = models.JSONField(default=list)
    stand_asides = models.JSONField(default=list)
    review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.IN_FORCE
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DecisionIsImmutable("A recorded decision cannot be changed; revisit it instead.")
        super().save(*args, **kwargs)


class Comment(models.Model):
    """Discussion on a proposal, threaded, with @mentions of organisations."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    mentions = models.ManyToManyField("directory.Organisation", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.proposal}"


class ProposalReminder(models.Model):
    """A reminder sent to an organisation about a proposal version: each sent once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    version_number = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=12,
        choices=[
            ("closing", "Closing soon"),
            ("manual", "Sent by the facilitator"),
            ("review", "Decision review due"),
        ],
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation", "version_number", "kind"],
                name="one_reminder_per_version_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder about {self.proposal} to {self.organisation}"
