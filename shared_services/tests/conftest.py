"""A document hub of the collective's federation with practices, each with a representative,
for the register's and the ledger's tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives.models import Membership, Role
from directory.models import OrganisationKind
from shared_services import services
from shared_services.models import ServiceKind, SharedService


@dataclass
class Hub:
    service: SharedService
    convenor: Membership
    representatives: list[Membership]

    @property
    def practices(self) -> list[Any]:
        return [r.organisation for r in self.representatives]


def make_hub(convenor: Membership, practices: int = 3, name: str = "Document hub") -> Hub:
    collective = convenor.collective
    federation = MemberOrganisationFactory(
        collective=collective,
        organisation__kind=OrganisationKind.FEDERATION,
        organisation__name="Island Federation",
        organisation__ods_code=None,
    ).organisation
    representatives = []
    for n in range(practices):
        practice = MemberOrganisationFactory(
            collective=collective, organisation__name=f"Surgery {n + 1}"
        ).organisation
        representatives.append(
            MembershipFactory(
                collective=collective,
                role=Role.REPRESENTATIVE,
                organisation=practice,
                user__full_name=f"Rep {n + 1}",
            )
        )
    service = services.service_create(
        actor_membership=convenor,
        name=name,
        kind=ServiceKind.DOCUMENTS,
        host=federation.pk,
        practices=[r.organisation_id for r in representatives],
    )
    return Hub(service, convenor, representatives)


@pytest.fixture
def hub(convenor: Membership) -> Hub:
    return make_hub(convenor)
