"""What the readiness tests share (no tests here): a collective with a shared service, its
lead, its practices with their people, and closed trust survey rounds with answers."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.utils import timezone

from alliance.testing import (
    CollectiveFactory,
    MemberOrganisationFactory,
    MembershipFactory,
)
from collectives.models import Membership, Role
from directory.models import Organisation
from shared_services.models import Participation, ServiceKind, SharedService
from surveys.models import (
    RC_ITEMS,
    TRUST_ITEMS,
    VALUE_ITEMS,
    AnswerMode,
    Response,
    RoundParticipant,
    SurveyRound,
    TieRating,
)

#: (sustainable alone, joint difference, trust) that place a practice in each quadrant.
READY = (2, 4, 3)
BUILD_TRUST = (2, 4, 2)
BUILD_CASE = (4, 2, 3)
NOT_READY = (4, 2, 1)


@dataclass
class World:
    collective: Any
    convenor: Membership
    lead: Membership
    host: Organisation
    service: SharedService
    practices: list[Organisation]
    reps: dict[int, Membership] = field(default_factory=dict)
    members: dict[int, Membership] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.collective.slug)

    def page(self, name: str = "") -> str:
        tail = f"{name}/" if name else ""
        return f"/c/{self.slug}/shared-services/{self.service.pk}/readiness/{tail}"

    def api(self, name: str = "") -> str:
        tail = f"{name}/" if name else ""
        return f"/api/v1/collectives/{self.slug}/shared-services/{self.service.pk}/readiness/{tail}"

    def rep(self, index: int) -> Membership:
        return self.reps[self.practices[index].pk]

    def member(self, index: int) -> Membership:
        return self.members[self.practices[index].pk]


def make_world(
    practices: int = 3, *, k: int = 3, names: list[str] | None = None, lead_at: int | None = None
) -> World:
    """A collective (k given) with a federation hosting a document hub, led by a member of
    the collective (of one of the practices when ``lead_at`` is given), and ``practices``
    practices in it, each with a representative and a member."""
    collective = CollectiveFactory(min_raters=k)
    convenor = MembershipFactory(collective=collective, role=Role.CONVENOR)
    host = MemberOrganisationFactory(
        collective=collective,
        organisation__name="Island Federation",
        organisation__kind="federation",
    ).organisation
    orgs = [
        MemberOrganisationFactory(
            collective=collective,
            organisation__name=(names[i] if names else f"Practice {chr(65 + i)} Surgery"),
        ).organisation
        for i in range(practices)
    ]
    world = World(
        collective=collective,
        convenor=convenor,
        lead=convenor,
        host=host,
        service=None,  # type: ignore[arg-type]
        practices=orgs,
    )
    for org in orgs:
        world.reps[org.pk] = MembershipFactory(
            collective=collective, role=Role.REPRESENTATIVE, organisation=org
        )
        world.members[org.pk] = MembershipFactory(
            collective=collective, role=Role.MEMBER, organisation=org
        )
    if lead_at is None:
        world.lead = MembershipFactory(
            collective=collective, role=Role.MEMBER, user__full_name="Lee Lead"
        )
    else:
        world.lead = world.members[orgs[lead_at].pk]
    world.service = SharedService.objects.create(
        collective=collective,
        name="Document hub",
        kind=ServiceKind.DOCUMENTS,
        host=host,
        lead=world.lead.user,
    )
    joined = timezone.localdate() - dt.timedelta(days=400)
    Participation.objects.bulk_create(
        [Participation(service=world.service, organisation=o, joined_on=joined) for o in orgs]
    )
    return world


def add_practice(world: World, name: str) -> Organisation:
    org = MemberOrganisationFactory(
        collective=world.collective, organisation__name=name
    ).organisation
    world.practices.append(org)
    world.reps[org.pk] = MembershipFactory(
        collective=world.collective, role=Role.REPRESENTATIVE, organisation=org
    )
    world.members[org.pk] = MembershipFactory(
        collective=world.collective, role=Role.MEMBER, organisation=org
    )
    Participation.objects.create(
        service=world.service, organisation=org, joined_on=timezone.localdate()
    )
    return org


def closed_round(
    world: World,
    *,
    title: str = "Spring trust survey",
    days_ago: int = 20,
    per_person: bool = False,
    participants: list[Organisation] | None = None,
) -> SurveyRound:
    """A round of the world's collective that closed ``days_ago`` days ago."""
    today = timezone.localdate()
    survey = SurveyRound.objects.create(
        collective=world.collective,
        title=title,
        opens_on=today - dt.timedelta(days=days_ago + 14),
        closes_on=today - dt.timedelta(days=days_ago),
        closed_at=timezone.now() - dt.timedelta(days=days_ago),
        answer_mode=AnswerMode.STAFF if per_person else AnswerMode.REPRESENTATIVE,
        min_raters=world.collective.min_raters,
    )
    RoundParticipant.objects.bulk_create(
        [
            RoundParticipant(round=survey, organisation=o)
            for o in (participants or [world.host, *world.practices])
        ]
    )
    return survey


def answer(
    survey: SurveyRound,
    organisation: Organisation,
    *,
    alone: int | None,
    joint: int | None,
    trust: dict[int, int] | None = None,
    respondent: Any = None,
) -> Response:
    """The organisation's answers in the round: about itself, and its trust (1 to 4) in
    each organisation named (by id); the other items a fixed middle answer."""
    response = Response.objects.create(
        round=survey,
        organisation=organisation,
        respondent=respondent,
        sustainable_alone=alone,
        joint_difference=joint,
        knows_leadership=3,
        submitted_at=timezone.now(),
    )
    TieRating.objects.bulk_create(
        [
            TieRating(
                response=response,
                ratee_id=ratee,
                **dict.fromkeys(TRUST_ITEMS, value),
                **dict.fromkeys(VALUE_ITEMS, 2),
                **dict.fromkeys(RC_ITEMS, 3),
                now=2,
                wanted=2,
            )
            for ratee, value in (trust or {}).items()
        ]
    )
    return response


def place(
    world: World, survey: SurveyRound, organisation: Organisation, answers: tuple[int, int, int]
) -> Response:
    """Answer so as to land in a quadrant: (alone, joint, trust in everyone else)."""
    alone, joint, trust = answers
    others = [o.pk for o in [world.host, *world.practices] if o.pk != organisation.pk]
    return answer(
        survey, organisation, alone=alone, joint=joint, trust=dict.fromkeys(others, trust)
    )


def xlsx_rows(content: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]


_TAG = re.compile(r'<strong class="nhsuk-tag[^"]*"\s*>\s*(.*?)\s*</strong>', re.S)


def tags(page: str) -> list[str]:
    """The text of each NHS.UK tag on the page, in order."""
    return [" ".join(text.split()) for text in _TAG.findall(page)]
