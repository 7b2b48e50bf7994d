"""Whole-system working: a few warm relationships with senior people in the health system,
system meetings prepared together, and one provider voice for local general practice.

- Stakeholders are people in system organisations (directory.Person: an ODS organisation
  picked from the directory, or one the collective added by hand), with dated assessments of
  warmth and sway. GP leaders each own up to five key relationships.
- The collective's key system organisations (KeyOrganisation) are set against its key
  relationships: an organisation with no warm, sway-holding key relationship is a gap.
- Priorities: the collective's, each stakeholder's and each organisation's, with overlaps.
- System meetings, their agenda items, our position, the conversations to have beforehand and
  the outcome, which can be published to practices through the golden thread.
- The provider voice: practices raise needs, others support them, the leadership group turns
  some into negotiation mandates whose limits only it sees.

Notes about named third parties are personal data: they are seen only by the leadership
group and the relationship's owner (system.access), kept in StakeholderNote so that each can
be reviewed, exported (subject access) and erased.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

SCALE = [MinValueValidator(1), MaxValueValidator(5)]

#: A key relationship covers its organisation when at least this warm and this influential.
WARM, SWAY = 4, 3
#: The most key relationships one GP leader owns.
MOST_KEY_RELATIONSHIPS = 5


class SystemSettings(models.Model):
    """A collective's settings for whole-system working; the defaults until a convenor
    changes them."""

    collective = models.OneToOneField(
        "collectives.Collective", on_delete=models.CASCADE, related_name="system_settings"
    )
    cold_after_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="A key relationship with no contact for this many weeks raises a nudge.",
    )
    most_leaders_per_series = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="More different GP leaders than this attending one meeting series spreads "
        "general practice's voice thin.",
    )

    def __str__(self) -> str:
        return f"Whole-system settings of {self.collective}"


class KeyOrganisation(models.Model):
    """One of the collective's key system organisations (the ICB, the community trust...),
    set by a convenor. With none set, the defaults are the kinds in DEFAULT_KEY_KINDS."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="key_organisations"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "organisation"], name="one_key_organisation_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} (key for {self.collective})"


#: The key organisations when a convenor has set none: one of each of these kinds.
DEFAULT_KEY_KINDS = ("icb", "community_trust", "acute_trust", "local_authority", "public_health")


class Stakeholder(models.Model):
    """A person in a system organisation whom the collective works with. The person is the
    directory's (directory.Person), so a stakeholder can be a participant in the contact log.

    `agenda_learned` (and their notes and own priorities) are what we learned of them:
    personal data, seen only by the leadership group and the owners of a key relationship
    with them."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="stakeholders"
    )
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=150, blank=True, help_text="Their role, as we know it.")
    agenda_learned = models.TextField(
        blank=True, help_text="What we learned about their agenda at the first meeting."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When their personal data was erased; what remains is anonymised.",
    )

    class Meta:
        ordering = ["organisation__name", "id"]
        indexes = [models.Index(fields=["collective", "organisation"])]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "person"],
                condition=Q(person__isnull=False),
                name="one_stakeholder_per_person",
            )
        ]

    def __str__(self) -> str:
        if self.erased_at or self.person is None:
            return "An erased stakeholder"
        return f"{self.person.name}, {self.organisation.name}"


class Assessment(models.Model):
    """A dated judgement of a stakeholder: warmth (1 frosty to 5 warm, approachable, willing
    to listen) and sway (1 to 5: how far their word turns into action inside their
    organisation). The newest is the current one; the history shows movement."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="assessments"
    )
    warmth = models.PositiveSmallIntegerField(validators=SCALE)
    sway = models.PositiveSmallIntegerField(validators=SCALE)
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warmth__gte=1, warmth__lte=5, sway__gte=1, sway__lte=5),
                name="assessment_on_the_scale",
            )
        ]

    def __str__(self) -> str:
        return f"Warmth {self.warmth}, sway {self.sway} on {self.assessed_on}"


class KeyRelationship(models.Model):
    """A GP leader's key relationship with a stakeholder: they own keeping it warm."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="+"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="key_relationships"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stakeholder", "owner"], name="one_key_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner}'s key relationship with {self.stakeholder}"


class StakeholderNote(models.Model):
    """A note about a stakeholder: personal data. Seen only by the leadership group and the
    owners of a key relationship with them; a read by anyone else than its author and the
    owners is audited; notes older than two years are offered for review."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Note of {self.written_at:%d %b %Y}"


