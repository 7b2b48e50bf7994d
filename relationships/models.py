"""Relationship health II: the habits that rebuild trust between member organisations.

Talk more than e-mail (the contact log and its mode mix), keep an agreed rhythm, ask for
help, put things right. Nudges turn the rules in relationships.rules into prompts people can
dismiss or snooze.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Mode(models.TextChoices):
    EMAIL = "email", "E-mail thread"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In-person meeting"
    OTHER = "other", "Other"


#: Modes that are a conversation rather than e-mail.
CONVERSATION = (Mode.PHONE, Mode.VIDEO, Mode.IN_PERSON)


class Source(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    CALENDAR = "calendar", "Imported from a calendar"
    WEEKLY_COUNT = "weekly_count", "E-mails counted for a week"


class Contact(models.Model):
    """A contact between member organisations: a call, a meeting, an e-mail thread, or a
    week's count of e-mails exchanged (`count`)."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="contacts"
    )
    happened_at = models.DateTimeField()
    mode = models.CharField(max_length=12, choices=Mode.choices)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    count = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="More than one for a week's count of e-mails exchanged.",
    )
    organisations = models.ManyToManyField("directory.Organisation", related_name="+")
    note = models.TextField(blank=True, help_text="Shown only to the people in the contact.")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    calendar_uid = models.CharField(
        max_length=255, blank=True, help_text="The meeting's UID when imported from a calendar."
    )
    calendar_occurrence = models.DateTimeField(
        null=True,
        blank=True,
        help_text="For an occurrence of a repeating meeting, its original start (RECURRENCE-ID).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            # Named when the app was `habits`; kept so the rename touched no index.
            models.Index(
                fields=["collective", "happened_at"], name="habits_cont_collect_1555a5_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "calendar_uid"],
                condition=~Q(calendar_uid="") & Q(calendar_occurrence__isnull=True),
                name="one_contact_per_calendar_meeting",
            ),
            models.UniqueConstraint(
                fields=["collective", "calendar_uid", "calendar_occurrence"],
                condition=~Q(calendar_uid="") & Q(calendar_occurrence__isnull=False),
                name="one_contact_per_calendar_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(count=1) | Q(mode="email"), name="only_emails_are_counted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} on {self.happened_at:%d %b %Y}"


class ContactParticipant(models.Model):
    """Someone in a contact: a person in the directory, an Alliance user, or both."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(person__isnull=False),
                name="a_participant_is_someone",
            ),
            models.UniqueConstraint(
                fields=["contact", "user"], condition=Q(user__isnull=False), name="one_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.person} in {self.contact}"


class Period(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Scope(models.TextChoices):
    PAIR = "pair", "Two organisations"
    PCN = "pcn", "A PCN's practices"
    LEADERSHIP = "leadership", "The leadership group"


class Rhythm(models.Model):
    """An agreed rhythm of contact, e.g. a weekly 30-minute call or a monthly face-to-face."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="rhythms"
    )
    name = models.CharField(max_length=150)
    scope = models.CharField(max_length=12, choices=Scope.choices)
    organisations = models.ManyToManyField("directory.Organisation", related_name="+")
    pcn = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a PCN's rhythm: the PCN.",
    )
    modes = models.JSONField(help_text="The modes of contact that keep it, e.g. ['video'].")
    period = models.CharField(max_length=12, choices=Period.choices)
    min_minutes = models.PositiveIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A private, revocable iCalendar feed of a person's rhythms (the URL holds a secret)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class Nudge(models.Model):
    """A prompt from a rule, e.g. 'nine e-mails and no conversation in six weeks'. One per
    rule, subject and period (`key`); it can be dismissed or snoozed. A nudge with a `user`
    is for that person alone (whole-system working's cold key relationships)."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="nudges"
    )
    key = models.CharField(max_length=200)
    rule = models.CharField(max_length=40)
    organisations = models.ManyToManyField("directory.Organisation", related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The one person the nudge is for (e.g. a cold key relationship's owner), "
        "who alone sees it; empty for a nudge about organisations, seen by their people.",
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "key"], name="one_nudge_per_key")
        ]

    def __str__(self) -> str:
        return self.text


class HabitSettings(models.Model):
    """A collective's thresholds for the nudge rules (relationships.rules.Thresholds)."""

    collective = models.OneToOneField(
        "collectives.Collective", on_delete=models.CASCADE, related_name="habit_settings"
    )
    weeks = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    email_only_weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    min_emails = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    missed_in_a_row = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    email_share_amber = models.FloatField(
        default=0.7, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    def __str__(self) -> str:
        return f"Nudge thresholds of {self.collective}"


class AskStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Ask(models.Model):
    """An organisation asks for help: asking builds more trust than offering."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="asks"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    what = models.TextField()
    needed_by = models.DateField(null=True, blank=True)
    to_everyone = models.BooleanField(default=True)
    addressed_to = models.ManyToManyField("directory.Organisation", blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=AskStatus.choices, default=AskStatus.OPEN)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    thanks = models.TextField(blank=True)
    helped_by = models.ForeignKey(
        "Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} asks: {self.what[:60]}"


class Offer(models.Model):
    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="offers")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["offered_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} offers help"


class PutItRight(models.Model):
    """'We got this wrong': a mistake an organisation owns, its impact, what it will do."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="put_it_rights"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    mistake = models.TextField()
    impact = models.TextField()
    will_do = models.TextField()
    apologises_to = models.ManyToManyField("directory.Organisation", related_name="+")
    decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "put-it-right record"

    def __str__(self) -> str:
        return f"{self.organisation} puts it right"


class PutItRightResponse(models.Model):
    record = models.ForeignKey(PutItRight, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["responded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "organisation"], name="one_response_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} responds"
