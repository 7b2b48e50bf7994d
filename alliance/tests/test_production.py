"""The service set up and started as docs/operations.md says, with the production settings,
then used in real Chromium: what a real deployment would answer.

It needs PostgreSQL (`DATABASE_URL`) and Redis on 127.0.0.1:6379, and runs in `.ci/run`'s
PostgreSQL pass, where it must not be skipped. It makes a database of its own (the test
database's name with `_production_check`) and uses Redis database 14, and drops and empties
them afterwards, whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
from playwright.sync_api import expect

from alliance.testing import SMTPServer, production_environment
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.production]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
DEMO_COLLECTIVE = "/c/isle-of-wight/"
# The account pages that are not in the header's account menu.
ACCOUNT_PAGES = ["/account/notifications/", "/accounts/password/change/", "/accounts/email/"]
HEALTHY = {"database": "ok", "queue": "ok"}
READY = {"database": "ok", "migrations": "ok", "static": "ok"}
# A static file's name in the manifest carries a hash of its content.
HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.\w+$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "starts the service on PostgreSQL with Redis, as production runs: set "
            "DATABASE_URL=postgres://... (`.ci/run` does, in its second pass)"
        )
    if not _redis_answers():
        reason = f"needs Redis at {REDIS_URL} for the job queue, and none answers"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; in CI this test must run (.ci/run starts Redis)")
        pytest.skip(reason)
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path}_production_check").geturl()


def _recreate(database_url: str, *, drop_only: bool = False) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Service:
    """The processes of one deployment: what they were given, and what they printed."""

    base: str
    environment: dict[str, str]
    folder: Path
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    steps: list[subprocess.Popen[str]] = field(default_factory=list)

    def run(self, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.steps.append(process)
        return process

    def finish(self, process: subprocess.Popen[str]) -> str:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, f"{' '.join(map(str, process.args))}:\n{stderr}"
        return stdout

    def manage(self, *args: str) -> str:
        return self.finish(self.run(*args))

    def start(self, name: str, *command: str, **variables: str) -> None:
        with (self.folder / f"{name}.log").open("wb") as log:
            self.servers.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env={**self.environment, **variables},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}:\n{log.read_text()[-3000:]}" for log in self.folder.glob("*.log")
        )

    def stop(self) -> None:
        processes: list[subprocess.Popen[Any]] = [*self.servers, *self.steps]
        for process in processes:
            if process.poll() is None:  # gunicorn's quick shutdown; Huey's graceful one
                os.killpg(process.pid, signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_for(url: str, service: Service) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in service.servers):
            pytest.fail(f"a process of the service stopped:\n{service.logs()}")
        try:
            _get(url)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url}:\n{service.logs()}")


def _delivered(smtp_server: SMTPServer, to: str, service: Service) -> Any:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sent = [message for message in smtp_server.messages if message["To"] == to]
        if sent:
            return sent[0]
        time.sleep(0.2)
    pytest.fail(f"no e-mail to {to} arrived:\n{service.logs()}")


@pytest.fixture
def production(smtp_server: SMTPServer, tmp_path: Path) -> Iterator[Service]:
    database_url = _database_url()
    port = _free_port()
    service = Service(
        base=f"http://127.0.0.1:{port}",
        folder=tmp_path,
        # docs/operations.md, "Before the first start".
        environment=production_environment(
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL=f"http://127.0.0.1:{port}",
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
            DEFAULT_FROM_EMAIL="Alliance <alliance@example.org>",
            STATIC_ROOT=str(tmp_path / "static"),
        ),
    )
    queue = redis.Redis.from_url(REDIS_URL)
    smtp_server.clear()
    try:
        _recreate(database_url)
        queue.flushdb()
        yield service
    finally:
        service.stop()
        queue.flushdb()
        _recreate(database_url, drop_only=True)


def _visit(page: Any, url: str) -> list[str]:
    response = page.goto(url)
    found = []
    if response.status != 200 or page.url != url:
        found.append(f"{url}: answered {response.status} at {page.url}")
    found += [f"{url}: {violation}" for violation in serious_violations(page)]
    found += [f"{url}: {problem}" for problem in problems(page)]
    page.problems.clear()
    return found


def _one_of_each_page(page: Any, root: str, depth: int) -> list[str]:
    """The pages under `root` its links reach within `depth` clicks, one of each kind (the
    same path with other ids counts once), downloads left out."""
    kinds: set[str] = set()
    found: list[str] = []
    level = [root]
    for _ in range(depth):
        following = []
        for url in level:
            page.goto(url)
            for link in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)"):
                link = link.split("#")[0]
                kind = re.sub(r"/\d+/", "/N/", link.split("?")[0])
                if (
                    link.startswith(root)
                    and not re.search(r"(\.csv|\.xlsx|\.json|/export/)$", link.split("?")[0])
                    and kind not in kinds
                    and link != root
                ):
                    kinds.add(kind)
                    following.append(link)
        found += following
        level = following
    return found


def test_the_service_started_as_operations_says_serves_every_page_and_runs_jobs(
    production, browser, smtp_server
):
    service = production
    # docs/operations.md, step 5, with the environment a deployment has (so `check --deploy`
    # sees the redirect to HTTPS on). `migrate` runs while the steps that need no database do.
    migrate = service.run("migrate", "--noinput")
    assert "static files copied" in service.manage("collectstatic", "--noinput")
    checked = service.manage("check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues" in checked
    service.finish(migrate)

    # The two processes. Chromium reaches the web process over plain HTTP on 127.0.0.1,
    # which it treats as a secure origin (the cookies stay secure), so the redirect to HTTPS
    # is the one setting turned off, as docs/operations.md describes. A third web process,
    # whose queue does not answer and which has no static files, shows what the probes say
    # (over plain HTTP, with the redirect on).
    port = urlsplit(service.base).port
    gunicorn = (sys.executable, "-m", "gunicorn", "alliance.wsgi:application")
    service.start(
        "web",
        *(*gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}"),
        *("--control-socket", str(service.folder / "web.ctl")),
        SECURE_SSL_REDIRECT="false",
    )
    service.start("jobs", sys.executable, "manage.py", "run_huey")
    broken = f"http://127.0.0.1:{_free_port()}"
    service.start(
        "web-broken",
        *(*gunicorn, "--bind", broken.removeprefix("http://")),
        *("--control-socket", str(service.folder / "web-broken.ctl")),
        REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0",
        STATIC_ROOT=str(service.folder / "no-static-files"),
    )
    service.manage("load_demo")  # the demo's people, while the processes start
    _wait_for(f"{service.base}/healthz", service)
    assert _get(f"{service.base}/healthz") == (200, {"status": "ok", **HEALTHY}), service.logs()
    assert _get(f"{service.base}/readyz") == (200, {"status": "ok", **READY}), service.logs()
    _wait_for(f"{broken}/healthz", service)
    assert _get(f"{broken}/healthz") == (
        503,
        {"status": "unavailable", **HEALTHY, "queue": "unavailable"},
    )
    assert _get(f"{broken}/readyz") == (
        503,
        {
            "status": "unavailable",
            **READY,
            "static": "missing: run manage.py collectstatic, then restart",
        },
    )

    # Sign in through the real form, then every page of the header and the account pages.
    page = new_page(browser)
    static: list[str] = []
    page.on("response", lambda r: "/static/" in r.url and static.append(r.url))
    page.on(
        "requestfailed",
        lambda r: "/static/" in r.url and page.problems.append(f"{r.url} failed: {r.failure}"),
    )
    sign_in(page, service.base, "convenor@example.org", DEMO_PASSWORD)
    assert "/accounts/login/" not in page.url, service.logs()
    home = service.base + DEMO_COLLECTIVE
    found = _visit(page, home)
    header_links = page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.href)")
    pages = [
        link
        for link in dict.fromkeys(header_links)
        if link.startswith(service.base) and link != home and "/logout/" not in link
    ]
    assert len(pages) >= 15, pages  # the collective's sections and the account menu
    for url in [*pages, *(service.base + path for path in ACCOUNT_PAGES)]:
        found += _visit(page, url)
    # Whole-system working's pages beyond its landing page: one of each kind of page the
    # demo's links reach (a stakeholder, a meeting, its prep sheet, a need, a mandate...).
    system_pages = _one_of_each_page(page, home + "system/", depth=2)
    assert len(system_pages) >= 20, system_pages
    for url in system_pages:
        found += _visit(page, url)
    assert found == [], "\n".join(found) + "\n" + service.logs()
    assert static, "no static file was loaded"
    assert [url for url in static if not HASHED.search(url)] == []

    # A job through the consumer on Redis: an invitation e-mail reaches the SMTP server, and
    # its link, built from SITE_URL, opens the invitation.
    page.goto(f"{home}invitations/new/")
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_role("radio", name=re.compile("^Observer")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation is on its way to newcomer@example.org")).to_be_visible()
    invitation = _delivered(smtp_server, "newcomer@example.org", service)
    link = re.search(r"(\S+/invitations/\S+/)", invitation.get_body(("plain",)).get_content())
    assert link and link.group(1).startswith(f"{service.base}/invitations/"), link
    newcomer = new_page(browser)
    newcomer.goto(link.group(1))
    expect(
        newcomer.get_by_role("heading", name="Join Isle of Wight General Practice Collective")
    ).to_be_visible()
    assert problems(page) == [] and problems(newcomer) == []
