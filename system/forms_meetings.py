"""Forms for system meetings. They parse input and name the field in every message; the
rules are in system.services_meetings (and the recurrence's in system.rules_meetings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from system.forms_common import choice_field, date_field, text_field
from system.models import Stance
from system.rules_meetings import (
    NTH,
    WEEKDAYS,
    RecurrenceError,
    Repeats,
    describe,
    plain_choices,
    rule_from_choices,
)
from system.selectors_meetings import WhenFilter, stakeholder_label

TIME_HINT = "For example, 14:30"
KEEP = "keep"


def _time(label: str, what: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=TIME_HINT,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": f"Enter the time {what} starts.",
            "invalid": f"Enter the time {what} starts as hours and minutes, for example 14:30.",
        },
    )


def _place() -> forms.CharField:
    return forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=200,
        help_text="A room, or 'Teams'.",
        error_messages={"max_length": "Keep the place under 200 characters."},
    )


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class MeetingSearchForm(forms.Form):
    q = forms.CharField(label="Series name", required=False, max_length=200)
    when = forms.ChoiceField(label="When", required=False, choices=WhenFilter.choices)
    series = forms.TypedChoiceField(label="Series", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, series: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", "Every series"), *((s.pk, s.name) for s in series)]  # type: ignore[attr-defined]


class FindForm(forms.Form):
    find = forms.CharField(
        label="Find the organisation that holds it in the directory (optional)",
        required=False,
        max_length=200,
        help_text="Part of its name, its ODS code or postcode; then choose it below. The list "
        "already has the collective's key organisations and its stakeholders' organisations.",
    )


class SeriesForm(forms.Form):
    """A series: its name, its holder and how often it meets. A new series also asks when
    the first meeting is, and schedules a year of meetings from it."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Place partnership board, or ICB board.",
        error_messages={
            "required": "Enter the meeting's name.",
            "max_length": "Keep the name under 200 characters.",
        },
    )
    organisation = choice_field("Held by (optional)", which="the organisation that holds it")
    repeats = forms.ChoiceField(
        label="How often it meets",
        widget=forms.RadioSelect,
        choices=Repeats.choices,
        error_messages={
            "required": "Choose how often the meeting happens.",
            "invalid_choice": "Choose how often the meeting happens from the list.",
        },
    )
    every = forms.IntegerField(
        label="Every how many weeks (for 'Every few weeks')",
        required=False,
        min_value=2,
        max_value=52,
        error_messages={
            "invalid": "Say every how many weeks it meets as a number, for example 2.",
            "min_value": "Say every how many weeks it meets: a number from 2 to 52.",
            "max_value": "Say every how many weeks it meets: a number from 2 to 52.",
        },
    )
    weekday = forms.ChoiceField(
        label="Day of the week",
        required=False,
        choices=[("", "The day of the first meeting"), *WEEKDAYS],
        error_messages={"invalid_choice": "Choose the day of the week from the list."},
    )
    nth = forms.TypedChoiceField(
        label="Which of the month's weekdays (for 'Every month')",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "As on the first meeting's date"), *NTH],
        error_messages={"invalid_choice": "Choose first to fourth, or last, from the list."},
    )

    def __init__(
        self,
        *args: Any,
        holders: Sequence[Any] = (),
        new: bool = True,
        rule: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.new, self.rule = new, rule
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "No organisation holds it"),
            *((o.pk, o.name) for o in holders),
        ]
        if new:
            self.fields["first_date"] = date_field(
                "Date of the first meeting", what="the date of the first meeting"
            )
            self.fields["first_time"] = _time("Time", "the meeting")
            self.fields["place"] = _place()
        else:
            self.fields["weekday"].choices = [("", "Choose a day"), *WEEKDAYS]  # type: ignore[attr-defined]
            self.fields["nth"].choices = [("", "Choose which"), *NTH]  # type: ignore[attr-defined]
            plain = plain_choices(rule)
            if plain is None:
                self.fields["repeats"].choices = [  # type: ignore[attr-defined]
                    (KEEP, f"As it is now: {describe(rule)}"),
                    *Repeats.choices,
                ]
                self.initial.setdefault("repeats", KEEP)
            else:
                self.initial.setdefault("repeats", plain.repeats)
                self.initial.setdefault("weekday", plain.weekday)
                self.initial.setdefault("every", plain.every)
                self.initial.setdefault("nth", plain.nth)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeats = data.get("repeats")
        if not repeats:
            return data
        if repeats == KEEP:
            data["recurrence"] = self.rule
            return data
        weekday, nth = data.get("weekday") or "", data.get("nth")
        first = data.get("first_date") if self.new else None
        if first is not None:
            weekday = weekday or WEEKDAYS[first.weekday()][0]
            if nth is None:
                nth = -1 if first.day > 28 else (first.day - 1) // 7 + 1
        try:
            data["recurrence"] = rule_from_choices(
                repeats, weekday=weekday, every=data.get("every"), nth=nth
            )
        except RecurrenceError as error:
            for name, message in error.args[0].items():
                self.add_error(name if name in self.fields else None, message)
        if self.new and data.get("first_date") and data.get("first_time"):
            data["starts_at"] = _moment(data["first_date"], data["first_time"])
        return data


