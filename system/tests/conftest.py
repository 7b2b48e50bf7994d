"""A collective for whole-system working: a leadership group (a PCN's Clinical Director, the
federation's lead), six member practices with representatives, a member, an observer and a
guest (the ICB's own officer), and the system organisations around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from collectives.models import Membership, Role
from directory.models import Organisation, OrganisationKind


@dataclass
class World:
    convenor: Membership
    cd: Membership  # the PCN's Clinical Director: a leadership-group representative
    federation_lead: Membership  # the federation's deputy: leadership group too
    representatives: list[Membership]  # of the six practices, not in the leadership group
    member: Membership
    observer: Membership
    guest: Membership
    icb: Organisation
    community_trust: Organisation
    acute_trust: Organisation
    council: Organisation
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def collective(self) -> Any:
        return self.convenor.collective

    @property
    def practices(self) -> list[Organisation]:
        return [r.organisation for r in self.representatives]

    @property
    def outsiders_of_leadership(self) -> list[Membership]:
        """Those who must never see notes or limits."""
        return [self.member, self.observer, self.guest]


def make_world(convenor: Membership) -> World:
    collective = convenor.collective

    def member_org(name: str, kind: str, leadership: bool = False) -> Organisation:
        return MemberOrganisationFactory(
            collective=collective,
            organisation__name=name,
            organisation__kind=kind,
            is_leadership=leadership,
        ).organisation

    pcn = member_org("Medina PCN", OrganisationKind.PCN, leadership=True)
    federation = member_org("Island Federation", OrganisationKind.FEDERATION, leadership=True)
    representatives = [
        MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=member_org(f"Practice {letter} Surgery", OrganisationKind.PRACTICE),
            user__full_name=f"Rep {letter}",
        )
        for letter in "ABCDEF"
    ]
    return World(
        convenor=convenor,
        cd=MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=pcn,
            user__full_name="Clare Director",
        ),
        federation_lead=MembershipFactory(
            collective=collective,
            role=Role.DEPUTY,
            organisation=federation,
            user__full_name="Fred Federation",
        ),
        representatives=representatives,
        member=MembershipFactory(
            collective=collective,
            role=Role.MEMBER,
            organisation=representatives[0].organisation,
            user__full_name="Morgan Member",
        ),
        observer=MembershipFactory(
            collective=collective, role=Role.OBSERVER, user__full_name="Olive Observer"
        ),
        guest=MembershipFactory(
            collective=collective, role=Role.GUEST, user__full_name="Gail Guest"
        ),
        icb=OrganisationFactory(
            name="NHS Hampshire and Isle of Wight ICB", kind=OrganisationKind.ICB, ods_code="QRL"
        ),
        community_trust=OrganisationFactory(
            name="Isle of Wight Community Services", kind=OrganisationKind.COMMUNITY_TRUST
        ),
        acute_trust=OrganisationFactory(
            name="St Mary's Hospital Trust", kind=OrganisationKind.ACUTE_TRUST
        ),
        council=OrganisationFactory(
            name="Isle of Wight Council", kind=OrganisationKind.LOCAL_AUTHORITY
        ),
    )


@pytest.fixture
def world(convenor: Membership) -> World:
    return make_world(convenor)
