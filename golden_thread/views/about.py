"""'Who we are': what the leadership group is and does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from golden_thread import access, selectors, who_we_are
from golden_thread.forms import (
    AboutForm,
)
from golden_thread.views.common import readability_for


@collective_page("about")
def about(request: HttpRequest, membership: Membership) -> HttpResponse:
    from surveys.results import awareness_over_time
    from surveys.results import reason as survey_reason

    collective = membership.collective
    recent = list(selectors.briefings_for_collective(collective=collective, published=True)[:5])
    return render(
        request,
        "golden_thread/about.html",
        {
            "title": f"Who we are: {collective.name}",
            "membership": membership,
            "collective": collective,
            "page": access.about_page_visible_to(membership),
            "leaders": selectors.leaders_with_speakers(collective=collective),
            "recent": recent,
            "awareness": awareness_over_time(collective=collective),
            "reason": survey_reason,
            "breadcrumbs": [
                {
                    "text": collective.name,
                    "href": reverse("home:collective", args=[collective.slug]),
                }
            ],
        },
    )


@collective_page("about", convenor_only=True)
def about_edit(request: HttpRequest, membership: Membership) -> HttpResponse:
    collective = membership.collective
    page = selectors.about_page_of(collective=collective)
    initial = {"text": page.text if page else collective.description}
    form = AboutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            who_we_are.about_save(actor_membership=membership, text=form.cleaned_data["text"])
            if "publish" in request.POST:
                who_we_are.about_publish(
                    actor_membership=membership, confirm_hard=form.cleaned_data["confirm_hard"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "“Who we are” is published." if "publish" in request.POST else "Saved as a draft.",
            )
            return redirect(reverse("golden_thread:about", args=[collective.slug]))
    data = form.data if form.is_bound else initial
    return render(
        request,
        "golden_thread/about_form.html",
        {
            "title": "Edit “Who we are”",
            "membership": membership,
            "form": form,
            "r": readability_for(membership, str(data.get("text") or "")),
            "breadcrumbs": [
                {
                    "text": collective.name,
                    "href": reverse("home:collective", args=[collective.slug]),
                },
                {
                    "text": "Who we are",
                    "href": reverse("golden_thread:about", args=[collective.slug]),
                },
            ],
        },
    )
