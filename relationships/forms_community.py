"""Forms for nudges, asks for help and put-it-right records: they parse input; the rules are
in relationships.services."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import TEXT_MAX
from directory.models import Organisation

SNOOZE_CHOICES = [("1", "1 day"), ("7", "7 days"), ("28", "28 days")]


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Snooze for", choices=SNOOZE_CHOICES, coerce=int, initial="7", required=False
    )
    until = forms.DateField(
        label="Or until a date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date to snooze until, like 2025-03-20."},
    )


def _others(collective: Any, own: int | None) -> Any:
    return (
        Organisation.objects.filter(collective_memberships__collective=collective)
        .exclude(pk=own or 0)
        .order_by("name")
    )


class _OrganisationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AskForm(forms.Form):
    what = forms.CharField(
        max_length=TEXT_MAX,
        label="What do you need help with?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you need help with."},
    )
    needed_by = forms.DateField(
        label="Needed by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave it empty if there is no date.",
    )
    to = forms.ChoiceField(
        label="Who are you asking?",
        choices=[("everyone", "Everyone in the collective"), ("chosen", "Chosen organisations")],
        initial="everyone",
        widget=forms.RadioSelect,
    )
    organisations = _OrganisationChoice(
        label="Which organisations?",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only when you ask chosen organisations.",
    )

    def __init__(self, *args: Any, collective: Any, own: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = _others(collective, own)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == "chosen" and not data.get("organisations"):
            self.add_error("organisations", "Choose the organisations you are asking.")
        if data.get("to") == "everyone":
            data["organisations"] = []
        return data


class OfferForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="How can your organisation help?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how you can help."},
    )


class _OfferChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation.name}: {obj.text[:80]}"


class AnswerForm(forms.Form):
    offer = _OfferChoice(
        label="Which offer helped?",
        queryset=None,
        required=False,
        empty_label="None of these",
        widget=forms.RadioSelect,
    )
    thanks = forms.CharField(
        max_length=TEXT_MAX,
        label="Say thank you",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The organisation that helped will see it.",
    )

    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]


class PutItRightForm(forms.Form):
    mistake = forms.CharField(
        max_length=TEXT_MAX,
        label="What did we get wrong?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what went wrong."},
    )
    impact = forms.CharField(
        max_length=TEXT_MAX,
        label="What did it mean for others?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what it meant for others."},
    )
    will_do = forms.CharField(
        max_length=TEXT_MAX,
        label="What will we do about it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what you will do about it."},
    )
    apologises_to = _OrganisationChoice(
        label="Who do we apologise to?",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the organisations you apologise to."},
    )
    decision: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="A decision of the collective it relates to (optional)",
        queryset=None,
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, collective: Any, own: int | None, **kwargs: Any) -> None:
        from decisions.models import Decision

        super().__init__(*args, **kwargs)
        self.fields["apologises_to"].queryset = _others(collective, own)  # type: ignore[attr-defined]
        self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
            collective=collective
        ).order_by("-recorded_at", "-id")


class ResponseForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your response."},
    )
