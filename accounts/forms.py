from __future__ import annotations

from django import forms
from django.conf import settings


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as the program or report that will use it.",
        error_messages={
            "required": "Give the token a name, such as the program that uses it.",
            "max_length": "A token's name can be at most 100 characters long.",
        },
    )
    days = forms.IntegerField(
        label="Days until it expires",
        initial=settings.API_TOKEN_DAYS,
        help_text=f"From 1 to {settings.API_TOKEN_MAX_DAYS} days. When it expires, make a new one.",
        error_messages={
            "required": "Enter how many days the token should last.",
            "invalid": "Enter the number of days as a whole number, such as 90.",
        },
    )
