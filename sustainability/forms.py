"""The sustainability pages' forms: the search of the collective's practices and the upload
of national files. The rules are the importer's (the files are read there)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

#: The largest file the upload takes: the published files are under 40 MB (the workforce
#: census's "Detailed" practice file is the largest).
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_FILES = 10
_PERIOD = re.compile(r"20\d\d-\d\d")


class SearchForm(forms.Form):
    q = forms.CharField(label="Practice, ODS code or PCN", required=False, max_length=100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleaned into a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items if item] or [single(None, initial)]


class UploadForm(forms.Form):
    upload = MultipleFileField(
        label="National files (CSV)",
        help_text="NHS Payments to General Practice, Patients Registered at a GP Practice (the "
        "totals file), GP Workforce at practice level, or Fingertips exports for GP practices. "
        "Choose several at once to import them together.",
    )
    period = forms.CharField(
        label="Period (optional)",
        required=False,
        max_length=7,
        help_text="Only for a file whose name does not say its period: a financial year such "
        "as 2022-23 for payments, or a month such as 2023-09 for a workforce census.",
    )

    def clean_upload(self) -> list[Any]:
        files = [f for f in self.cleaned_data["upload"] if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Choose at most {MAX_FILES} files at a time.")
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
                )
        names = [f.name for f in files]
        if len(set(names)) != len(names):
            raise forms.ValidationError("Two of the files have the same name.")
        return files

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip()
        if period and not _PERIOD.fullmatch(period):
            raise forms.ValidationError(
                "Give a financial year such as 2022-23, or a month such as 2023-09."
            )
        return period