class ScheduleForm(forms.Form):
    """Schedule a year of the series' meetings from a date (or the one-off's meeting)."""

    first_date = date_field(
        "Date of the first meeting to schedule", what="the date of the first meeting"
    )
    first_time = _time("Time", "the meeting")
    place = _place()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_date") and data.get("first_time"):
            data["starts_at"] = _moment(data["first_date"], data["first_time"])
        return data


class MeetingForm(forms.Form):
    """Move one meeting, or change its place."""

    date = date_field("Date", what="the date of the meeting")
    time = _time("Time", "the meeting")
    place = _place()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("time"):
            data["starts_at"] = _moment(data["date"], data["time"])
        return data


class AttendeesForm(forms.Form):
    attendees = forms.TypedMultipleChoiceField(
        label="The GP leaders who attend for general practice",
        help_text="Fewer is better: one or two voices the system hears again and again.",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose the GP leaders from the list."},
    )

    def __init__(self, *args: Any, leaders: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(u.pk, u.display_name) for u in leaders]  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    title = forms.CharField(
        label="Item",
        max_length=200,
        help_text="As the meeting's agenda names it.",
        error_messages={
            "required": "Enter the item's title.",
            "max_length": "Keep the title under 200 characters.",
        },
    )
    our_position = text_field(
        "Our position (optional)",
        required=False,
        help_text="What general practice will say, and what we want from the item.",
    )
    decision = choice_field("From a decision of the collective (optional)", which="the decision")
    mandate = choice_field("From a negotiation mandate (optional)", which="the mandate")

    def __init__(
        self,
        *args: Any,
        decisions: Sequence[Any] = (),
        mandates: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            ("", "No decision"),
            *((d.pk, d.title) for d in decisions),
        ]
        self.fields["mandate"].choices = [  # type: ignore[attr-defined]
            ("", "No mandate"),
            *((m.pk, m.need.title) for m in mandates),
        ]
        if not mandates:
            del self.fields["mandate"]


class ConversationForm(forms.Form):
    stakeholder = choice_field(
        "With whom",
        which="the stakeholder",
        required="Choose the stakeholder to talk to.",
    )
    by = choice_field("By whom", which="the GP leader", required="Choose who has the conversation.")
    stance = forms.ChoiceField(
        label="What they think",
        widget=forms.RadioSelect,
        choices=Stance.choices,
        initial=Stance.UNKNOWN,
        error_messages={
            "required": "Say what they think: with us, neutral, against or unknown.",
            "invalid_choice": "Choose what they think from the list.",
        },
    )
    done = forms.BooleanField(label="The conversation has happened", required=False)

    def __init__(
        self,
        *args: Any,
        stakeholders: Sequence[Any] = (),
        leaders: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a stakeholder"),
            *((s.pk, stakeholder_label(s)) for s in stakeholders),
        ]
        self.fields["by"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a GP leader"),
            *((u.pk, u.display_name) for u in leaders),
        ]


class OutcomeForm(forms.Form):
    outcome = text_field(
        "What came of it",
        required=True,
        empty="Enter what came of the item at the meeting.",
        help_text="What was agreed, and what happens next.",
    )


class PublishForm(forms.Form):
    summary = text_field(
        "In plain English",
        required=False,
        help_text="What happened at the meeting. Leave it as the outcome, or say it more simply.",
    )
    meaning = text_field(
        "What it means for your practice",
        required=True,
        empty="Say what the outcome means for a practice.",
        help_text="What changes for a practice, and what does not.",
    )
    confirm_hard = forms.BooleanField(
        label="Publish it as it is, although it reads hard", required=False
    )
