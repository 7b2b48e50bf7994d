"""After erasure, the person's name and e-mail address appear in no page, API answer or
export that whole-system working serves (every route of system.urls and system.api.urls,
with every id that could name something of theirs), nor in the audit log's page and API,
the contact log, the nudges, the notifications or the home page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from relationships.models import Contact
from system import services_privacy
from system.api import urls as system_api_urls
from system.nudges import cold_nudges_refresh

from .test_privacy import EMAIL, NAME, NOTE, make_dana

PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + str(entry.pattern), ns)
        else:
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry


def _system_routes() -> list[str]:
    """Every route whole-system working serves: its pages and its API."""
    api = {id(p) for p in system_api_urls.urlpatterns}
    return [
        route for name, route, entry in _routes() if name.startswith("system:") or id(entry) in api
    ]


def _urls(route: str, slug: str, ids: list[int]) -> list[str]:
    """The route filled with the collective and, for each id it takes, each of `ids`."""
    path = "/" + route.replace("<slug:slug>", slug)
    if not PLACEHOLDER.search(path):
        return [path]
    return [PLACEHOLDER.sub(str(pk), path) for pk in ids]


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.content.decode("utf-8", errors="replace")


def _leaks(
    client: Any, urls: list[str], secrets: tuple[str, ...] = (NAME, EMAIL, NOTE)
) -> list[str]:
    """The urls whose answer holds one of the secrets (by default the name, the e-mail
    address or a note), and those that fail (an error page would hide a leak)."""
    found = []
    client.raise_request_exception = False
    for url in urls:
        response = client.get(url)
        text = _text(response).casefold()
        if response.status_code >= 500:
            found.append(f"{url} failed: {response.status_code}")
        elif any(secret.casefold() in text for secret in secrets):
            found.append(url)
    return found


def test_after_erasure_nothing_served_holds_their_name_or_e_mail(
    client, world, django_capture_on_commit_callbacks
):
    dana = make_dana(world)
    with django_capture_on_commit_callbacks(execute=True):
        cold_nudges_refresh(collective=world.collective, now=timezone.now())
    slug = world.collective.slug
    s = dana.stakeholder
    contact = Contact.objects.filter(participants__person_id=dana.person.pk).get()
    ids = sorted(
        {
            s.pk,
            dana.person.pk,
            dana.meeting.pk,
            dana.meeting.series_id,
            dana.item.pk,
            dana.conversation.pk,
            dana.ours.pk,
            dana.theirs.pk,
            world.icb.pk,
        }
    )
    around = [
        reverse("home:collective", args=[slug]),
        reverse("audit:log", args=[slug]),
        reverse("api:audit", args=[slug]),
        reverse("relationships:nudges", args=[slug]),
        reverse("api:nudges", args=[slug]),
        reverse("relationships:contacts", args=[slug]),
        reverse("relationships:contact", args=[slug, contact.pk]),
        reverse("api:contacts", args=[slug]),
        reverse("api:contact", args=[slug, contact.pk]),
        reverse("notifications:inbox", args=[slug]),
        reverse("api:notifications", args=[slug]),
    ]
    urls = [url for route in _system_routes() for url in _urls(route, slug, ids)]
    assert len(urls) > 20  # the walk reaches the app's pages, API and exports

    client.force_login(world.cd.user)  # the owner: told of the cold relationship
    before = _leaks(client, urls + around)
    assert reverse("system:stakeholder", args=[slug, s.pk]) in before  # the walk can see it
    assert reverse("system:subject_access_json", args=[slug, s.pk]) in before

    services_privacy.stakeholder_erase(actor_membership=world.convenor, stakeholder=s)

    for membership in (world.cd, world.convenor):  # the owner, and a convenor who sees all
        client.force_login(membership.user)
        assert _leaks(client, urls + around) == [], membership
