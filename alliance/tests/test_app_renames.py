"""Three apps took the product's names (alliance/app_renames.py). A database made before keeps
every row: `migrate` renames its tables and relabels its migration record and content types,
and copies nothing.

The first test starts from a real database made at main before the renames (migrate and
load_demo at commit 1777149, then a row added to each of the renamed apps' tables the demo
leaves empty; `fixtures/before_app_renames.sql.gz` is its SQLite dump). The second runs the
same move on the database the suite runs on (SQLite or PostgreSQL), on a database of its own.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import dj_database_url
import pytest
from django.db import connection

from alliance.app_renames import RENAMES

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "fixtures" / "before_app_renames.sql.gz"
RENAMED_APPS = {"surveys", "relationships", "golden_thread"}


def _new_name(table: str) -> str:
    for old, new in RENAMES:
        if table.startswith(f"{old}_"):
            return new + table[len(old) :]
    return table


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def _env(database_url: str) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url, "HUEY_IMMEDIATE": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _without_record(counts: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in counts.items() if table != "django_migrations"}


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return list(db.execute(sql))


def test_a_database_made_before_the_renames_keeps_every_row(tmp_path):
    path = tmp_path / "before.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(gzip.decompress(BEFORE.read_bytes()).decode())
    before = _sqlite_counts(path)
    old_tables = [t for t in before if t.startswith(("relationships_", "habits_", "cascade_"))]
    assert len(old_tables) == 27 and all(before[t] > 0 for t in old_tables)
    with sqlite3.connect(path) as db:
        columns = ", ".join(f'"{c[1]}"' for c in db.execute("PRAGMA table_info(habits_contact)"))
    content_before = _sqlite_rows(path, f"SELECT {columns} FROM habits_contact ORDER BY id")

    printed = _manage(_env(f"sqlite:///{path}"), "migrate")

    assert "Moved a database made before the app renames: 27 tables renamed" in printed
    after = _sqlite_counts(path)
    # Every row is where it was. What grew with the migrations applied since: their record,
    # the content types and permissions of the models they add, and those models' tables
    # (empty: the migration that adds a table fills nothing).
    grown = {"django_migrations", "django_content_type", "auth_permission"}
    expected = {_new_name(t): n for t, n in before.items()}
    assert {t: n for t, n in after.items() if t in expected and t not in grown} == {
        t: n for t, n in expected.items() if t not in grown
    }
    assert all(after[t] >= expected[t] for t in grown)
    assert {t: n for t, n in after.items() if t not in expected and n} == {}
    assert not [t for t in after if t.startswith(("habits_", "cascade_"))]
    moved = _sqlite_rows(path, f"SELECT {columns} FROM relationships_contact ORDER BY id")
    assert moved == content_before
    apps = {row[0] for row in _sqlite_rows(path, "SELECT app FROM django_migrations")}
    labels = {row[0] for row in _sqlite_rows(path, "SELECT app_label FROM django_content_type")}
    assert apps >= RENAMED_APPS and labels >= RENAMED_APPS
    assert not {"habits", "cascade"} & (apps | labels)
    # The models read the moved rows, and a second migrate has nothing to do.
    read = _manage(
        _env(f"sqlite:///{path}"),
        "shell",
        "-c",
        "from surveys.models import SurveyRound; from relationships.models import Contact; "
        "from golden_thread.models import Briefing; "
        "print(SurveyRound.objects.count(), Contact.objects.count(), Briefing.objects.count())",
    )
    expected = [
        before["relationships_surveyround"],
        before["habits_contact"],
        before["cascade_briefing"],
    ]
    assert read.strip().splitlines()[-1].split() == [str(n) for n in expected]
    again = _manage(_env(f"sqlite:///{path}"), "migrate")
    assert "Moved a database" not in again and "No migrations to apply." in again
    assert _sqlite_counts(path) == after


@pytest.fixture
def own_database(tmp_path, django_db_setup, django_db_blocker) -> Iterator[str]:
    """A database of this test's own, on the server the suite runs on. On SQLite, when the
    suite's database is set up (in memory, migrated, holding no test's rows: whenever the
    run has tests that use it), a copy of it, which costs nothing where migrating a new one
    costs as much as the rest of the test; `migrate` then has nothing to apply. On
    PostgreSQL, a new database: a copy of the suite's would need every connection to it
    closed."""
    if connection.vendor == "sqlite":
        path = tmp_path / "own.sqlite3"
        if connection.is_in_memory_db():
            with django_db_blocker.unblock():
                connection.ensure_connection()
                with closing(sqlite3.connect(path)) as copy:
                    connection.connection.backup(copy)
        yield f"sqlite:///{path}"
        return
    import psycopg

    settings = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"alliance_renames_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_COUNTS = (
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    for t in sorted(connection.introspection.table_names(c)):\n"
    "        c.execute(f'SELECT count(*) FROM {connection.ops.quote_name(t)}')\n"
    "        print(t, c.fetchone()[0])\n"
)

# Put a migrated database back as main had it before the renames: the inverse of the move.
_BACK = (
    "from django.db import connection\n"
    "from alliance.app_renames import RENAMES\n"
    "q = connection.ops.quote_name\n"
    "with connection.cursor() as c:\n"
    "    for old, new in reversed(RENAMES):\n"
    "        for t in sorted(connection.introspection.table_names(c)):\n"
    "            if t.startswith(new + '_'):\n"
    "                c.execute(f'ALTER TABLE {q(t)} RENAME TO {q(old + t[len(new):])}')\n"
    "        c.execute('UPDATE django_migrations SET app = %s WHERE app = %s', [old, new])\n"
    "        c.execute('UPDATE django_content_type SET app_label = %s WHERE app_label = %s',"
    " [old, new])\n"
)


# A database as main had it before the renames, with the demo's rows: migrated (if it is not
# yet), in one process, as each start of manage.py costs seconds. The demo's output is not
# printed, so that only the tables' counts are.
_MADE_BEFORE = (
    "from io import StringIO\n"
    "from django.core.management import call_command\n"
    "call_command('migrate', verbosity=0)\n"
    "call_command('load_demo', stdout=StringIO())\n" + _BACK + _COUNTS
)


def _parse_counts(printed: str) -> dict[str, int]:
    pairs = (line.split() for line in printed.splitlines())
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit()}


def _counts(env: dict[str, str]) -> dict[str, int]:
    return _parse_counts(_manage(env, "shell", "-c", _COUNTS))


def test_the_move_keeps_every_row_on_this_database_server(own_database):
    env = _env(own_database)
    before = _parse_counts(_manage(env, "shell", "-c", _MADE_BEFORE))
    assert "habits_contact" in before and "relationships_surveyround" in before
    assert before["habits_contact"] > 0 and before["relationships_surveyround"] > 0

    printed = _manage(env, "migrate")

    assert "Moved a database made before the app renames" in printed
    after = _counts(env)
    assert _without_record(after) == _without_record({_new_name(t): n for t, n in before.items()})
