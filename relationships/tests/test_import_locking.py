"""A calendar import reads its file before it takes the database's write lock, so other
people can write meanwhile. On SQLite (WAL, BEGIN IMMEDIATE, as in production) a write
lock held while reading made their writes wait five seconds and fail with "database is
locked"."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from relationships import services
from relationships.models import Contact, Mode, Source
from relationships.tests.calendars import big_calendar
from relationships.tests.conftest import Pair


@contextmanager
def file_backed_sqlite(folder: Path) -> Iterator[Callable[[], None]]:
    """On SQLite, point this thread's connection at a copy of the test database in a file
    and yield a function that does the same in another thread. The test database is in
    memory, where SQLite has neither the WAL journal nor the file lock that production
    has; the copy has both (alliance/settings.py's OPTIONS). On PostgreSQL, change nothing:
    every thread has its own connection to the same database already."""
    memory = connections["default"]
    if memory.vendor != "sqlite":
        yield lambda: None
        return
    path = folder / "alliance.sqlite3"
    memory.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        memory.connection.backup(copy)  # type: ignore[union-attr]
    in_file = {**memory.settings_dict, "NAME": str(path)}

    def use_the_file() -> None:
        connections["default"] = memory.__class__(in_file, "default")

    use_the_file()
    try:
        yield use_the_file
    finally:
        connections["default"].close()
        connections["default"] = memory  # the in-memory test database, still open


def test_it_lets_someone_log_a_contact_while_an_import_is_reading_its_file(
    transactional_db: None, pair: Pair, tmp_path: Path
) -> None:
    """Deterministic, not a race: the import reads the file from chunks this test gives it
    (as an upload's chunks() would), and between the first chunk and the second, another
    thread with its own connection logs a call through contact_add and finishes before the
    import reads on. If the import held the write lock by then, that write would fail."""
    calendar = big_calendar(
        organiser=pair.oakwood_rep.user.email,
        known=[pair.riverside_rep.user.email],
        attendees=600,
        big_meetings=1,
    )
    half = len(calendar.data) // 2
    written: list[str] = []

    def ravi_logs_a_call(use_the_file: Callable[[], None]) -> None:
        use_the_file()
        try:
            services.contact_add(
                actor_membership=pair.riverside_rep,
                organisations=pair.both,
                mode=Mode.PHONE,
                happened_at=timezone.now() - dt.timedelta(hours=1),
            )
            written.append("logged")
        except Exception as error:  # the test reports what went wrong
            written.append(f"failed: {error}")
        finally:
            connections.close_all()

    def upload(use_the_file: Callable[[], None]) -> Iterator[bytes]:
        yield calendar.data[:half]
        writer = threading.Thread(target=ravi_logs_a_call, args=(use_the_file,))
        writer.start()
        writer.join(timeout=60)
        yield calendar.data[half:]

    with file_backed_sqlite(tmp_path) as use_the_file:
        outcome = services.calendar_import(
            actor_membership=pair.oakwood_rep, data=upload(use_the_file), filename="big.ics"
        )
        assert written == ["logged"]
        assert Contact.objects.filter(source=Source.MANUAL, mode=Mode.PHONE).count() == 1
        assert len(outcome.created) == calendar.meetings == 11
        assert Contact.objects.filter(source=Source.CALENDAR).count() == 11


def test_it_copies_the_test_database_to_a_file_run_as_production_runs_it(
    transactional_db: None, tmp_path: Path
) -> None:
    """The copy the test above uses is what production runs: a file in WAL mode whose
    transactions begin IMMEDIATE (take the write lock at once)."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite only: on PostgreSQL the test above needs no copy")
    with file_backed_sqlite(tmp_path):
        connection = connections["default"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone() == ("wal",)
        assert connection.settings_dict["NAME"] == str(tmp_path / "alliance.sqlite3")
        assert connection.transaction_mode == "IMMEDIATE"
