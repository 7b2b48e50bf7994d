from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import TEXT_MAX
from decisions.models import DecisionStatus, Phase, Stance, Temperature


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    problem = forms.CharField(
        max_length=TEXT_MAX, label="The problem", widget=forms.Textarea(attrs={"rows": 4})
    )
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="The proposal",
        help_text="You can use Markdown: **bold**, lists with - and links.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    why = forms.CharField(
        max_length=TEXT_MAX,
        label="Why this",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    changes_for_practices = forms.CharField(
        max_length=TEXT_MAX,
        label="What changes for practices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    facilitator = forms.TypedChoiceField(
        label="Facilitator",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Who works the proposal through: amends it and records the decision.",
    )
    closes_on = forms.DateField(
        label="Closing date (optional)",
        required=False,
        help_text="For example, 2026-12-31",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [  # type: ignore[attr-defined]
            ("", "Me"),
            *((m.pk, m.user.display_name) for m in people or []),
        ]


class AmendForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX, label="The proposal, amended", widget=forms.Textarea(attrs={"rows": 8})
    )
    addresses = forms.TypedMultipleChoiceField(
        label="Which objections and concerns does this amendment address?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addresses"].choices = [  # type: ignore[attr-defined]
            (i.pk, f"{i.get_kind_display()} from {i.organisation.name}: {i.text}") for i in items
        ]


class PositionForm(forms.Form):
    stance = forms.ChoiceField(
        label="Your organisation's position", choices=Stance.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label="Why",
        required=False,
        help_text="Needed for concerns, standing aside and objecting.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SenseCheckForm(forms.Form):
    temperature = forms.ChoiceField(
        label="At first sight", choices=Temperature.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecordForm(forms.Form):
    summary = forms.CharField(
        max_length=TEXT_MAX,
        label="The decision in plain English",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = forms.DateField(
        label="Review date (optional)",
        required=False,
        help_text="For example, 2027-06-30",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="Add to the discussion",
        help_text="Mention an organisation with @ and its name, e.g. @North PCN.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RevisitForm(forms.Form):
    why = forms.CharField(
        max_length=TEXT_MAX,
        label="Why should the group look at this again?",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *DecisionStatus.choices]
    )
    review_due = forms.BooleanField(label="Review due", required=False)


PHASE_ACTIONS = {
    Phase.SENSE_CHECK: "Start a sense check",
    Phase.CONSENT: "Start the consent round",
    Phase.PARKED: "Park it",
    Phase.WITHDRAWN: "Withdraw it",
    Phase.DRAFT: "Back to draft",
}