class PriorityOwner(models.TextChoices):
    COLLECTIVE = "collective", "Ours (the collective's)"
    ORGANISATION = "organisation", "A system organisation's"
    STAKEHOLDER = "stakeholder", "A stakeholder's own"


class Priority(models.Model):
    """A short statement of a priority: the collective's own (optionally linked to a
    decision), a system organisation's, or one stakeholder's."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="system_priorities"
    )
    whose = models.CharField(max_length=12, choices=PriorityOwner.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.CASCADE, related_name="own_priorities"
    )
    text = models.CharField(max_length=300)
    decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["whose", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(whose="collective", organisation__isnull=True, stakeholder__isnull=True)
                    | Q(whose="organisation", organisation__isnull=False, stakeholder__isnull=True)
                    | Q(whose="stakeholder", stakeholder__isnull=False)
                ),
                name="a_priority_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Overlap(models.Model):
    """Where our priority meets a system organisation's or a stakeholder's, as marked by the
    relationship's owner (or the leadership group)."""

    ours = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="overlaps")
    theirs = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ours", "theirs"], name="one_overlap_each")]

    def __str__(self) -> str:
        return f"{self.ours} meets {self.theirs}"


class MeetingSeries(models.Model):
    """A system meeting that recurs (the ICB board, the place partnership) or happens once."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="meeting_series"
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that holds it, if one does.",
    )
    recurrence = models.CharField(
        max_length=300,
        blank=True,
        help_text="An iCalendar RRULE, e.g. FREQ=MONTHLY;BYDAY=1TH; empty for a one-off.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name


class SystemMeeting(models.Model):
    """One meeting of a series."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="The GP leaders who attend for general practice.",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["collective", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.series.name}, {self.starts_at:%d %b %Y}"


class AgendaItem(models.Model):
    """An item on a system meeting's agenda: our position, and afterwards the outcome, which
    can be published to every practice through the golden thread (`briefing`)."""

    meeting = models.ForeignKey(SystemMeeting, on_delete=models.CASCADE, related_name="items")
    position_in_agenda = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    our_position = models.TextField(blank=True)
    decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mandate = models.ForeignKey(
        "Mandate", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    outcome = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    briefing = models.ForeignKey(
        "golden_thread.Briefing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The golden-thread briefing the outcome was published as.",
    )

    class Meta:
        ordering = ["position_in_agenda", "id"]

    def __str__(self) -> str:
        return self.title


class Stance(models.TextChoices):
    WITH_US = "with_us", "With us"
    NEUTRAL = "neutral", "Neutral"
    AGAINST = "against", "Against"
    UNKNOWN = "unknown", "Unknown"


class PrepConversation(models.Model):
    """A conversation to have before the meeting: with which stakeholder, by whom, what they
    think, and whether it happened. After erasure the stakeholder is gone but the stance is
    kept, anonymised."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conversations")
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.UNKNOWN)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Talk to {self.stakeholder} about {self.item}"


class NeedStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    PRIORITISED = "prioritised", "Prioritised"
    NEGOTIATING = "negotiating", "Being negotiated"
    CLOSED = "closed", "Closed with an outcome"
    SET_ASIDE = "set_aside", "Set aside"


class Need(models.Model):
    """A need or issue a member practice raises ("no phlebotomy capacity after 1pm")."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="practice_needs"
    )
    practice = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=NeedStatus.choices, default=NeedStatus.RAISED)
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The leadership group's order: 1 first."
    )
    outcome = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NeedSupport(models.Model):
    """Another practice stands behind a need, with a line of evidence."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    practice = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "practice"], name="one_support_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.practice} supports {self.need}"


class MandateStatus(models.TextChoices):
    OPEN = "open", "Being negotiated"
    CONCLUDED = "concluded", "Concluded"
    ABANDONED = "abandoned", "Abandoned"


class Mandate(models.Model):
    """A negotiation mandate from a need: what we ask, of whom, our opening position and our
    limits. The limits are seen only by the leadership group (pages, API and exports)."""

    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="mandates"
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="mandates")
    ask = models.TextField()
    of_whom = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    opening_position = models.TextField()
    limits = models.TextField(help_text="Seen only by the leadership group.")
    status = models.CharField(
        max_length=10, choices=MandateStatus.choices, default=MandateStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    briefing = models.ForeignKey(
        "golden_thread.Briefing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Mandate: {self.need.title}"


class EventKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    OFFER = "offer", "Offer"
    NOTE = "note", "Note"


class NegotiationEvent(models.Model):
    """A meeting or an offer in a negotiation."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    happened_on = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"
