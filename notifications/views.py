"""In-app notifications per collective, and each person's choice of e-mail frequency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.tenancy import collective_page, outside_collective_page
from notifications import access, selectors, services
from notifications.models import Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often should we e-mail you?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text="Everything also shows in Alliance, under Notifications, as it happens.",
        error_messages={"required": "Choose how often we e-mail you."},
    )


@collective_page("notifications")
def inbox(request: HttpRequest, membership: Any) -> HttpResponse:
    found = selectors.notifications_for(membership=membership)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "title": "Notifications",
            "membership": membership,
            "page": page,
            "unread": selectors.unread_count(membership=membership),
        },
    )


@require_POST
@collective_page("notifications")
def open_notification(request: HttpRequest, membership: Any, pk: int) -> HttpResponse:
    found = access.get_notification_for(membership, pk)
    services.notification_mark_read(user=request.user, notification=found)
    return redirect(found.path)


@require_POST
@collective_page("notifications")
def mark_all_read(request: HttpRequest, membership: Any) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user, collective_id=membership.collective_id)
    messages.success(request, "All notifications are marked as read.")
    return redirect("notifications:inbox", membership.collective.slug)


@outside_collective_page("notifications")
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(
        request.POST or None, initial={"frequency": services.frequency_for(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Saved: " + Frequency(form.cleaned_data["frequency"]).label)
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"title": "E-mail notifications", "form": form},
    )
