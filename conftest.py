"""Fixtures for the whole suite: standing users, a real SMTP server, a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from alliance.testing import (
    MemberOrganisationFactory,
    MembershipFactory,
    SMTPServer,
    UserFactory,
)
from collectives.models import Membership, Role

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache, so one test's API requests never count against
    another's throttles (their state lives in the cache), and nothing worked out in one
    test is kept for the next (alliance.changes)."""
    from django.core.cache import cache

    from alliance.changes import forget_kept

    cache.clear()
    forget_kept()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SMTPServer, settings: Any) -> SMTPServer:
    """Send this test's e-mail through real SMTP to a local aiosmtpd server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def convenor(db: None) -> Membership:
    """The owner of collective A."""
    return MembershipFactory(role=Role.CONVENOR, user__full_name="Connie Convenor")


@pytest.fixture
def collective(convenor: Membership) -> Any:
    return convenor.collective


@pytest.fixture
def practice(collective: Any) -> Any:
    return MemberOrganisationFactory(collective=collective, organisation__name="Oakwood Surgery")


@pytest.fixture
def member(collective: Any, practice: Any) -> Membership:
    """Staff of a member practice of collective A."""
    return MembershipFactory(
        collective=collective,
        role=Role.MEMBER,
        organisation=practice.organisation,
        user__full_name="Morgan Member",
    )


@pytest.fixture
def outsider(db: None) -> Membership:
    """The convenor of another collective, B, who must see nothing of A."""
    return MembershipFactory(role=Role.CONVENOR, user__full_name="Olly Outsider")


@pytest.fixture
def user_without_collective(db: None) -> Any:
    return UserFactory()


@pytest.fixture
def postgres(transactional_db: None) -> None:
    """For tests of real concurrency: two connections writing at once."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL=postgres://...): SQLite runs one "
            "writer at a time, so there is no race to test"
        )


# Browser ---------------------------------------------------------------------------------


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but was not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the test's own database work
    # is still synchronous, so Django's async-safety check does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server: Any, settings: Any) -> Any:
    settings.SITE_URL = live_server.url
    return live_server


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzz test's summary (alliance/tests/test_api_fuzz.py), printed at the end of the
    run whether it passed or failed, so that CI's log shows what schemathesis did. It travels
    in the test's report (record_property), which pytest-xdist's workers send back."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", []):
                if name == "schemathesis" and report.when == "call":
                    terminalreporter.write_sep("-", f"schemathesis ({outcome})")
                    terminalreporter.write_line(str(value))


#: Tests that take tens of seconds each (real Chromium, the API fuzzing, the adversary's
#: random collectives): run first, so that two workers share them instead of one worker
#: finishing them alone after the other has run out of work.
SLOW_FIRST = (
    "test_api_fuzz.py",
    "test_api_parity.py",
    "test_app_renames.py",
    "test_confidentiality.py",
    "test_readiness_confidentiality.py",
    "test_production.py",
)


@pytest.hookimpl(trylast=True)  # after pytest-django, which puts transactional tests last
def pytest_collection_modifyitems(items: list[Any]) -> None:
    def slow(item: Any) -> bool:
        return item.get_closest_marker("browser") is not None or item.path.name in SLOW_FIRST

    items.sort(key=lambda item: not slow(item))  # stable: the rest keep their order
