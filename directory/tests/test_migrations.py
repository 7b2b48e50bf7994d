"""The migration that gives hand-made directory records their owner, run on real rows."""

from __future__ import annotations

import pytest
from django.db import connection
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


@pytest.mark.django_db(transaction=True)
def test_it_gives_hand_made_records_to_the_one_collective_that_has_them():
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
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
