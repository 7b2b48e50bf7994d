"""Talk more than e-mail: each pair's and each PCN's mode mix over the collective's window,
and the page where convenors set the nudge thresholds.

The figures come from relationships.rules.mode_mix over facts loaded once
(relationships.nudges.facts), so the page runs a fixed number of queries however many
contacts there are. Pairs are listed by their organisations' names, never ranked: the page
shows how people talk, not a league table.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from relationships import rules, services
from relationships.nudges import thresholds_for
from relationships.selectors.mix import mix_page
from relationships.views.common import crumbs


def _weeks(n: int) -> str:
    return "1 week" if n == 1 else f"{n} weeks"


@collective_page("relationships")
def mix(request: HttpRequest, membership: Membership) -> HttpResponse:
    collective = membership.collective
    thresholds = thresholds_for(collective)
    page = mix_page(collective=collective, now=timezone.now(), thresholds=thresholds)
    title = f"Talk more than e-mail: the last {_weeks(thresholds.weeks)}"
    return render(
        request,
        "relationships/mix.html",
        {
            "title": title,
            "membership": membership,
            "weeks": _weeks(thresholds.weeks),
            "amber_percent": round(thresholds.email_share_amber * 100),
            "pairs": page.pairs,
            "pcns": page.pcns,
            "breadcrumbs": crumbs(membership, ("Talk more than e-mail", request.path)),
        },
    )


# The thresholds ---------------------------------------------------------------------------------


#: The settings form's fields: (name, label, hint, lowest, highest).
_FIELDS = (
    ("weeks", "Weeks the mode mix looks back", "The window of the pair and PCN figures.", 1, 52),
    (
        "email_only_weeks",
        "Weeks of e-mail only before a nudge",
        "A pair that only e-mailed for this long is nudged to talk.",
        1,
        52,
    ),
    (
        "min_emails",
        "E-mails before a nudge",
        "The fewest e-mails (or contacts) in the window before a pair is nudged.",
        1,
        100,
    ),
    (
        "missed_in_a_row",
        "Missed periods in a row before a nudge",
        "How many periods of a rhythm in a row must be missed before a nudge.",
        1,
        12,
    ),
    (
        "email_share_amber",
        "E-mail share shown amber, as a percentage",
        "A pair or PCN whose e-mail share is at or above this is shown amber, from 0 to 100.",
        0,
        100,
    ),
)


class HabitSettingsForm(forms.Form):
    """The collective's nudge thresholds; the e-mail share is a whole percentage here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint, low, high in _FIELDS:
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text=hint,
                widget=forms.NumberInput(attrs={"min": low, "max": high}),
                error_messages={
                    "required": f"Enter the {label[0].lower()}{label[1:]}.",
                    "invalid": f"{label}: enter a whole number from {low} to {high}.",
                },
            )

    def values(self) -> dict[str, Any]:
        """The cleaned values as relationships.services.habit_settings_change takes them."""
        data = dict(self.cleaned_data)
        data["email_share_amber"] = data["email_share_amber"] / 100
        return data


def _initial(thresholds: rules.Thresholds) -> dict[str, int]:
    return {
        "weeks": thresholds.weeks,
        "email_only_weeks": thresholds.email_only_weeks,
        "min_emails": thresholds.min_emails,
        "missed_in_a_row": thresholds.missed_in_a_row,
        "email_share_amber": round(thresholds.email_share_amber * 100),
    }


@collective_page("relationships", convenor_only=True)
def habit_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    slug = membership.collective.slug
    form = HabitSettingsForm(
        request.POST or None, initial=_initial(thresholds_for(membership.collective))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.habit_settings_change(actor_membership=membership, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The nudge thresholds are saved.")
            return redirect(reverse("relationships:settings", args=[slug]))
    return render(
        request,
        "relationships/habit_settings.html",
        {
            "title": "Nudge thresholds",
            "membership": membership,
            "form": form,
            "breadcrumbs": crumbs(membership, ("Nudge thresholds", request.path)),
        },
    )
