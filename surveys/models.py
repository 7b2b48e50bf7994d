"""Trust survey rounds and the answers organisations give in them.

Raw ratings are confidential (PRODUCT.md §4): nothing outside surveys.selectors reads
TieRating, and the selectors return only aggregates that respect the collective's k rule.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class AnswerMode(models.TextChoices):
    REPRESENTATIVE = "representative", "The representative (or deputy) answers for it"
    STAFF = "staff", "Several staff answer; their answers are averaged"


SPECTRUM_CHOICES = [
    (1, "Allies: collaboration, our interests are merged"),
    (2, "Friends: cooperation on selected shared goals"),
    (3, "Neighbours: we keep as independent as we can"),
    (4, "Rivals: we compete for the same scarce things"),
    (5, "Enemies: conflict, one's gain is the other's loss"),
]


def _scale(low: int, high: int) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(low), MaxValueValidator(high)]


#: k is never lower than this (PRODUCT.md §4): with two raters, each works out the other's
#: rating by subtracting its own.
MIN_RATERS_FLOOR = 3


class SurveyRound(models.Model):
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.CASCADE, related_name="survey_rounds"
    )
    title = models.CharField(max_length=150)
    min_raters = models.PositiveSmallIntegerField(
        "fewest raters shown",
        default=MIN_RATERS_FLOOR,
        validators=[MinValueValidator(MIN_RATERS_FLOOR), MaxValueValidator(20)],
        help_text="k for this round: the collective's setting while the round is open, "
        "frozen once it closes.",
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    answer_mode = models.CharField(
        max_length=16, choices=AnswerMode.choices, default=AnswerMode.REPRESENTATIVE
    )
    participants = models.ManyToManyField(
        "directory.Organisation", through="RoundParticipant", related_name="survey_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="a_round_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(min_raters__gte=MIN_RATERS_FLOOR),
                name="a_round_needs_at_least_three_raters",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "closed"
        today = timezone.localdate()
        if today < self.opens_on:
            return "scheduled"
        if today > self.closes_on:
            return "closed"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"


class RoundParticipant(models.Model):
    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="round_participants"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_place_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.round}"


class Response(models.Model):
    """One respondent's answers for their organisation in a round (saved as they go)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sustainable_alone = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_scale(1, 5),
        help_text="Continuing on our own is sustainable (1 strongly disagree - 5 strongly agree)",
    )
    joint_difference = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_scale(1, 5),
        help_text="Joint working will make a difference to us",
    )
    knows_leadership = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_scale(1, 5),
        help_text="I know what our local GP leadership group is and what it does",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "respondent"], name="one_response_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.round}"


TRUST_ITEMS = ("reliability", "purpose", "openness")
VALUE_ITEMS = ("influence", "involvement", "resources")
RC_ITEMS = (
    "rc_frequent",
    "rc_timely",
    "rc_accurate",
    "rc_problem_solving",
    "rc_shared_goals",
    "rc_shared_knowledge",
    "rc_mutual_respect",
)
SPECTRUM_ITEMS = ("now", "wanted")
RATING_ITEMS = (*TRUST_ITEMS, *VALUE_ITEMS, *RC_ITEMS, *SPECTRUM_ITEMS)


def _item(low: int, high: int, text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_scale(low, high), help_text=text
    )


class TieRating(models.Model):
    """One organisation's view of another it works with. Confidential: see the module."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ratings")
    ratee = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    reliability = _item(1, 4, "They do what they say they will do")
    purpose = _item(1, 4, "They support what the collective is trying to achieve")
    openness = _item(1, 4, "They are open to discussion")
    influence = _item(1, 4, "Their influence on what we can achieve together")
    involvement = _item(1, 4, "How involved they are in joint work")
    resources = _item(1, 4, "The resources they contribute")
    rc_frequent = _item(1, 5, "We talk often enough")
    rc_timely = _item(1, 5, "They tell us things in time")
    rc_accurate = _item(1, 5, "What they tell us is accurate")
    rc_problem_solving = _item(1, 5, "They work on problems with us rather than blame")
    rc_shared_goals = _item(1, 5, "We share goals for this work")
    rc_shared_knowledge = _item(1, 5, "They know what we do and why")
    rc_mutual_respect = _item(1, 5, "They respect the work we do")
    now = models.PositiveSmallIntegerField(null=True, blank=True, choices=SPECTRUM_CHOICES)
    wanted = models.PositiveSmallIntegerField(null=True, blank=True, choices=SPECTRUM_CHOICES)
    comment = models.TextField(blank=True)
    comment_shareable = models.BooleanField(default=False)
    comment_anonymous = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "ratee"], name="one_rating_per_ratee")
        ]

    def __str__(self) -> str:
        return f"A rating in {self.response}"  # never the values: they are confidential

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, item) is not None for item in RATING_ITEMS)


class PairConsent(models.Model):
    """An organisation agrees to share its view of its relationship with another, for one
    round. The two views are shown to the two organisations only when both have agreed."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="pair_consents")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "partner"], name="one_consent_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("partner")),
                name="a_consent_names_another_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} shares its view of {self.partner} in {self.round}"


class RoundPublication(models.Model):
    """What a closed round shows, decided once (surveys.publication) and never changed:
    the cells shown or held back with their values, the ledger of every shown figure as a
    sum over ratings (what the disclosure check audits), and what was frozen with it."""

    round = models.OneToOneField(SurveyRound, on_delete=models.CASCADE, related_name="publication")
    published_at = models.DateTimeField(default=timezone.now)
    min_raters = models.PositiveSmallIntegerField(validators=[MinValueValidator(MIN_RATERS_FLOOR)])
    participants = models.JSONField(help_text="Organisation ids taking part.")
    pcns = models.JSONField(default=dict, help_text="PCN id -> its practices, as at closing.")
    structure = models.JSONField(
        default=dict, help_text="Who rated whom, in aggregate: density, reciprocity, pairs."
    )
    cells = models.JSONField(help_text="Cell id -> {shown, reason, values}.")
    ledger = models.JSONField(help_text="[[figure id, component, [key, ...]], ...]")
    consents = models.JSONField(
        default=list, help_text="Pairs [a, b] who had both agreed to share when it was published."
    )
    withheld_consents = models.JSONField(
        default=list,
        help_text="Pairs who had both agreed, but whose views would have let someone work out "
        "a rating from what other rounds had published: their views are not shown.",
    )
    held_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_raters__gte=MIN_RATERS_FLOOR),
                name="a_publication_needs_at_least_three_raters",
            )
        ]

    def __str__(self) -> str:
        return f"Results of {self.round}"


class ReminderSent(models.Model):
    """Each reminder once: a retried job finds it here and sends nothing again."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "days_before"], name="one_reminder_per_day_mark"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.days_before} days before {self.round} closes"
