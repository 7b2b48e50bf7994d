"""Forms for the register and the ledger. They parse input and name the field in every
message; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import TEXT_MAX
from shared_services.models import Answer, Better, ServiceKind, Stage

DATE_HINT = "For example, 2026-03-17"
TITLE_MAX = 200


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    form.fields[name].choices = choices  # type: ignore[attr-defined]


def _date(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a real date, for example 2026-03-17.",
        },
    )


def _text(
    label: str, *, required: bool = True, help_text: str = "", rows: int = 4
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}."},
    )


def _choice(label: str, choices: Any, which: str, *, radio: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={
            "required": f"Choose {which}.",
            "invalid_choice": f"Choose {which} from the list.",
        },
    )


class ServiceForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=TITLE_MAX,
        error_messages={"required": "Enter the service's name."},
    )
    kind = _choice("Kind of service", ServiceKind.choices, "what kind of service it is")
    host = forms.TypedChoiceField(
        label="Hosted by",
        coerce=int,
        help_text="The federation, PCN or practice that hosts the service.",
        error_messages={
            "required": "Choose who hosts the service.",
            "invalid_choice": "Choose who hosts the service from the list.",
        },
    )
    lead = forms.TypedChoiceField(
        label="Lead (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose the lead from the list."},
    )
    purpose = _text("What it is for (optional)", required=False)
    service_levels = _text(
        "Service levels (optional)",
        required=False,
        help_text='What practices can expect, in plain English: for example, "documents '
        'coded within 2 working days". Markdown.',
    )

    def __init__(self, *args: Any, hosts: list[Any], leads: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "host",
            [("", "Choose")] + [(o.pk, f"{o.name} ({o.get_kind_display()})") for o in hosts],
        )
        _set_choices(
            self,
            "lead",
            [("", "No lead yet")] + [(m.user_id, m.user.full_name or m.user.email) for m in leads],
        )


class NewServiceForm(ServiceForm):
    practices = forms.TypedMultipleChoiceField(
        label="Practices taking part (optional)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose the practices from the list."},
    )

    def __init__(self, *args: Any, practices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "practices", [(o.pk, o.name) for o in practices])


class StageForm(forms.Form):
    stage = _choice("Move to", Stage.choices, "the stage", radio=True)
    reason = _text("Why", help_text="Everyone sees who moved it and why.", rows=3)


class PracticeForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Practice",
        coerce=int,
        error_messages={
            "required": "Choose the practice.",
            "invalid_choice": "Choose the practice from the list.",
        },
    )
    joined_on = _date("Date it joins")

    def __init__(self, *args: Any, practices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "organisation", [("", "Choose")] + [(o.pk, o.name) for o in practices])


class LeaveForm(forms.Form):
    left_on = _date("Date it leaves")


class DecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        label="Decision",
        coerce=int,
        error_messages={
            "required": "Choose the decision.",
            "invalid_choice": "Choose the decision from the list.",
        },
    )

    def __init__(self, *args: Any, decisions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "decision",
            [("", "Choose")] + [(d.pk, f"{d.title} ({d.recorded_at:%d %B %Y})") for d in decisions],
        )


class MeasureForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=TITLE_MAX, error_messages={"required": "Enter the measure's name."}
    )
    unit = forms.CharField(
        label="Unit",
        max_length=60,
        help_text="For example: days, %, hours a week.",
        error_messages={"required": "Enter the unit it is measured in."},
    )
    better = _choice(
        "Which direction is better", Better.choices, "which direction is better", radio=True
    )
    baseline = forms.FloatField(
        label="Baseline (optional)",
        required=False,
        error_messages={"invalid": "Enter the baseline as a number."},
    )
    target = forms.FloatField(
        label="Target (optional)",
        required=False,
        error_messages={"invalid": "Enter the target as a number."},
    )


class ValueForm(forms.Form):
    month = forms.CharField(
        label="Month",
        max_length=20,
        help_text="For example, 2026-03",
        error_messages={"required": "Enter the month, for example 2026-03."},
    )
    value = forms.FloatField(
        label="Value",
        error_messages={"required": "Enter the value.", "invalid": "Enter the value as a number."},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="A CSV file of months and values",
        help_text="Two columns, month (2026-03) and value; a header row is optional.",
        error_messages={"required": "Choose a CSV file to upload."},
    )


class WayForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        error_messages={"required": "Enter the way of working's title."},
    )
    text = _text(
        "What every practice will do",
        help_text='One way, in plain English: for example, "incoming documents are coded '
        'with protocol v2 within 2 working days".',
    )


class ReviseForm(forms.Form):
    text = _text("What every practice will do")
    change_note = _text("What changed, and why", rows=3)


class AnswerForm(forms.Form):
    answer = _choice("Your practice's answer", Answer.choices, "your practice's answer", radio=True)
    variation = _text("What differs in your practice", required=False, rows=3)
    variation_reason = _text("Why it differs", required=False, rows=3)
    variation_until = _date("Date the variation ends", required=False)
    would_help = _text("What would help you agree", required=False, rows=3)
    reason = _text("Why you decline", required=False, rows=3)


class SettingsForm(forms.Form):
    may_run_before_all_agree = forms.BooleanField(
        label="A service may go live before every practice has agreed every way of working",
        required=False,
    )
