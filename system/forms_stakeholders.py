"""Forms for stakeholders: they parse input and name the field in every message; the
services (system.services_stakeholders) enforce the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from alliance.limits import EMAIL_MAX
from directory.models import Organisation, OrganisationKind, Person
from relationships.models import Mode
from system.forms_common import SearchForm, choice_field, date_field, text_field
from system.selectors_stakeholders import SWAY_LABELS, WARMTH_LABELS
from system.services_stakeholders import NAME_MAX, ROLE_MAX, SYSTEM_KINDS

NEW_PERSON = ""


def _role() -> forms.CharField:
    return forms.CharField(
        label="Their role (optional)",
        required=False,
        max_length=ROLE_MAX,
        help_text="As we know it, e.g. Director of Strategy. Their job title if left empty.",
        error_messages={"max_length": f"Keep their role to {ROLE_MAX} characters or fewer."},
    )


class StakeholderSearchForm(SearchForm):
    organisation = choice_field("Organisation", which="an organisation")

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = "Their name, role or organisation."
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "Any organisation"),
            *((o.pk, o.name) for o in organisations),
        ]


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label="Their organisation",
        max_length=200,
        help_text="Its name or ODS code, e.g. Hampshire and Isle of Wight ICB, or QRL.",
        error_messages={"required": "Enter the name or ODS code of their organisation."},
    )


class StakeholderForm(forms.Form):
    """Someone already known at the organisation, or someone new."""

    person = choice_field("Who", which="who", widget=forms.RadioSelect)
    name = forms.CharField(
        label="Their name",
        required=False,
        max_length=NAME_MAX,
        error_messages={"max_length": f"Keep their name to {NAME_MAX} characters or fewer."},
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        required=False,
        max_length=ROLE_MAX,
        error_messages={"max_length": f"Keep the job title to {ROLE_MAX} characters or fewer."},
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        max_length=EMAIL_MAX,
        help_text="So that meetings with them imported from a calendar are matched.",
        error_messages={
            "invalid": "Enter an e-mail address in the right format, like name@example.org."
        },
    )
    role = _role()
    agenda_learned = text_field(
        "What we know of their agenda (optional)",
        help_text="Their organisation's priorities and their own, as far as we know them.",
    )

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        if people:
            field.choices = [  # type: ignore[attr-defined]
                *((p.pk, f"{p.name}, {p.job_title}" if p.job_title else p.name) for p in people),
                (NEW_PERSON, "Someone else: enter their details below"),
            ]
            self.fields["name"].help_text = "If they are not in the list above."
        else:
            del self.fields["person"]
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nobody = data.get("person") is None and not (data.get("name") or "").strip()
        if nobody and "name" not in self.errors:
            message = (
                "Choose who, or enter the name of someone new."
                if "person" in self.fields
                else "Enter their name."
            )
            self.add_error("name", message)
        return data


class StakeholderEditForm(forms.Form):
    role = _role()
    agenda_learned = text_field(
        "What we know of their agenda (optional)",
        help_text="Their organisation's priorities and their own, as far as we know them.",
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="e.g. Isle of Wight Council adult social care directorate",
        error_messages={
            "required": "Enter the organisation's name.",
            "max_length": "Keep the name to 200 characters or fewer.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[(k.value, k.label) for k in SYSTEM_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of organisation it is.",
            "invalid_choice": "Choose what kind of organisation it is from the list.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = OrganisationKind.LOCAL_AUTHORITY


def _scale(label: str, labels: dict[int, str], which: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[(n, f"{n}: {text}") for n, text in labels.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose their {which} from 1 to 5.",
            "invalid_choice": f"Choose their {which} from 1 to 5.",
        },
    )


class AssessmentForm(forms.Form):
    warmth = _scale("Warmth", WARMTH_LABELS, "warmth")
    sway = _scale("Sway", SWAY_LABELS, "sway")
    assessed_on = date_field("Date of the assessment")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "warmth"
        ].help_text = (
            "How approachable they are to us and how willing to listen: 1 is frosty, 5 is warm."
        )
        self.fields["sway"].help_text = (
            "How far their word turns into action inside their organisation: 1 is little, "
            "5 is decisive. The most senior person is not always the one with most sway."
        )
        self.fields["assessed_on"].initial = timezone.localdate()


class NoteForm(forms.Form):
    text = text_field(
        "Note",
        required=True,
        help_text="Personal data: seen only by the leadership group and the owners of a key "
        "relationship with them. Write only what is fair and needed.",
        rows=5,
    )


class ContactForm(forms.Form):
    mode = forms.ChoiceField(
        label="How",
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you were in contact: e-mail, phone, video, in person or other.",
            "invalid_choice": "Choose how you were in contact from the list.",
        },
    )
    happened_on = date_field("Date", what="the date of the contact")
    duration_minutes = forms.IntegerField(
        label="Length in minutes (optional)",
        required=False,
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "invalid": "Enter the length in minutes as a number, for example 30.",
            "min_value": "Give the length in minutes, between 1 and 1,440.",
            "max_value": "Give the length in minutes, between 1 and 1,440.",
        },
    )
    organisation = choice_field(
        "For which member organisation",
        which="the member organisation",
        required="Choose the member organisation you were there for.",
    )
    agenda_learned = text_field(
        "What did we learn about their agenda?",
        help_text="Their organisation's priorities and their own. Kept on their page.",
        rows=5,
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation] | None,
        first: bool,
        agenda_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()
        if organisations is None:  # the actor's own organisation
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [  # type: ignore[attr-defined]
                ("", "Choose an organisation"),
                *((o.pk, o.name) for o in organisations),
            ]
        if not first:
            del self.fields["agenda_learned"]
        elif agenda_required:
            self.fields["agenda_learned"].required = True
            self.fields["agenda_learned"].help_text = (
                "They are a key relationship and this is the first contact with them: say what "
                "we learned. It is kept on their page."
            )
            self.fields["agenda_learned"].error_messages["required"] = (
                "Say what we learned about their agenda: this is the first contact with a key "
                "relationship."
            )
        else:
            self.fields["agenda_learned"].label = "What did we learn about their agenda? (optional)"

    def clean_happened_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date of the contact cannot be in the future.")
        return day

    def happened_at(self) -> dt.datetime:
        """Now for a contact today; midday for an earlier day (as the contact log's form)."""
        day = self.cleaned_data["happened_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
