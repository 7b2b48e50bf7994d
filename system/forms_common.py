"""What whole-system working's forms share: the search box, the confirmation, and the fields
for free text, a date and a choice from a list, each naming itself in its messages."""

from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import TEXT_MAX

DATE_HINT = "For example, 2026-03-17"


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in: the button is the confirmation."""


def text_field(
    label: str, *, required: bool = False, help_text: str = "", rows: int = 4, empty: str = ""
) -> forms.CharField:
    """Free text in a text area, up to alliance.limits.TEXT_MAX. `empty` is the message when
    a required one is left empty ("Enter <label>." unless given)."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": empty or f"Enter {label[0].lower() + label[1:]}.",
            "max_length": f"Keep this to {TEXT_MAX:,} characters or fewer.",
        },
    )


def date_field(label: str, *, what: str = "", required: bool = True) -> forms.DateField:
    """A date picked in the browser; its messages name `what` ("the <label>" unless given)."""
    what = what or f"the {label.lower()}"
    return forms.DateField(
        label=label,
        help_text=DATE_HINT,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter {what}.",
            "invalid": f"Enter {what} as a real date, for example 2026-03-17.",
        },
    )


def choice_field(
    label: str,
    *,
    which: str,
    required: str = "",
    help_text: str = "",
    widget: type[forms.Widget] | None = None,
) -> forms.TypedChoiceField:
    """One of a list, as its id (the form sets the choices). Optional unless `required` gives
    the message for a missing choice; `which` names it in the message for a wrong one."""
    errors = {"invalid_choice": f"Choose {which} from the list."}
    if required:
        errors["required"] = required
    more: dict[str, Any] = {"widget": widget} if widget is not None else {}
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=bool(required),
        empty_value=None,
        help_text=help_text,
        error_messages=errors,
        **more,
    )
