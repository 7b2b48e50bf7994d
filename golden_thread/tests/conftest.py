"""A collective of 20 practices in 4 PCNs, each PCN with a Clinical Director (its
representative, on the leadership group), each practice with a practice manager, and one
decision recorded by consensus, facilitated by the convenor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from collectives.models import Membership, Role
from decisions import services as decision_services
from decisions.models import Decision
from directory.models import OrganisationRelationship, RelationshipKind

PLAIN = {
    "summary": "All practices will share one phlebotomy service. The federation runs it.",
    "meaning": "Your patients book blood tests in one place. You stop running your own clinics.",
    "action": "Tell your reception team how to book the new clinics.",
}
HARD = {
    "summary": (
        "Notwithstanding considerable organisational heterogeneity, the leadership group "
        "unanimously determined that phlebotomy provision shall henceforth be consolidated "
        "into an integrated, federation-administered, appointment-based arrangement, "
        "necessitating comprehensive reconfiguration of practice-level operational processes."
    ),
    "meaning": (
        "Practices' administrative infrastructure will require substantial modification "
        "consequent upon the discontinuation of independently organised venepuncture clinics."
    ),
    "action": "",
}


@dataclass
class Collective:
    convenor: Membership
    pcns: list[Any]
    cds: list[Membership]
    practices: list[Any]
    managers: list[Membership]
    decision: Decision

    def manager_of(self, practice: Any) -> Membership:
        return next(m for m in self.managers if m.organisation_id == practice.pk)

    def cd_of(self, pcn: Any) -> Membership:
        return next(m for m in self.cds if m.organisation_id == pcn.pk)

    def decide(self, title: str, *, facilitator: Any = None) -> Decision:
        """Another decision, recorded by consensus of the Clinical Directors."""
        return record_decision(self.convenor, self.cds, title, facilitator=facilitator)


def record_decision(
    convenor: Membership, speakers: list[Membership], title: str, *, facilitator: Any = None
) -> Decision:
    proposal = decision_services.proposal_create(
        actor_membership=convenor,
        title=title,
        problem="Each practice runs its own clinics.",
        text="The federation runs one service for all practices.",
        facilitator=facilitator,
    )
    decision_services.proposal_move(actor_membership=convenor, proposal=proposal, phase="consent")
    for speaker in speakers:
        decision_services.position_state(membership=speaker, proposal=proposal, stance="support")
    proposal.refresh_from_db()
    return decision_services.decision_record(
        actor_membership=convenor, proposal=proposal, summary=title
    )


def build_collective(convenor: Membership, *, pcns: int = 4, per_pcn: int = 5) -> Collective:
    collective = convenor.collective
    pcn_orgs, cds, practices, managers = [], [], [], []
    for i in range(pcns):
        pcn = MemberOrganisationFactory(
            collective=collective,
            is_leadership=True,
            organisation__name=f"PCN {'ABCDEFGH'[i]}",
            organisation__kind="pcn",
        ).organisation
        pcn_orgs.append(pcn)
        cds.append(
            MembershipFactory(
                collective=collective,
                role=Role.REPRESENTATIVE,
                organisation=pcn,
                user__full_name=f"Dr CD of {pcn.name}",
                user__email=f"cd{i}@example.org",
            )
        )
        for j in range(per_pcn):
            practice = OrganisationFactory(name=f"Practice {'ABCDEFGH'[i]}{j + 1}")
            MemberOrganisationFactory(collective=collective, organisation=practice)
            OrganisationRelationship.objects.create(
                organisation=practice, parent=pcn, kind=RelationshipKind.PCN_MEMBER
            )
            practices.append(practice)
            managers.append(
                MembershipFactory(
                    collective=collective,
                    role=Role.MEMBER,
                    organisation=practice,
                    user__full_name=f"Manager of {practice.name}",
                    user__email=f"pm{i}{j}@example.org",
                )
            )
    decision = record_decision(convenor, cds, "One phlebotomy service")
    return Collective(convenor, pcn_orgs, cds, practices, managers, decision)


@pytest.fixture
def area(convenor) -> Collective:
    return build_collective(convenor)
