"""In-app notifications, and the e-mails that carry them: at once, or in a digest.

Each notification is written once per person and key (a retried job or a repeated call
adds nothing), and each is e-mailed at most once: `emailed_at` is set in the same
transaction as the e-mail goes, and a digest is one row per person and period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As it happens: one e-mail each"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest (on Mondays)"
    NONE = "none", "No e-mails: only in Alliance"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class Digest(models.Model):
    """One digest e-mail per person, frequency and period: a retried job finds it sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"], name="one_digest_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} for {self.user} from {self.period_start}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(
        max_length=120, help_text="What it is about, e.g. 'briefing:12:published'; one per person."
    )
    subject = models.CharField(max_length=250)
    body = models.TextField(help_text="Plain text.")
    path = models.CharField(max_length=300, help_text="The page it is about.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")
        ]
        indexes = [models.Index(fields=["user", "collective", "read_at"])]

    def __str__(self) -> str:
        return self.subject
