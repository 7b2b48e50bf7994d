"""Forms for the provider voice. They parse input and name the field in every message; the
services (system.services_voice) hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from system.forms_common import SearchForm, choice_field, date_field, text_field
from system.models import EventKind, MandateStatus, NeedStatus
from system.services_voice import MandateEnding, NeedDecision

TITLE_MAX = 200
EVIDENCE_MAX = 300


STATUS_FILTERS = [("", "Any status"), ("open", "Still being worked on"), *NeedStatus.choices]


class NeedSearchForm(SearchForm):
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTERS)


class MandateSearchForm(SearchForm):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *MandateStatus.choices]
    )


class NeedForm(forms.Form):
    title = forms.CharField(
        label="The need, in a line",
        max_length=TITLE_MAX,
        help_text='For example, "No phlebotomy capacity after 1pm".',
        error_messages={"required": "Say what the need is, in a line."},
    )
    detail = text_field(
        "More detail (optional)",
        required=False,
        help_text="What happens, how often, and what it costs your patients and your practice.",
    )


class SupportForm(forms.Form):
    evidence = forms.CharField(
        label="One line of evidence",
        max_length=EVIDENCE_MAX,
        help_text='What your practice sees, for example "12 patients a week sent to the '
        'hospital for bloods".',
        error_messages={"required": "Give one line of evidence: what your practice sees."},
    )


class PrioritiseForm(forms.Form):
    decision = forms.ChoiceField(
        label="What the leadership group decides",
        choices=NeedDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose to prioritise the need or to set it aside.",
            "invalid_choice": "Choose to prioritise the need or to set it aside.",
        },
    )
    priority = forms.IntegerField(
        label="Priority (if prioritised)",
        required=False,
        min_value=1,
        max_value=999,
        help_text="1 is first.",
        error_messages={
            "invalid": "Give its priority as a number from 1 (first).",
            "min_value": "Give its priority as a number from 1 (first).",
            "max_value": "Give its priority as a number from 1 to 999.",
        },
    )
    reason = text_field(
        "Why",
        required=True,
        rows=3,
        help_text="The practices behind the need read it.",
        empty="Say why: the practices behind the need will read it.",
    )


class MandateForm(forms.Form):
    ask = text_field("What we ask", required=True, rows=3, empty="Say what we ask for.")
    of_whom = choice_field(
        "Of whom", which="the organisation", help_text="The system organisation we ask."
    )
    ods_code = forms.CharField(
        label="Not listed? Its ODS code",
        required=False,
        max_length=8,
        help_text="For example, QRL. It must be in the directory.",
    )
    opening_position = text_field(
        "Our opening position", required=True, rows=3, empty="Give our opening position."
    )
    limits = text_field(
        "Our limits",
        required=True,
        rows=3,
        help_text="How far we may go. Only the leadership group sees this.",
        empty="Give our limits: how far we may go.",
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["of_whom"].choices = [("", "Choose")] + [  # type: ignore[attr-defined]
            (o.pk, f"{o.name} ({o.get_kind_display()})") for o in organisations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = data.get("of_whom") or (data.get("ods_code") or "").strip()
        if not picked and "of_whom" not in self.errors:
            self.add_error("of_whom", "Choose the organisation we ask, or give its ODS code.")
        return data


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="What it was",
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a meeting, an offer or a note.",
            "invalid_choice": "Choose a meeting, an offer or a note.",
        },
    )
    happened_on = date_field("Date")
    text = text_field("What happened", required=True, rows=4, empty="Say what happened.")


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="How the negotiation ended",
        choices=MandateEnding.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the negotiation concluded or was abandoned.",
            "invalid_choice": "Say whether the negotiation concluded or was abandoned.",
        },
    )
    outcome = text_field(
        "The outcome",
        required=True,
        rows=4,
        help_text="In plain English: every practice reads it through the golden thread.",
        empty="Say what the outcome is.",
    )
    meaning = text_field(
        "What it means for a practice",
        required=True,
        rows=3,
        empty="Say what the outcome means for a practice.",
    )
    confirm_hard = forms.BooleanField(
        label="Publish it even if it reads hard",
        required=False,
        help_text="Only if you cannot make it simpler.",
    )
