"""A small collective for trust-survey tests: four practices of one PCN, each with a
representative, and an open round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from collectives.models import Membership, Role
from directory.models import OrganisationRelationship, RelationshipKind
from surveys import services
from surveys.models import RATING_ITEMS


@dataclass
class Survey:
    convenor: Membership
    reps: list[Membership]
    round: Any
    pcn: Any

    def answer(
        self,
        rep: Membership,
        ratee: Membership,
        *,
        trust: int = 3,
        value: int = 3,
        rc: int = 4,
        now: int = 2,
        wanted: int = 1,
        **extra: Any,
    ) -> None:
        values = dict.fromkeys(RATING_ITEMS[:3], trust)
        values |= dict.fromkeys(RATING_ITEMS[3:6], value)
        values |= dict.fromkeys(RATING_ITEMS[6:13], rc)
        values |= {"now": now, "wanted": wanted}
        services.rating_save(
            membership=rep, survey=self.round, ratee=ratee.organisation, values=values, **extra
        )

    def finish(self, rep: Membership) -> None:
        services.self_assessment_save(
            membership=rep,
            survey=self.round,
            values={"sustainable_alone": 2, "joint_difference": 4, "knows_leadership": 3},
        )
        services.response_submit(membership=rep, survey=self.round)

    def close(self) -> None:
        """Close as a convenor does; the job publishing the results runs after the commit."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.round_close(actor_membership=self.convenor, survey=self.round)
        self.round.refresh_from_db()


@pytest.fixture
def survey(convenor) -> Survey:
    collective = convenor.collective
    pcn = OrganisationFactory(kind="pcn", name="Riverside PCN", ods_code="U10001")
    MemberOrganisationFactory(collective=collective, organisation=pcn, is_leadership=True)
    reps = []
    for name in ("Oak Surgery", "Ash Surgery", "Elm Surgery", "Yew Surgery"):
        practice = MemberOrganisationFactory(collective=collective, organisation__name=name)
        OrganisationRelationship.objects.create(
            organisation=practice.organisation, parent=pcn, kind=RelationshipKind.PCN_MEMBER
        )
        reps.append(
            MembershipFactory(
                collective=collective,
                role=Role.REPRESENTATIVE,
                organisation=practice.organisation,
                user__full_name=f"Rep of {name}",
            )
        )
    today = timezone.localdate()
    round_ = services.round_open(
        actor_membership=convenor,
        title="Autumn trust survey",
        opens_on=today,
        closes_on=today + timezone.timedelta(days=10),
        participants=[r.organisation for r in reps],
    )
    return Survey(convenor=convenor, reps=reps, round=round_, pcn=pcn)
