"""Forms of the who-does-what pages: they parse what was typed and ticked; every rule is in
shared_services.services_matrix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from alliance.limits import TEXT_MAX
from shared_services import matrix_rules as rules
from shared_services.models import Function, Raci
from shared_services.selectors_matrix import Body

LETTER_CHOICES = [(value, f"{label} ({value})") for value, label in Raci.choices]


class MatrixSearchForm(forms.Form):
    q = forms.CharField(label="Search functions", required=False, max_length=100)


class FunctionForm(forms.Form):
    name = forms.CharField(
        label="Name of the function",
        max_length=200,
        help_text="What is done at scale, for example “Estates” or “Staff bank”.",
        error_messages={"required": "Give the function a name."},
    )


class CellsForm(forms.Form):
    """Who does what for each function given: a group of R, A, C and I boxes per body."""

    def __init__(
        self,
        data: Any = None,
        *,
        functions: Iterable[Function],
        bodies: list[Body],
        roles: Mapping[str, Mapping[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.functions = list(functions)
        self.bodies = bodies
        for function in self.functions:
            for body in bodies:
                self.fields[self.field_name(function, body)] = forms.MultipleChoiceField(
                    label=body.name,
                    choices=LETTER_CHOICES,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=list(roles.get(function.name, {}).get(body.key, "")),
                )

    @staticmethod
    def field_name(function: Function, body: Body) -> str:
        return f"f{function.pk}_{body.slot}"

    def groups(self) -> list[tuple[Function, list[Any]]]:
        """Each function with its bodies' fields (bound), for the page."""
        return [
            (function, [self[self.field_name(function, body)] for body in self.bodies])
            for function in self.functions
        ]

    def cells(self) -> list[dict[str, str]]:
        """The ticked letters as cells: every body of every function (letters "" for none)."""
        return [
            {
                "function": function.name,
                "body": body.key,
                "roles": rules.roles_normalised(
                    self.cleaned_data.get(self.field_name(function, body)) or []
                ),
            }
            for function in self.functions
            for body in self.bodies
        ]


class ChangeNewForm(forms.Form):
    summary = forms.CharField(
        label="What is the change, in a few words",
        max_length=200,
        help_text="For example “The federation becomes accountable for estates”.",
        error_messages={"required": "Say in a few words what the change is."},
    )
    functions = forms.MultipleChoiceField(
        label="Which functions does it change?",
        widget=forms.CheckboxSelectMultiple,
        help_text="You set who does what for each of them next, starting from how it is now.",
        error_messages={"required": "Choose at least one function to change."},
    )

    def __init__(self, *args: Any, functions: Iterable[Function], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_functions = {str(f.pk): f for f in functions}
        field = self.fields["functions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(pk, f.name) for pk, f in self.all_functions.items()]

    def chosen(self) -> list[Function]:
        return [self.all_functions[pk] for pk in self.cleaned_data["functions"]]


class ChangeEditForm(CellsForm):
    """A draft: its summary, the functions it changes and who does what for each of them."""

    def __init__(
        self,
        data: Any = None,
        *,
        all_functions: Iterable[Function],
        summary: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.all_functions = {str(f.pk): f for f in all_functions}
        self.fields["summary"] = forms.CharField(
            label="What is the change, in a few words",
            max_length=200,
            initial=summary,
            error_messages={"required": "Say in a few words what the change is."},
        )
        self.fields["functions"] = forms.MultipleChoiceField(
            label="Which functions does it change?",
            widget=forms.CheckboxSelectMultiple,
            choices=[(pk, f.name) for pk, f in self.all_functions.items()],
            initial=[str(f.pk) for f in self.functions],
            help_text="A function you add starts from how it is now; one you untick is "
            "left out of the change.",
            error_messages={"required": "Choose at least one function to change."},
        )

    def chosen(self) -> list[Function]:
        return [self.all_functions[pk] for pk in self.cleaned_data["functions"]]


class ProposeForm(forms.Form):
    problem = forms.CharField(
        label="Why change who does what?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        help_text="The problem the change solves, for the leadership group. The proposal "
        "lists the changes as a table of before and after.",
        error_messages={"required": "Say why who does what should change."},
    )


class ApplyForm(forms.Form):
    summary = forms.CharField(
        label="In plain English",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        help_text="What the group decided, as practices will read it.",
        error_messages={"required": "Say in plain English what the group decided."},
    )
    meaning = forms.CharField(
        label="What it means for your practice",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
        error_messages={"required": "Say what the decision means for a practice."},
    )
    confirm_hard = forms.BooleanField(
        label="Publish it even if it reads hard",
        required=False,
        help_text="A briefing that scores under the collective's plain-English threshold is "
        "published only if you tick this.",
    )

    def __init__(self, *args: Any, briefing_written: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if briefing_written:  # the decision's briefing is already written: it is used as it is
            del self.fields["summary"]
            del self.fields["meaning"]
