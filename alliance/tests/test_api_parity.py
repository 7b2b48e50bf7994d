"""API parity: every write a person can make in the pages can be made through the API
(docs/api.md). The test signs in as each demo role, follows every link of the demo collective's
pages, and collects the routes that the pages' POST forms send to. Each must be a row of the
table in docs/api.md, naming an endpoint that the API's URLconf has, or be listed there as a
page action with no endpoint, and why."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from accounts.models import User

pytestmark = pytest.mark.django_db

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ROLES = ("convenor@example.org", "representative@example.org", "member@example.org")
# Pages that are not followed: downloads, and pages outside what a collective does.
NOT_FOLLOWED = re.compile(r"\.(csv|xlsx|ics)$|^/(admin|api|static)/|/accounts/logout/")
MAX_PAGES = 400


class _Forms(HTMLParser):
    """The links of a page, and the actions of its POST forms."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.post_actions: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "form" and (values.get("method") or "get").lower() == "post":
            self.post_actions.append(values.get("action"))
        elif tag in ("button", "input") and values.get("formaction"):
            self.post_actions.append(values["formaction"])


def _route(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def page_actions(client) -> dict[str, str]:
    """The route of every POST form in the pages reached from the collective's home, with a
    page it was found on."""
    found: dict[str, str] = {}
    start = ["/c/isle-of-wight/", "/account/notifications/", "/account/api-tokens/"]
    seen = set(start)
    queue = deque(start)
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for action in parser.post_actions:
            target = urljoin(path, action) if action else path
            route = _route(target)
            if route is not None:
                found.setdefault(route, path)
        for href in parser.links:
            link = urlsplit(urljoin(path, href))
            if link.netloc not in ("", "testserver") or NOT_FOLLOWED.search(link.path):
                continue
            if link.path not in seen and _route(link.path) is not None:
                seen.add(link.path)
                queue.append(link.path)
    return found


ENDPOINT = re.compile(r"`((?:POST|PUT|PATCH|DELETE|GET) /api/v1/[^`]*)`")


def listed() -> tuple[dict[str, list[str]], set[str]]:
    """docs/api.md's table: page route -> its endpoints ('METHOD /api/v1/...'; a cell may
    name several), and the page routes with no endpoint (the endpoint cell says why). An
    action that no page offers yet names no route (its page cell says so) and is kept under
    its description, so that its endpoints are checked too."""
    endpoints: dict[str, list[str]] = {}
    none: set[str] = set()
    for line in API_MD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        named = ENDPOINT.findall(cells[2])
        if not named and cells[2].startswith("`"):
            named = [cells[2].strip("`")]  # meant as an endpoint but is not one: fails below
        if cells[1].startswith("`"):
            route = cells[1].strip("`")
            if named:
                endpoints[route] = named
            else:
                none.add(route)
        elif named:
            endpoints[cells[0]] = named
    return endpoints, none


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_page_action_has_a_listed_endpoint(client, demo):
    endpoints, none = listed()
    missing: dict[str, str] = {}
    for email in ROLES:
        client.force_login(User.objects.get(email=email))
        for route, page in page_actions(client).items():
            if route not in endpoints and route not in none:
                missing.setdefault(route, f"{page} (as {email})")
    assert missing == {}, "page actions with no row in docs/api.md: " + ", ".join(
        f"{route} on {page}" for route, page in sorted(missing.items())
    )


TEMPLATES = Path(__file__).resolve().parents[2]
# A POST form, or a button, that names its action with url('route', ...).
NAMED_ACTION = re.compile(
    r"<form[^>]*method=\"post\"[^>]*action=\"\{\{ ?url\('([^']+)'"
    r"|formaction=\"\{\{ ?url\('([^']+)'",
    re.IGNORECASE | re.DOTALL,
)


def test_every_form_that_names_its_action_in_the_templates_is_listed():
    endpoints, none = listed()
    named = {
        (match[0] or match[1], str(template.relative_to(TEMPLATES)))
        for template in TEMPLATES.glob("*/jinja2/**/*.html")
        for match in NAMED_ACTION.findall(template.read_text())
    } | {
        (match[0] or match[1], str(template.relative_to(TEMPLATES)))
        for template in (TEMPLATES / "templates").glob("**/*.html")
        for match in NAMED_ACTION.findall(template.read_text())
    }
    assert named, "no form names its action: the pattern has gone stale"
    missing = sorted(
        f"{route} in {where}" for route, where in named if route not in endpoints.keys() | none
    )
    assert missing == [], "forms with no row in docs/api.md: " + ", ".join(missing)


def test_every_listed_endpoint_exists():
    endpoints, _none = listed()
    assert endpoints, "docs/api.md lists no endpoint"
    for route, named in endpoints.items():
        for endpoint in named:
            method, path = endpoint.split(" ", 1)
            concrete = re.sub(r"\{[a-z_]+\}", lambda m: "slug" if m[0] == "{slug}" else "1", path)
            assert _route(concrete), f"{route}: {endpoint} is not a route of the API"
            assert method in {"POST", "PUT", "PATCH", "DELETE"}, (
                f"{route}: {endpoint} is not a write"
            )
