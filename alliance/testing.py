"""Test helpers shared by every app's tests: factories, a real SMTP server and reading pages."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import factory
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.models import AuditEntry
from collectives.models import Collective, CollectiveOrganisation, Membership, Role
from directory.models import Organisation, OrganisationKind

PASSWORD = "correct-horse-battery-staple"

# What configures the service (alliance/settings.py) or the test run. A process started as
# production would be starts without any of these, then gets what the test gives it.
SERVICE_VARIABLES = frozenset(
    {
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ALLOWED_HOSTS",
        "BEHIND_TLS_PROXY",
        "CACHE_DIR",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_CONN_MAX_AGE",
        "DATABASE_URL",
        "DEBUG",
        "DEFAULT_FROM_EMAIL",
        "DEMO_PRACTICE_DATA",
        "EMAIL_URL",
        "HUEY_IMMEDIATE",
        "HUEY_SQLITE_PATH",
        "IMPORT_UPLOAD_DIR",
        "LOGIN_ADDRESS_LOCKOUT_ATTEMPTS",
        "LOGIN_ADDRESS_LOCKOUT_MINUTES",
        "LOGIN_LOCKOUT_ATTEMPTS",
        "LOGIN_LOCKOUT_MINUTES",
        "LOG_LEVEL",
        "NHS_LOGO",
        "REDIS_URL",
        "SECRET_KEY",
        "SECURE_COOKIES_AND_HTTPS",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SERVICE_NAME",
        "SITE_URL",
        "STATIC_MANIFEST",
        "STATIC_ROOT",
        "TRUSTED_CLIENT_IP_HEADER",
        "TRUSTED_PROXY_COUNT",
    }
)


def production_environment(**variables: str) -> dict[str, str]:
    """The environment for `manage.py` or a server started as a deployment would start it:
    this process's environment without anything that configures the service (the test
    settings put some there, a developer's shell may have others), then `variables`."""
    kept = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    return {**kept, **variables}


ROOT = Path(__file__).resolve().parent.parent


def own_database_env(folder: Path) -> dict[str, str]:
    """The environment for `manage.py` on a SQLite database of its own in ``folder``."""
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `manage.py` as a person would, in another process, and return what it printed."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"Z{n:05d}")
    name = factory.Sequence(lambda n: f"Practice number {n}")
    kind = OrganisationKind.PRACTICE
    postcode = "PO30 1AA"


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collective {n}")
    slug = factory.Sequence(lambda n: f"collective-{n}")
    area = "Somewhere"
    description = "The practices of somewhere, working as one."


class MemberOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveOrganisation

    collective = factory.SubFactory(CollectiveFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    collective = factory.SubFactory(CollectiveFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server (aiosmtpd) on a free local port, collecting what it receives."""

    def __init__(self) -> None:
        self.handler = _Collector()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        self.port = free_port
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()


def page_queries(client: Any, url: str) -> int:
    """How many queries a page runs for someone already using its collective; it must answer
    200. The page is requested once before counting: entering a collective writes the
    session once (collective_page), which later pages do not repeat."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


_BREAKS = {"br", "p", "div", "ul", "ol", "li"}  # tags that part the words around them


class _PageParts(HTMLParser):
    """Reads a page's tables (rows of cells) and summary lists (key and value pairs)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.summary: list[tuple[str, str]] = []
        self._table: list[list[str]] | None = None
        self._text: list[str] | None = None
        self._key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or str(len(self.tables)), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif (tag in ("td", "th") and self._table) or tag in ("dt", "dd"):
            self._text = []
        elif tag in _BREAKS and self._text is not None:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._text is None or tag not in ("td", "th", "dt", "dd"):
            if tag == "table":
                self._table = None
            return
        text = " ".join("".join(self._text).split())
        self._text = None
        if tag == "dt":
            self._key = text
        elif tag == "dd" and self._key is not None:
            self.summary.append((self._key, text))
            self._key = None
        elif self._table:
            self._table[-1].append(text)

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _parts(page: str) -> _PageParts:
    parser = _PageParts()
    parser.feed(page)
    return parser


def table_rows(page: str, table_id: str | None = None) -> list[list[str]]:
    """The rows of a page's tables as people read them: each cell's text, white space
    collapsed, header rows included. With table_id, only that table's rows."""
    tables = _parts(page).tables
    if table_id is not None:
        return tables[table_id]
    return [row for rows in tables.values() for row in rows]


def summary_list(page: str) -> dict[str, str]:
    """A page's summary list rows, key to value, as people read them (white space collapsed)."""
    return dict(_parts(page).summary)


def audited(action: str) -> list[tuple[Any, Any]]:
    """Who wrote each audit entry of an action, and in which collective's log (None: the
    service's own), oldest first: (actor id, collective id)."""
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("pk")
        .values_list("actor_id", "collective_id")
    )
