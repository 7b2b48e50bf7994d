"""Forms for the contact log, the weekly e-mail counts, calendar import and rhythms. They
parse input and name the field in every message; the services enforce the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from relationships import ics
from relationships.models import Mode, Period, Scope
from relationships.selectors.contacts import Nameable

DATE_HINT = "For example, 2026-03-17"


def _choices(organisations: list[Any]) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in organisations]


def _organisation_field(label: str, *, which: str, required: str = "") -> forms.TypedChoiceField:
    """An organisation chosen from a list, as its id. Optional unless `required` gives the
    message for a missing choice; `which` names it in the message for a wrong one."""
    errors = {"invalid_choice": f"Choose {which} from the list."}
    if required:
        errors["required"] = required
    return forms.TypedChoiceField(
        label=label, coerce=int, required=bool(required), empty_value=None, error_messages=errors
    )


class ContactForm(forms.Form):
    """The quick add: who, how, when (today unless changed); length and note optional."""

    organisation = _organisation_field(
        "Other organisation",
        which="the other organisation",
        required="Choose the other organisation in the contact.",
    )
    also = forms.TypedMultipleChoiceField(
        label="Other organisations also in it (optional)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose the other organisations from the list."},
    )
    mode = forms.ChoiceField(
        label="How",
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you were in contact: e-mail, phone, video, in person or other.",
            "invalid_choice": "Choose how you were in contact from the list.",
        },
    )
    happened_on = forms.DateField(
        label="Date",
        help_text=DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date of the contact.",
            "invalid": "Enter the date of the contact as a real date, for example 2026-03-17.",
        },
    )
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
    people = forms.TypedMultipleChoiceField(
        label="People in it (optional)",
        coerce=int,
        required=False,
        help_text="They see the note; you always do.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose the people from the list."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        help_text="Shown only to the people in the contact.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer."},
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Any],
        has_own: bool = True,
        own_organisation: int | None = None,
        people: Sequence[Nameable] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not has_own:  # a convenor who works for no member organisation names them all
            self.fields["organisation"].label = "Organisation"
            self.fields["also"].label = "Other organisations in it"
        choices = _choices(organisations)
        self.fields["organisation"].choices = [("", "Choose an organisation"), *choices]  # type: ignore[attr-defined]
        self.fields["also"].choices = choices  # type: ignore[attr-defined]
        self.own_organisation = own_organisation
        self.nameable = {p.user_id: p for p in people}
        self.fields["people"].choices = [(p.user_id, p.label) for p in people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organisation") is None or "people" not in data:
            return data
        own = [self.own_organisation] if self.own_organisation else []
        in_contact = {*own, *self.organisation_ids()}
        for pk in data["people"]:
            someone = self.nameable[pk]
            if someone.organisation_id not in in_contact:
                self.add_error(
                    "people",
                    f"{someone.name} works for {someone.organisation_name}, "
                    "which is not in this contact.",
                )
        return data

    def participant_ids(self) -> list[int]:
        return list(self.cleaned_data.get("people", []))

    def clean_happened_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date of the contact cannot be in the future.")
        return day

    def organisation_ids(self) -> list[int]:
        first = self.cleaned_data["organisation"]
        return [first, *(pk for pk in self.cleaned_data.get("also", []) if pk != first)]

    def happened_at(self) -> dt.datetime:
        """Now for a contact today; midday for an earlier day."""
        day = self.cleaned_data["happened_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class EmailCountsForm(forms.Form):
    """One number per other organisation: the e-mails exchanged with it this week."""

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for o in organisations:
            self.fields[f"org_{o.pk}"] = forms.IntegerField(
                label=o.name,
                required=False,
                min_value=0,
                max_value=1000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": f"Enter the e-mails exchanged with {o.name} as a number.",
                    "min_value": f"Give the e-mails exchanged with {o.name}, between 0 and 1,000.",
                    "max_value": f"Give the e-mails exchanged with {o.name}, between 0 and 1,000.",
                },
            )
        self.organisation_ids = [o.pk for o in organisations]

    def counts(self) -> dict[int, int]:
        return {pk: self.cleaned_data.get(f"org_{pk}") or 0 for pk in self.organisation_ids}


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Export your calendar from Outlook, Google Calendar or Thunderbird "
        "as an .ics file. "
        f"The largest file we read is {ics.MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose the calendar file to upload.",
            "empty": "The calendar file is empty. Export your calendar again and upload that file.",
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > ics.MAX_BYTES:
            raise forms.ValidationError(
                f"The calendar file is {upload.size / (1024 * 1024):.1f} MB; the largest file "
                f"we read is {ics.MAX_BYTES // (1024 * 1024)} MB. Export a shorter date range."
            )
        return upload


def name_from_address(address: str) -> str:
    """'priya.shah@example.org' -> 'Priya Shah'."""
    local = address.split("@", 1)[0]
    parts = [p for p in local.replace("_", ".").replace("-", ".").split(".") if p]
    return " ".join(p.capitalize() for p in parts) or address


class MatchForm(forms.Form):
    """Match an address from the calendar to a member organisation."""

    organisation = _organisation_field(
        "Organisation",
        which="the organisation",
        required="Choose the organisation this person works for.",
    )
    name = forms.CharField(
        label="Name",
        max_length=150,
        error_messages={"required": "Enter the person's name."},
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "Choose an organisation"),
            *_choices(organisations),
        ]


class RhythmForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="For example, 'Weekly call' or 'Monthly face-to-face'.",
        error_messages={"required": "Name the rhythm, for example 'Weekly call'."},
    )
    scope = forms.ChoiceField(
        label="With whom",
        choices=Scope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose with whom: another organisation, a PCN or the leadership group."
        },
    )
    first_organisation = _organisation_field(
        "Between (for two organisations)", which="the first organisation"
    )
    organisation = _organisation_field(
        "With (for two organisations)", which="the other organisation"
    )
    pcn = _organisation_field("PCN (for a PCN's practices)", which="the PCN")
    modes = forms.MultipleChoiceField(
        label="How you keep it",
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose how you keep it: phone, video, in person..."},
    )
    period = forms.ChoiceField(
        label="How often",
        choices=Period.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often: weekly, every two weeks or monthly."},
    )
    min_minutes = forms.IntegerField(
        label="Shortest length in minutes (optional)",
        required=False,
        min_value=1,
        max_value=24 * 60,
        help_text="A contact shorter than this does not keep the rhythm.",
        error_messages={
            "invalid": "Enter the shortest length in minutes as a number, for example 30.",
            "min_value": "Give the shortest length in minutes, between 1 and 1,440.",
            "max_value": "Give the shortest length in minutes, between 1 and 1,440.",
        },
    )
    starts_on = forms.DateField(
        label="Starts on",
        help_text=DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the rhythm starts.",
            "invalid": "Enter the date the rhythm starts as a real date, for example 2026-03-17.",
        },
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Any],
        pcns: list[Any],
        own_organisation: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "Choose an organisation")]
        self.own_organisation = own_organisation
        others = [o for o in organisations if o.pk != own_organisation]
        if own_organisation is None:
            self.fields["first_organisation"].choices = blank + _choices(organisations)  # type: ignore[attr-defined]
        else:
            del self.fields["first_organisation"]
        self.fields["organisation"].choices = blank + _choices(others)  # type: ignore[attr-defined]
        if pcns:
            self.fields["pcn"].choices = [("", "Choose a PCN"), *_choices(pcns)]  # type: ignore[attr-defined]
        else:
            del self.fields["pcn"]
            self.fields["scope"].choices = [  # type: ignore[attr-defined]
                c for c in Scope.choices if c[0] != Scope.PCN
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == Scope.PAIR:
            if not data.get("organisation"):
                self.add_error("organisation", "Choose the other organisation for a pair.")
            if "first_organisation" in self.fields and not data.get("first_organisation"):
                self.add_error("first_organisation", "Choose the first organisation of the pair.")
        if scope == Scope.PCN and not data.get("pcn"):
            self.add_error("pcn", "Choose the PCN whose practices keep the rhythm.")
        return data
