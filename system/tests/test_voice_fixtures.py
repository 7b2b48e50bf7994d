"""What the provider voice's tests share: a fixed clock, a need with supporters, a mandate
with limits no one outside the leadership group may ever receive, and the national
practice data's registered patients. (No tests here.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache

from sustainability.models import PracticeFigure
from system import services_voice as services
from system.models import Mandate, Need
from system.tests.conftest import World

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
#: Written into every mandate's limits: a test searches every answer for it.
SECRET = "We could accept 2pm if the ICB pays for it"


def raise_need(
    world: World, index: int = 0, title: str = "No phlebotomy capacity after 1pm"
) -> Need:
    return services.need_raise(
        actor_membership=world.representatives[index],
        title=title,
        detail="Patients are sent to the hospital for bloods.",
        now=NOW,
    )


def support(world: World, need: Need, *indexes: int) -> None:
    for index in indexes:
        services.need_support(
            actor_membership=world.representatives[index],
            need=need,
            evidence=f"Practice {index} sends 10 patients a week.",
            now=NOW,
        )


def make_mandate(world: World, need: Need) -> Mandate:
    return services.mandate_create(
        actor_membership=world.cd,
        need=need,
        ask="Phlebotomy clinics until 6pm in every practice.",
        of_whom=world.icb,
        opening_position="Until 6pm, every weekday.",
        limits=SECRET,
        now=NOW,
    )


def patients(world: World, sizes: dict[int, float]) -> None:
    """The national data's registered patients for these practices (by index)."""
    PracticeFigure.objects.bulk_create(
        PracticeFigure(
            practice_code=world.practices[index].ods_code,
            measure="registered_patients",
            period="2026-01",
            value=value,
            source="Patients Registered at a GP Practice, January 2026",
        )
        for index, value in sizes.items()
    )
    cache.clear()  # England's figures are kept per import; a real import starts afresh


def grow(world: World, n: int) -> list[Any]:
    """n needs, each with supporters and a mandate with events, for query counts."""
    made = []
    for i in range(n):
        need = raise_need(world, i % 6, title=f"Need {n}-{i}")
        support(world, need, (i + 1) % 6, (i + 2) % 6)
        mandate = make_mandate(world, need)
        services.negotiation_event_record(
            actor_membership=world.cd,
            mandate=mandate,
            kind="meeting",
            happened_on=NOW.date(),
            text=f"Met the ICB ({i}).",
            now=NOW,
        )
        made.append(need)
    return made
