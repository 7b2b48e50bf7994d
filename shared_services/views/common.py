"""What the shared services pages share: breadcrumbs, the search form, and running a
service for a form."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from alliance.forms import attempt as attempt  # the pages import it from here
from collectives.models import Membership
from shared_services.models import SharedService, Stage

PAGE_SIZE = 25


def crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """The collective, the register of shared services, then (text, href) pairs."""
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Shared services", "href": reverse("shared_services:services", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)


class ServiceSearchForm(SearchForm):
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )


def search_text(data: object) -> str:
    form = SearchForm(data or None)  # type: ignore[arg-type]
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


def slug_of(membership: Membership) -> str:
    return membership.collective.slug


def service_crumbs(membership: Membership, service: SharedService) -> list[dict[str, str]]:
    href = reverse("shared_services:service", args=[slug_of(membership), service.pk])
    return crumbs(membership, (service.name, href))
