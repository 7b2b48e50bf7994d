"""Forms for the golden thread: they parse input; the rules are in golden_thread.services."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import TEXT_MAX
from golden_thread.models import Acknowledgement, ActionStatus, Channel


class BriefingForm(forms.Form):
    summary = forms.CharField(
        max_length=TEXT_MAX,
        label="In plain English: what the group decided",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Short sentences and everyday words. Practices read this first.",
        error_messages={"required": "Say in plain English what the group decided."},
    )
    meaning = forms.CharField(
        max_length=TEXT_MAX,
        label="What it means for your practice",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the decision means for a practice."},
    )
    action = forms.CharField(
        max_length=TEXT_MAX,
        label="What you need to do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave it empty if practices need to do nothing.",
    )
    action_by = forms.DateField(
        label="By when",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Needed when there is something to do.",
    )


class PublishForm(forms.Form):
    confirm_hard = forms.BooleanField(
        label="Publish it as it is, although it reads hard",
        required=False,
    )


class AcknowledgeForm(forms.Form):
    acknowledgement = forms.ChoiceField(
        label="Did the decision reach your practice?",
        choices=Acknowledgement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose discussed, understood or we have questions."},
    )
    discussed_on = forms.DateField(
        label="Date of the practice meeting",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="If you discussed it at your practice meeting.",
    )
    question = forms.CharField(
        max_length=TEXT_MAX,
        label="Your question",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If you have questions: the facilitator answers, and the answer shows on the "
        "briefing for every practice.",
    )


class ActionForm(forms.Form):
    status = forms.ChoiceField(
        label="Is the action in place at your practice?",
        choices=[c for c in ActionStatus.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose in place or exception."},
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label="Why is your practice an exception?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your question."},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        max_length=TEXT_MAX,
        label="Your answer (every practice sees it)",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the answer."},
    )


class TouchForm(forms.Form):
    channel = forms.ChoiceField(
        label="How did the briefing reach them?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the briefing reached them."},
    )
    happened_on = forms.DateField(
        label="When",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date it reached them."},
    )
    practices = forms.TypedMultipleChoiceField(
        label="Which practices",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one practice."},
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, practices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practices"].choices = practices  # type: ignore[attr-defined]


class AboutForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="What the leadership group is and what it does",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="In plain English, for a practice manager who has never heard of the group.",
        error_messages={"required": "Say what the leadership group is and what it does."},
    )
    confirm_hard = forms.BooleanField(
        label="Publish it as it is, although it reads hard", required=False
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search decisions", required=False, max_length=100)
