"""Load test: the demo member's pages under gunicorn, over a trivial view served the same way.

For each database (SQLite always; PostgreSQL when a server answers at BENCH_POSTGRES_URL,
by default postgres://postgres@127.0.0.1:5432/), this

1. makes a fresh database, migrates it and loads the demo (`load_demo`);
2. collects the static files with the hashed manifest, as docs/operations.md says;
3. starts gunicorn with 2 workers on production settings (DEBUG unset, a real SECRET_KEY,
   ALLOWED_HOSTS), with one addition: `bench/bench_settings.py` adds `/bench/trivial/`, a
   view that returns "ok", served by the same processes through the same middleware;
4. signs the demo member in and runs wrk (Debian's package) against the trivial view and
   each page, printing requests per second, the ratio to the trivial view and p50/p99.
   The baseline is the trivial view requested without a session cookie, the fastest thing
   the service can serve; the row below it is the same view for the signed-in client, which
   reads the session and the user as every page must.

The plain-HTTP service keeps its secure cookies; only the redirect to HTTPS is turned off
(SECURE_SSL_REDIRECT=false), as in the production test.

Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/page_load.py`.
BENCH_LOAD_SECONDS (default 10) is how long wrk runs against each page.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET = 0.06  # issue 13: every page at least this share of the trivial view's throughput

# The pages the issue names, as the demo member sees them.
SIGN_IN_AND_URLS = """
import json
from django.test import Client
from django.urls import reverse
from accounts.models import User
from collectives.models import Membership
from surveys.models import SurveyRound

user = User.objects.get(email="member@example.org")
membership = Membership.objects.select_related("collective").get(user=user)
slug = membership.collective.slug
closed = SurveyRound.objects.filter(
    collective=membership.collective, closed_at__isnull=False
).latest("closes_on")
client = Client()
client.force_login(user)
print(json.dumps({
    "cookie": client.cookies["sessionid"].value,
    "pages": [
        ["trivial view", "/bench/trivial/"],
        ["trivial view, signed in", "/bench/trivial/"],
        ["home", reverse("home:collective", args=[slug])],
        ["proposals", reverse("decisions:proposals", args=[slug])],
        ["decisions", reverse("decisions:log", args=[slug])],
        ["golden thread", reverse("golden_thread:briefings", args=[slug])],
        ["relationships overview", reverse("relationships:overview", args=[slug])],
        ["trust surveys", reverse("surveys:rounds", args=[slug])],
        ["trust survey dashboard", reverse("surveys:round", args=[slug, closed.pk])],
    ],
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:
        return False


def fresh_postgres_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rstrip("/").rsplit("/", 1)[0] + f"/{name}"


def environment(workdir: Path, database_url: str) -> dict[str, str]:
    # Nothing of the calling process's configuration (bench/run.py runs on test settings):
    # the service gets only what a deployment would give it.
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(workdir / "static"),
            "CACHE_DIR": str(workdir / "cache"),
            "HUEY_SQLITE_PATH": str(workdir / "jobs.sqlite3"),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served a page")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 30 s")


def check_page(port: int, path: str, cookie: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={cookie}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != request.full_url:
            raise SystemExit(f"{path} answered {response.status} at {response.url}")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, path: str, cookie: str | None, seconds: int) -> dict[str, float]:
    headers = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    out = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t2",
            "-c4",
            f"-d{seconds}s",
            *headers,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"{path}: wrk saw error responses:\n{out}")
    latency = {
        m.group(1): _ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None or set(latency) != {"50", "99"}:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    return {"rps": float(rps.group(1)), "p50": latency["50"], "p99": latency["99"]}


def measure(label: str, database_url: str, seconds: int) -> bool:
    """Print the table for one database; True when every page meets the target."""
    workdir = Path(tempfile.mkdtemp(prefix="alliance-load-"))
    env = environment(workdir, database_url)
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input")
    session = json.loads(manage(env, "shell", "-c", SIGN_IN_AND_URLS).strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "alliance.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    ok = True
    try:
        wait_until_serving(port, server)
        cookie = session["cookie"]
        for _, path in session["pages"]:
            check_page(port, path, cookie)
            wrk(port, path, cookie, 1)  # warm both workers' caches and connections
        print(f"Page load under gunicorn, 2 workers, production settings, {label}, demo data:")
        print(f"  {'page':<24} {'req/s':>8} {'x trivial':>10} {'p50 ms':>8} {'p99 ms':>8}")
        baseline = 0.0
        for name, path in session["pages"]:
            # The baseline is the trivial view as the issue measured it, with no session to
            # read; the same view for the signed-in client is shown beside it.
            result = wrk(port, path, None if name == "trivial view" else cookie, seconds)
            baseline = baseline or result["rps"]
            ratio = result["rps"] / baseline
            flag = "" if name.startswith("trivial view") or ratio >= TARGET else f"  < {TARGET}"
            ok = ok and not flag
            print(
                f"  {name:<24} {result['rps']:>8.0f} {ratio:>10.3f} "
                f"{result['p50']:>8.1f} {result['p99']:>8.1f}{flag}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return ok


def main() -> None:
    if shutil.which("wrk") is None:
        print("Page load: skipped, wrk is not installed (apt-get install wrk).")
        return
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
    db = Path(tempfile.mkdtemp(prefix="alliance-load-db-")) / "load.sqlite3"
    ok = measure("SQLite", f"sqlite:///{db}", seconds)
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if postgres_available(server):
        ok = measure("PostgreSQL", fresh_postgres_database(server, "alliance_load"), seconds) and ok
    else:
        print("Page load on PostgreSQL: skipped, no server at BENCH_POSTGRES_URL.")
    print(
        f"  target: every page at least {TARGET} x the trivial view: {'met' if ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
