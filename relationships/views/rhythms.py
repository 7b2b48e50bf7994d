"""Rhythm pages and the page to create or revoke the private calendar feed.

Thin: the forms parse input, relationships.services holds every rule, relationships.rules
judges each period and relationships.selectors.contacts reads (one query for every rhythm's
contacts)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from relationships import access, services
from relationships.forms_contacts import DATE_HINT, RhythmForm
from relationships.models import Mode, Rhythm, Scope
from relationships.selectors import contacts as selectors
from relationships.views.common import acts, crumbs


def _slug(membership: Membership) -> str:
    return membership.collective.slug


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    section = ("Rhythms", reverse("relationships:rhythms", args=[_slug(membership)]))
    return crumbs(membership, section, *extra)


def _mode_names(rhythm: Rhythm) -> str:
    labels = dict(Mode.choices)
    return ", ".join(str(labels.get(m, m)) for m in rhythm.modes or [])


@collective_page("relationships")
def rhythms(request: HttpRequest, membership: Membership) -> HttpResponse:
    found = list(selectors.rhythms_for(membership))
    today = timezone.localdate()
    current = [r for r in found if r.ends_on is None or r.ends_on >= today]
    ended = [r for r in found if r.ends_on is not None and r.ends_on < today]
    return render(
        request,
        "relationships/rhythms.html",
        {
            "title": "Rhythms",
            "membership": membership,
            "rows": selectors.rhythm_rows(current, now=timezone.now()),
            "ended": ended,
            "mode_names": _mode_names,
            "can_agree": acts(membership),
            "breadcrumbs": _crumbs(membership)[:2],
        },
    )


@collective_page("relationships")
def rhythm_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not acts(membership):
        raise PermissionDenied("Observers and guests read; they do not record.")
    members = selectors.member_organisations(membership.collective_id)
    form = RhythmForm(
        request.POST if request.method == "POST" else None,
        organisations=[m.organisation for m in members],
        pcns=selectors.pcns(members),
        own_organisation=membership.organisation_id,
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = data["scope"]
        pcn = data.get("pcn") if scope == Scope.PCN else None
        given = []
        if scope == Scope.PAIR:
            given = [
                data.get("first_organisation") or membership.organisation_id,
                data["organisation"],
            ]
        try:
            organisations = access.rhythm_organisations(
                membership, scope=scope, pcn=pcn, organisations=given
            )
            rhythm = services.rhythm_agree(
                actor_membership=membership,
                name=data["name"],
                scope=scope,
                organisations=organisations,
                modes=data["modes"],
                period=data["period"],
                starts_on=data["starts_on"],
                min_minutes=data["min_minutes"],
                pcn=pcn,
            )
        except ValidationError as error:
            field = {Scope.PAIR: "organisation", Scope.PCN: "pcn"}.get(scope, "scope")
            add_service_errors(form, error, {"organisations": field})
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The rhythm “{rhythm.name}” is agreed.")
            return redirect("relationships:rhythm", _slug(membership), rhythm.pk)
    return render(
        request,
        "relationships/rhythm_form.html",
        {
            "title": "Agree a rhythm",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("relationships")
def rhythm_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    rhythm = access.get_rhythm_in_collective(membership, pk)
    row = selectors.rhythm_rows([rhythm], now=timezone.now(), last=None)[0]
    return render(
        request,
        "relationships/rhythm.html",
        {
            "title": rhythm.name,
            "membership": membership,
            "row": row,
            "record": list(reversed(row.record)),
            "modes": _mode_names(rhythm),
            "can_end": acts(membership) and rhythm.ends_on is None,
            "breadcrumbs": _crumbs(membership),
        },
    )


class EndForm(forms.Form):
    ends_on = forms.DateField(
        label="Last day of the rhythm",
        help_text=DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the last day of the rhythm.",
            "invalid": "Enter the last day of the rhythm as a real date, for example 2026-03-17.",
        },
    )


@collective_page("relationships")
def rhythm_end(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    rhythm = access.get_rhythm_in_collective(membership, pk)
    if not acts(membership):
        raise PermissionDenied("Observers and guests read; they do not record.")
    form = EndForm(
        request.POST if request.method == "POST" else None,
        initial={"ends_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rhythm_end(
                actor_membership=membership, rhythm=rhythm, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The rhythm “{rhythm.name}” is ended.")
            return redirect("relationships:rhythm", _slug(membership), rhythm.pk)
    return render(
        request,
        "relationships/rhythm_end.html",
        {
            "title": f"End {rhythm.name}",
            "membership": membership,
            "rhythm": rhythm,
            "form": form,
            "breadcrumbs": _crumbs(
                membership,
                (rhythm.name, reverse("relationships:rhythm", args=[_slug(membership), pk])),
            ),
        },
    )


# The calendar feed ------------------------------------------------------------------------


def _feed_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("relationships:feed_ics", args=[token])


@collective_page("relationships")
def feed(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Create the person's private feed (its URL is shown once, on the page answering the
    POST, and kept nowhere) or revoke it after a confirmation."""
    live = selectors.live_feed_of(membership)
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            live, token = services.calendar_feed_create(actor_membership=membership)
            new_url = _feed_url(token)
        elif action == "revoke":
            services.calendar_feed_revoke(actor_membership=membership)
            messages.success(request, "Your calendar feed is revoked: its link no longer works.")
            return redirect("relationships:feed", _slug(membership))
        else:
            return redirect("relationships:feed", _slug(membership))
    context: dict[str, Any] = {
        "title": "Your rhythms in your calendar",
        "membership": membership,
        "live": live,
        "new_url": new_url,
        "confirm_revoke": request.method == "GET" and request.GET.get("revoke") == "1" and live,
        "breadcrumbs": _crumbs(membership),
    }
    return render(request, "relationships/rhythm_feed.html", context)
