"""What the system meetings' pages share: addresses, breadcrumbs, running a service for a
form, and the generic form and confirmation pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from alliance.forms import add_service_errors
from collectives.models import Membership
from system.forms_meetings import ConfirmForm
from system.models import AgendaItem, MeetingSeries, SystemMeeting

PAGE_SIZE = 25
SECTION = "system"


def slug(membership: Membership) -> str:
    return membership.collective.slug


def url(membership: Membership, name: str, *args: Any) -> str:
    return reverse(f"system:{name}", args=[slug(membership), *args])


def crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """The collective, the system meetings, then (text, href) pairs."""
    return [
        {
            "text": membership.collective.name,
            "href": reverse("home:collective", args=[slug(membership)]),
        },
        {"text": "System meetings", "href": url(membership, "meetings")},
        *({"text": text, "href": href} for text, href in extra),
    ]


def meeting_name(meeting: SystemMeeting) -> str:
    """ "Place partnership, 5 March 2026"."""
    local = timezone.localtime(meeting.starts_at)
    return f"{meeting.series.name}, {local.day} {local:%B %Y}"


def meeting_crumbs(membership: Membership, meeting: SystemMeeting) -> list[dict[str, str]]:
    return crumbs(membership, (meeting_name(meeting), url(membership, "meeting", meeting.pk)))


def series_crumbs(membership: Membership, series: MeetingSeries) -> list[dict[str, str]]:
    return crumbs(
        membership,
        ("Meeting series", url(membership, "series")),
        (series.name, url(membership, "series_detail", series.pk)),
    )


def attempt(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[], Any],
    done: str,
    renames: dict[str, str] | None = None,
) -> bool:
    """Run a service for a valid form: True if it succeeded (a message is shown), else its
    errors are on the form."""
    try:
        act()
    except ValidationError as error:
        add_service_errors(form, error, renames)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, done)
    return True


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    membership: Membership,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    breadcrumbs: list[dict[str, str]],
    intro: str = "",
    warning: bool = False,
    **more: Any,
) -> HttpResponse:
    return render(
        request,
        "system/meeting_form.html",
        {
            "title": title,
            "intro": intro,
            "membership": membership,
            "form": form,
            "submit": submit,
            "warning": warning,
            "breadcrumbs": breadcrumbs,
            **more,
        },
    )


def confirm_page(
    request: HttpRequest,
    membership: Membership,
    *,
    title: str,
    intro: str,
    submit: str,
    back: str,
    breadcrumbs: list[dict[str, str]],
) -> HttpResponse:
    return render(
        request,
        "system/meeting_confirm.html",
        {
            "title": title,
            "intro": intro,
            "membership": membership,
            "form": ConfirmForm(),
            "submit": submit,
            "back": back,
            "breadcrumbs": breadcrumbs,
        },
    )


def local_parts(meeting: SystemMeeting) -> dict[str, Any]:
    local = timezone.localtime(meeting.starts_at)
    return {"date": local.date(), "time": local.time().replace(second=0, microsecond=0)}


def item_url(membership: Membership, item: AgendaItem) -> str:
    """The meeting's page, at the item."""
    return url(membership, "meeting", item.meeting_id) + f"#item-{item.pk}"
