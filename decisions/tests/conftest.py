"""A leadership group of five organisations, each with a representative, and a proposal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives.models import Membership, Role
from decisions import services
from decisions.models import Phase


@dataclass
class Group:
    convenor: Membership
    reps: list[Membership]
    proposal: Any

    def all_support(self, *, except_for: tuple[int, ...] = ()) -> None:
        for i, rep in enumerate(self.reps):
            if i not in except_for:
                services.position_state(membership=rep, proposal=self.proposal, stance="support")


@pytest.fixture
def group(convenor) -> Group:
    reps = []
    for name in ("North PCN", "South PCN", "East PCN", "Island LMC", "Island Federation"):
        member = MemberOrganisationFactory(
            collective=convenor.collective,
            is_leadership=True,
            organisation__name=name,
            organisation__kind="pcn",
        )
        reps.append(
            MembershipFactory(
                collective=convenor.collective,
                role=Role.REPRESENTATIVE,
                organisation=member.organisation,
                user__full_name=f"Rep of {name}",
            )
        )
    proposal = services.proposal_create(
        actor_membership=convenor,
        title="One phlebotomy service for the island",
        problem="Each practice runs its own clinics; patients wait.",
        text="The federation runs one bookable phlebotomy service for all practices.",
    )
    services.proposal_move(actor_membership=convenor, proposal=proposal, phase=Phase.CONSENT)
    proposal.refresh_from_db()
    return Group(convenor=convenor, reps=reps, proposal=proposal)
