"""Data the benchmarks share (bench/run.py and bench/calendar_import.py)."""

from __future__ import annotations

from typing import Any


def practices_collective(organisations: int, ods_prefix: str) -> tuple[Any, list[Any]]:
    """A collective's convenor and `organisations` practices, all members of it (built with
    bulk_create, with ODS codes made from the prefix)."""
    from alliance.testing import MembershipFactory
    from collectives.models import CollectiveOrganisation, Role
    from directory.models import Organisation

    convenor: Any = MembershipFactory(role=Role.CONVENOR)
    orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{ods_prefix}{i:05d}", name=f"Bench practice {i}", kind="practice")
        for i in range(organisations)
    )
    CollectiveOrganisation.objects.bulk_create(
        CollectiveOrganisation(collective=convenor.collective, organisation=o) for o in orgs
    )
    return convenor, orgs
