"""Two practices of one collective that work together, a third practice, and the convenor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives.models import Membership, Role


@dataclass
class Pair:
    convenor: Membership
    oakwood: Any
    riverside: Any
    hillside: Any
    oakwood_rep: Membership
    riverside_rep: Membership
    hillside_member: Membership

    @property
    def collective(self) -> Any:
        return self.convenor.collective

    @property
    def both(self) -> list[int]:
        return [self.oakwood.pk, self.riverside.pk]


def _practice(collective: Any, name: str) -> Any:
    return MemberOrganisationFactory(collective=collective, organisation__name=name).organisation


@pytest.fixture
def pair(convenor: Membership) -> Pair:
    collective = convenor.collective
    oakwood = _practice(collective, "Oakwood Surgery")
    riverside = _practice(collective, "Riverside Practice")
    hillside = _practice(collective, "Hillside")
    return Pair(
        convenor=convenor,
        oakwood=oakwood,
        riverside=riverside,
        hillside=hillside,
        oakwood_rep=MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=oakwood,
            user__full_name="Olivia Oakwood",
            user__email="olivia@oakwood.example.org",
        ),
        riverside_rep=MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=riverside,
            user__full_name="Ravi Riverside",
            user__email="ravi@riverside.example.org",
        ),
        hillside_member=MembershipFactory(
            collective=collective,
            role=Role.MEMBER,
            organisation=hillside,
            user__full_name="Hana Hillside",
            user__email="hana@hillside.example.org",
        ),
    )
