"""The golden thread: every decision reaches every practice in plain English, and we can
prove it.

A recorded decision gets one briefing. Publishing it opens a thread to every practice of the
collective; each thread collects the touches that carried the briefing to the practice (a
PCN meeting, an e-mail, a huddle...), the practice's acknowledgement, its questions and,
where action is needed, whether the action is in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Briefing(models.Model):
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="briefings"
    )
    decision = models.OneToOneField(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="briefing",
        help_text="The decision it carries; empty for a notice from another part of Alliance "
        "(a system meeting's outcome, a negotiation's).",
    )
    title = models.CharField(
        max_length=200, help_text="The decision's title, or the notice's: what practices see."
    )
    source_label = models.CharField(
        max_length=200, blank=True, help_text="For a notice: where it comes from, e.g. a meeting."
    )
    source_path = models.CharField(
        max_length=300, blank=True, help_text="For a notice: the page it comes from."
    )
    summary = models.TextField("In plain English", help_text="What the group decided.")
    meaning = models.TextField(
        "What it means for your practice", help_text="What changes for a practice, and what not."
    )
    action = models.TextField(
        "What you need to do",
        blank=True,
        help_text="Leave empty when practices need to do nothing.",
    )
    action_by = models.DateField("By when", null=True, blank=True)
    reading_ease = models.FloatField(null=True, blank=True)
    grade = models.FloatField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_below_threshold = models.BooleanField(
        default=False,
        help_text="Published although it read harder than the collective's threshold, "
        "after the author confirmed.",
    )

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="") | Q(action_by__isnull=False),
                name="an_action_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"Briefing: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("golden_thread:briefing", args=[self.collective.slug, self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def action_needed(self) -> bool:
        return bool(self.action.strip())

    @property
    def full_text(self) -> str:
        """What readability is measured on: everything a practice reads."""
        return "\n\n".join(part for part in (self.summary, self.meaning, self.action) if part)


class Acknowledgement(models.TextChoices):
    DISCUSSED = "discussed", "Discussed at our practice meeting"
    UNDERSTOOD = "understood", "Understood"
    QUESTIONS = "questions", "We have questions"


class ActionStatus(models.TextChoices):
    PENDING = "", "Not reported yet"
    IN_PLACE = "in_place", "In place"
    EXCEPTION = "exception", "Exception"


class Thread(models.Model):
    """The thread from one briefing to one practice: where it stands."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="threads")
    practice = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    pcn = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The practice's PCN when the briefing was published.",
    )
    acknowledgement = models.CharField(
        max_length=12, choices=Acknowledgement.choices, blank=True, default=""
    )
    discussed_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action_status = models.CharField(
        max_length=12, choices=ActionStatus.choices, blank=True, default=""
    )
    action_reason = models.TextField(blank=True)
    action_reported_at = models.DateTimeField(null=True, blank=True)
    action_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cd_chased_at = models.DateTimeField(null=True, blank=True)
    practice_chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "practice"], name="one_thread_per_practice"
            ),
            models.CheckConstraint(
                condition=~Q(acknowledgement="discussed") | Q(discussed_on__isnull=False),
                name="a_discussion_has_a_date",
            ),
        ]
        indexes = [
            # Named when the app was `cascade`; kept so the rename touched no index.
            models.Index(
                fields=["practice", "acknowledged_at"], name="cascade_thr_practic_52971f_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.briefing} to {self.practice}"

    @property
    def reached(self) -> bool:
        return self.acknowledged_at is not None


class Channel(models.TextChoices):
    PCN_MEETING = "pcn_meeting", "PCN meeting"
    PRACTICE_MEETING = "practice_meeting", "Practice meeting"
    EMAIL = "email", "E-mail"
    NEWSLETTER = "newsletter", "Newsletter"
    HUDDLE = "huddle", "Huddle"
    OTHER = "other", "Other"


class Touch(models.Model):
    """One time the briefing was carried to the practice."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="touches")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    happened_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name_plural = "touches"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.happened_on}"


class Question(models.Model):
    """A practice's question on a briefing; once answered it shows on the briefing for all."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Question from {self.thread.practice} on {self.thread.briefing}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class AboutPage(models.Model):
    """'Who we are': what the leadership group is and does, in plain English."""

    collective = models.OneToOneField(
        "collectives.Collective", on_delete=models.CASCADE, related_name="about"
    )
    text = models.TextField()
    reading_ease = models.FloatField(null=True, blank=True)
    grade = models.FloatField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_below_threshold = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Who we are: {self.collective}"
