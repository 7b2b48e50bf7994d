"""The whole-system landing page: what each reader may see, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from alliance.testing import page_queries
from system import services_meetings, services_stakeholders, services_voice
from system.tests.conftest import World


def _url(world: World) -> str:
    return reverse("system:overview", args=[world.collective.slug])


def _grow(world: World, n: int) -> None:
    for i in range(n):
        services_stakeholders.stakeholder_add(
            actor_membership=world.cd, organisation=world.icb.pk, name=f"Person {n}-{i}"
        )
        services_meetings.series_create(
            actor_membership=world.cd,
            name=f"Board {n}-{i}",
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
        )
        services_voice.need_raise(actor_membership=world.representatives[i], title=f"Need {n}-{i}")


def test_the_leadership_sees_the_way_to_every_part(client, world: World) -> None:
    _grow(world, 1)
    client.force_login(world.cd.user)
    page = client.get(_url(world)).content.decode()
    for part in ("Stakeholders", "Coverage", "Warmth and sway", "Where our agendas meet"):
        assert part in page
    assert "1 open" in page and "Board 1-0" in page


def test_a_member_sees_needs_and_meetings_but_no_stakeholders(client, world: World) -> None:
    _grow(world, 1)
    client.force_login(world.member.user)
    page = client.get(_url(world)).content.decode()
    assert "Board 1-0" in page and "Practices' needs" in page
    assert reverse("system:stakeholders", args=[world.collective.slug]) not in page
    assert "Person 1-0" not in page


def test_a_guest_is_refused(client, world: World) -> None:
    client.force_login(world.guest.user)
    assert client.get(_url(world)).status_code == 403


def test_the_page_runs_the_same_queries_for_one_of_each_as_for_three(client, world: World) -> None:
    client.force_login(world.cd.user)
    _grow(world, 1)
    few = page_queries(client, _url(world))
    _grow(world, 3)
    assert page_queries(client, _url(world)) == few
