from __future__ import annotations

from typing import Any

from django import forms

from surveys.models import RC_ITEMS, SPECTRUM_CHOICES, TRUST_ITEMS, VALUE_ITEMS, AnswerMode

AGREE_4 = [(1, "1 Not at all"), (2, "2 A little"), (3, "3 Mostly"), (4, "4 Completely")]
AMOUNT_4 = [(1, "1 None"), (2, "2 Some"), (3, "3 A lot"), (4, "4 A great deal")]
AGREE_5 = [
    (1, "1 Strongly disagree"),
    (2, "2 Disagree"),
    (3, "3 Neither"),
    (4, "4 Agree"),
    (5, "5 Strongly agree"),
]

QUESTIONS = {
    "reliability": "They do what they say they will do",
    "purpose": "They support what our collective is trying to achieve",
    "openness": "They are open to discussion",
    "influence": "Their influence on what we can achieve together",
    "involvement": "How involved they are in our joint work",
    "resources": "The resources (time, people, money) they put in",
    "rc_frequent": "We talk often enough",
    "rc_timely": "They tell us things in good time",
    "rc_accurate": "What they tell us is accurate",
    "rc_problem_solving": "When something goes wrong, they work on it with us rather than blame",
    "rc_shared_goals": "We share the same goals for our joint work",
    "rc_shared_knowledge": "They know what we do and why",
    "rc_mutual_respect": "They respect the work we do",
    "now": "Our relationship now",
    "wanted": "The relationship we want",
    "sustainable_alone": "Continuing on our own is sustainable",
    "joint_difference": "Joint working will make a difference to us",
    "knows_leadership": "I know what our local GP leadership group is and what it does",
}


def _scale(name: str, choices: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=QUESTIONS[name],
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class RatingForm(forms.Form):
    """Every question is optional here: answers save as you go."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TRUST_ITEMS:
            self.fields[name] = _scale(name, AGREE_4)
        for name in VALUE_ITEMS:
            self.fields[name] = _scale(name, AMOUNT_4)
        for name in RC_ITEMS:
            self.fields[name] = _scale(name, AGREE_5)
        for name in ("now", "wanted"):
            self.fields[name] = _scale(name, SPECTRUM_CHOICES)
        self.fields["comment"] = forms.CharField(
            label="Anything you want to add (optional)",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["comment_shareable"] = forms.BooleanField(
            label="They may see this comment", required=False
        )
        self.fields["comment_anonymous"] = forms.BooleanField(
            label="Do not show that it came from us", required=False, initial=True
        )


class SelfAssessmentForm(forms.Form):
    sustainable_alone = _scale("sustainable_alone", AGREE_5)
    joint_difference = _scale("joint_difference", AGREE_5)
    knows_leadership = _scale("knows_leadership", AGREE_5)


class RoundForm(forms.Form):
    title = forms.CharField(max_length=150, initial="Trust survey")
    opens_on = forms.DateField(
        label="Opens on",
        help_text="For example, 2026-12-01",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closes_on = forms.DateField(
        label="Closes on",
        help_text="For example, 2026-12-21",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    answer_mode = forms.ChoiceField(
        label="Who answers for each organisation",
        choices=AnswerMode.choices,
        widget=forms.RadioSelect,
        initial=AnswerMode.REPRESENTATIVE,
    )
    participants = forms.TypedMultipleChoiceField(
        label="Organisations taking part",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(o.pk, o.name) for o in organisations]  # type: ignore[attr-defined]


class ExtendForm(forms.Form):
    closes_on = forms.DateField(
        label="New closing date",
        help_text="For example, 2026-12-31",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
