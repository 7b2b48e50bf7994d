"""The migration that gives hand-made directory records their owner, run on real rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("directory", "0002_ods_import"),
    ("collectives", "0005_min_raters_at_least_three"),
]
AFTER = [("directory", "0003_directory_ownership"), ("collectives", "0006_local_records")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def empty_database(django_db_blocker, tmp_path: Path) -> Iterator[None]:
    """Point this thread's connection at a new, empty database on the server the suite runs
    on (SQLite or PostgreSQL), and drop it afterwards. Migrating it from nothing to BEFORE
    runs only the migrations that state needs; the suite's own database would have to be
    taken back through every app that depends on the two (and forward again after), which
    costs several times as much."""
    suites = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        if suites.vendor == "sqlite":
            name = str(tmp_path / "migrations.sqlite3")
        else:
            name = f"alliance_migrations_{uuid.uuid4().hex[:8]}"
            with suites._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {suites.ops.quote_name(name)}")
        own = suites.__class__({**suites.settings_dict, "NAME": name}, DEFAULT_DB_ALIAS)
        connections[DEFAULT_DB_ALIAS] = own
        try:
            yield
        finally:
            own.close()
            connections[DEFAULT_DB_ALIAS] = suites
            if suites.vendor != "sqlite":
                with suites._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE {suites.ops.quote_name(name)}")


def test_it_gives_hand_made_records_to_the_one_collective_that_has_them(empty_database):
    apps = _migrate(BEFORE)
    Organisation = apps.get_model("directory", "Organisation")
    Person = apps.get_model("directory", "Person")
    Collective = apps.get_model("collectives", "Collective")
    CollectiveOrganisation = apps.get_model("collectives", "CollectiveOrganisation")
    a, b = (Collective.objects.create(name=n, slug=n, area="x", description="x") for n in "ab")
    lmc = Organisation.objects.create(name="A's LMC", kind="lmc")  # no ODS code, in A only
    both = Organisation.objects.create(name="Shared federation", kind="federation")
    nowhere = Organisation.objects.create(name="In no collective", kind="other")
    practice = Organisation.objects.create(ods_code="A81001", name="Practice", kind="practice")
    in_both = Organisation.objects.create(ods_code="A81002", name="Both", kind="practice")
    for collective, organisation in ((a, lmc), (a, both), (b, both), (a, practice)):
        CollectiveOrganisation.objects.create(collective=collective, organisation=organisation)
    CollectiveOrganisation.objects.create(collective=a, organisation=in_both)
    CollectiveOrganisation.objects.create(collective=b, organisation=in_both)
    people = {
        name: Person.objects.create(name=name, organisation=organisation).pk
        for name, organisation in (
            ("at A's LMC", lmc),
            ("at the shared federation", both),
            ("at A's practice", practice),
            ("at a practice in both", in_both),
            ("nowhere", nowhere),
        )
    }

    apps = _migrate(AFTER)
    Organisation = apps.get_model("directory", "Organisation")
    Person = apps.get_model("directory", "Person")
    owners = dict(Organisation.objects.values_list("name", "owner__slug"))
    assert owners == {
        "A's LMC": "a",
        "Shared federation": None,
        "In no collective": None,
        "Practice": None,  # ODS data is always shared
        "Both": None,
    }
    owned = {name: Person.objects.get(pk=pk).owner_id for name, pk in people.items()}
    assert owned == {
        "at A's LMC": a.pk,
        "at the shared federation": None,
        "at A's practice": a.pk,
        "at a practice in both": None,
        "nowhere": None,
    }

    # Reversing drops the owners; going forward again gives the same answer.
    _migrate(BEFORE)
    apps = _migrate(AFTER)
    Organisation = apps.get_model("directory", "Organisation")
    assert dict(Organisation.objects.values_list("name", "owner__slug")) == owners
