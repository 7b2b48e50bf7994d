from __future__ import annotations

from typing import Any

from django import forms

from alliance.limits import EMAIL_MAX
from directory.models import Organisation, OrganisationKind, OrganisationStatus, PersonRole


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label="Name, ODS code or postcode", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *OrganisationKind.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *OrganisationStatus.choices],
    )
    icb = forms.CharField(label="ICB code", required=False, max_length=8)
    pcn = forms.CharField(label="PCN code", required=False, max_length=8)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "status", "address", "postcode", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}


SHARED = ""


class OrganisationCreateForm(OrganisationForm):
    owner = forms.ChoiceField(
        label="Whose record is it?",
        widget=forms.RadioSelect,
        required=False,
        help_text="An organisation you add for a collective is that collective's own: only "
        "its members see it and only its convenors change it.",
    )

    class Meta(OrganisationForm.Meta):
        fields = ["name", "kind", "address", "postcode", "phone"]

    def __init__(
        self, *args: Any, steward: bool, collectives: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "name"
        ].help_text = (
            "Organisations with an ODS code come from the NHS files: search for them instead."
        )
        choices = [(slug, f"{name}'s own") for slug, name in collectives]
        if steward:
            choices.insert(0, (SHARED, "Shared directory data, for every collective"))
        owner = self.fields["owner"]
        owner.choices = choices  # type: ignore[attr-defined]
        owner.required = not steward
        owner.initial = choices[0][0] if choices else SHARED


class PersonForm(forms.Form):
    name = forms.CharField(max_length=150)
    job_title = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=[("", "None of these"), *PersonRole.choices], required=False)
    email = forms.EmailField(max_length=EMAIL_MAX, label="E-mail address", required=False)
    phone = forms.CharField(label="Telephone", max_length=40, required=False)


class ImportForm(forms.Form):
    practices = forms.FileField(
        label="Practices file (epraccur)", help_text="epraccur.csv, or the .zip it comes in."
    )
    pcns = forms.FileField(
        label="PCN file (ePCN.xlsx or the epcn report)",
        required=False,
        help_text="ePCN.xlsx, which holds everything about the PCNs; or the epcn CSV report, "
        "which adds their open dates and addresses to the core partner report below.",
    )
    pcn_partners = forms.FileField(
        label="PCN core partner report (CSV)",
        required=False,
        help_text="epcncorepartnerdetails.csv: the PCNs' names and their practices. It may come "
        "on its own, or with the epcn report, but not with ePCN.xlsx.",
    )
    force = forms.BooleanField(
        label="Import even if the file has over 15% fewer active practices than last time",
        required=False,
    )
