"""Who is the leadership group, and who sees nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from system import access
from system.tests.conftest import World


def test_the_leadership_group_is_convenors_and_leadership_members_speakers(world: World) -> None:
    assert access.is_leadership(world.convenor)
    assert access.is_leadership(world.cd)
    assert access.is_leadership(world.federation_lead)
    for someone in [*world.representatives, world.member, world.observer, world.guest]:
        assert not access.is_leadership(someone)


def test_guests_see_nothing_of_whole_system_working(world: World) -> None:
    with pytest.raises(PermissionDenied):
        access.needs_in(world.guest)
    with pytest.raises(PermissionDenied):
        access.meetings_in(world.guest)
    with pytest.raises(PermissionDenied):
        access.stakeholders_in(world.guest)


def test_members_without_a_key_relationship_see_no_stakeholders(world: World) -> None:
    with pytest.raises(PermissionDenied):
        access.stakeholders_in(world.member)
    assert not access.may_see_limits(world.member)
    assert access.may_see_limits(world.cd)
