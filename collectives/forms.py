from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import EMAIL_MAX
from collectives.models import HAND_ADDED_KINDS, ROLE_DESCRIPTIONS, Collective, Role
from directory.models import Organisation, Person, PersonRole


def _role_choices() -> list[tuple[str, str]]:
    return [(value, f"{label} – {ROLE_DESCRIPTIONS[Role(value)]}") for value, label in Role.choices]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return str(obj)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=_role_choices, widget=forms.RadioSelect)
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="Required for a representative or deputy: the member organisation they "
        "speak for.",
    )

    def __init__(self, *args: Any, collective: Collective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            collective_memberships__collective=collective
        ).order_by("name")


class InvitationForm(RoleForm):
    email = forms.EmailField(
        max_length=EMAIL_MAX,
        label="E-mail address",
        help_text="The invitation link is sent here. It works once, for 7 days.",
    )

    field_order = ["email", "role", "organisation"]


class CollectiveForm(forms.ModelForm):
    class Meta:
        model = Collective
        fields = ["name", "area", "description", "readability_threshold"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class MemberOrganisationForm(forms.Form):
    display_name = forms.CharField(
        label="Local name",
        max_length=200,
        required=False,
        help_text="What your collective calls it, if not its official name. Only your "
        "collective sees it; the directory keeps the official name.",
    )
    note = forms.CharField(
        label="Note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only your collective's members see it.",
    )
    is_leadership = forms.BooleanField(
        required=False, label="A member of the local GP leadership group"
    )


class PersonRolesForm(forms.Form):
    """One choice per person: their role in the collective, or the directory's."""

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {f"role_{p.pk}": p for p in people}
        for name, person in self.people.items():
            directory_role = person.get_role_display() or "none recorded"
            self.fields[name] = forms.ChoiceField(
                label=person.name,
                required=False,
                choices=[("", f"As in the directory ({directory_role})"), *PersonRole.choices],
                initial=getattr(person, "role_here", None) or "",
                help_text=person.job_title,
            )

    def roles(self) -> dict[Person, str]:
        return {person: self.cleaned_data[name] for name, person in self.people.items()}


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


class MemberSearchForm(SearchForm):
    role = forms.ChoiceField(
        choices=[("", "All roles"), *Role.choices], required=False, label="Role"
    )


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=HAND_ADDED_KINDS, label="Kind of organisation")
    postcode = forms.CharField(max_length=10, required=False)
    is_leadership = forms.BooleanField(
        required=False, label="A member of the local GP leadership group"
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Not a common password.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        """The two passwords match; the service checks the password itself."""
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        return data
