"""The forms of the coverage, grid and agenda alignment pages: they parse; the rules are in
system.services_alignment and system.services_coverage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from decisions.models import Decision
from system.forms_common import choice_field
from system.models import Overlap, Priority, PriorityOwner
from system.selectors_alignment import AgendaView

TEXT_MAX = Priority._meta.get_field("text").max_length
NOTE_MAX = Overlap._meta.get_field("note").max_length


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label="Find an organisation in the directory",
        help_text="Its name, ODS code or postcode.",
        required=False,
        max_length=200,
    )


class GridFilterForm(forms.Form):
    q = forms.CharField(
        label="Search people",
        help_text="A name, a role, an organisation or an owner.",
        required=False,
        max_length=200,
    )
    organisation = choice_field("Organisation", which="an organisation")

    def __init__(self, data: Any, *, organisations: Iterable[Any]) -> None:
        super().__init__(data)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Every organisation"), *((o.pk, o.name) for o in organisations)]

    def filters(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "", None
        return self.cleaned_data["q"].strip(), self.cleaned_data["organisation"]


class OurPriorityForm(forms.Form):
    text = forms.CharField(
        label="Our priority",
        help_text="A short statement, such as “Phlebotomy for housebound patients”.",
        max_length=TEXT_MAX,
    )
    decision = choice_field("The decision behind it (optional)", which="the decision")

    def __init__(self, data: Any = None, *, decisions: Iterable[Decision] = ()) -> None:
        super().__init__(data)
        field = self.fields["decision"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "No decision"), *((d.pk, d.title) for d in decisions)]


ORGANISATION = "organisation"


class TheirPriorityForm(forms.Form):
    """A priority of the organisation's, or of one of the stakeholders there."""

    prefix = "theirs"

    whose = forms.ChoiceField(label="Whose priority is it?", widget=forms.RadioSelect)
    text = forms.CharField(label="Their priority", max_length=TEXT_MAX)

    def __init__(self, data: Any = None, *, view: AgendaView) -> None:
        super().__init__(data)
        choices: list[tuple[str, str]] = []
        if view.can_change_organisation:
            choices.append((ORGANISATION, f"{view.organisation.name} as a whole"))
        choices += [
            (str(s.stakeholder.pk), f"{s.name}, {s.role}" if s.role else s.name)
            for s in view.stakeholders
            if s.can_change
        ]
        field = self.fields["whose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if len(choices) == 1:
            self.initial["whose"] = choices[0][0]

    @property
    def has_choices(self) -> bool:
        field = self.fields["whose"]
        assert isinstance(field, forms.ChoiceField)
        return bool(field.choices)

    def owner(self) -> dict[str, Any]:
        """whose, organisation and stakeholder, as services_alignment.priority_add takes them."""
        chosen = self.cleaned_data["whose"]
        if chosen == ORGANISATION:
            return {"whose": PriorityOwner.ORGANISATION, "stakeholder": None}
        return {"whose": PriorityOwner.STAKEHOLDER, "stakeholder": int(chosen)}


class OverlapForm(forms.Form):
    """Where one of our priorities meets one of theirs."""

    prefix = "overlap"

    ours = forms.TypedChoiceField(label="Our priority", coerce=int)
    theirs = forms.TypedChoiceField(label="Meets their priority", coerce=int)
    note = forms.CharField(
        label="How they meet (optional)",
        help_text="For example, “Both want fewer admissions from care homes this winter”.",
        required=False,
        max_length=NOTE_MAX,
    )

    def __init__(self, data: Any = None, *, view: AgendaView, markable: list[Priority]) -> None:
        super().__init__(data)
        ours = self.fields["ours"]
        theirs = self.fields["theirs"]
        assert isinstance(ours, forms.TypedChoiceField)
        assert isinstance(theirs, forms.TypedChoiceField)
        ours.choices = [("", "Choose our priority"), *((p.pk, p.text) for p in view.ours)]
        theirs.choices = [
            ("", "Choose their priority"),
            *((p.pk, f"{view.whose(p)}: {p.text}") for p in markable),
        ]
