"""What the system meetings' tests build on the whole-system world: stakeholders, a decision,
a mandate, and a place partnership with a meeting prepared (two items, one linked to a
decision, conversations beforehand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives.models import Membership, Role
from decisions.models import Decision, Proposal
from directory.models import Organisation, OrganisationKind, Person
from system import services_meetings as services
from system.models import (
    AgendaItem,
    Mandate,
    MeetingSeries,
    Need,
    PrepConversation,
    Stakeholder,
    SystemMeeting,
)
from system.tests.conftest import World

LONDON = ZoneInfo("Europe/London")


def stakeholder(world: World, name: str, organisation: Organisation, role: str = "") -> Stakeholder:
    person = Person.objects.create(
        name=name, organisation=organisation, email=f"{name.split()[-1].lower()}@example.org"
    )
    return Stakeholder.objects.create(
        collective=world.collective, person=person, organisation=organisation, role=role
    )


def decision(world: World, title: str = "One phlebotomy rota", summary: str = "") -> Decision:
    proposal = Proposal.objects.create(
        collective=world.collective, title=title, author=world.convenor.user
    )
    return Decision.objects.create(
        proposal=proposal,
        collective=world.collective,
        title=title,
        final_text="We share one rota.",
        summary=summary or "The practices share one phlebotomy rota.",
    )


def mandate(world: World, limits: str = "No less than 20 slots a week") -> Mandate:
    need = Need.objects.create(
        collective=world.collective,
        practice=world.practices[0],
        title="No phlebotomy capacity after 1pm",
        raised_by=world.representatives[0].user,
    )
    return Mandate.objects.create(
        collective=world.collective,
        need=need,
        ask="Afternoon phlebotomy clinics",
        of_whom=world.community_trust,
        opening_position="Five afternoon clinics a week",
        limits=limits,
        created_by=world.convenor.user,
    )


@dataclass
class Prepared:
    series: MeetingSeries
    meeting: SystemMeeting
    items: list[AgendaItem]
    conversations: list[PrepConversation]
    director: Stakeholder
    nurse: Stakeholder
    decision: Decision


def prepared(world: World, starts_at: dt.datetime, **series: Any) -> Prepared:
    """A place partnership meeting at `starts_at`, attended by the CD, with two items (the
    first linked to a decision) and two conversations beforehand, one done."""
    director = stakeholder(world, "Dana Strategy", world.icb, "Director of Strategy")
    nurse = stakeholder(world, "Nia Nurse", world.community_trust, "Chief Nurse")
    made = services.series_create(
        actor_membership=world.convenor,
        name=series.get("name", "Place partnership"),
        organisation=series.get("organisation", world.council.pk),
        recurrence=series.get("recurrence", ""),
        starts_at=starts_at,
        place="County Hall",
    )
    meeting = SystemMeeting.objects.get(series=made, starts_at=starts_at)
    services.meeting_update(
        actor_membership=world.convenor, meeting=meeting, attendees=[world.cd.user_id]
    )
    agreed = decision(world)
    first = services.item_add(
        actor_membership=world.convenor,
        meeting=meeting,
        title="Phlebotomy in the community",
        our_position="Practices cannot take on more phlebotomy without funding.",
        decision=agreed.pk,
    )
    second = services.item_add(
        actor_membership=world.convenor,
        meeting=meeting,
        title="Winter plan",
        our_position="Same-day hubs need GP sessions paid at the local rate.",
    )
    talks = [
        services.conversation_add(
            actor_membership=world.convenor,
            item=first,
            stakeholder=director.pk,
            by=world.cd.user_id,
            stance="with_us",
        ),
        services.conversation_add(
            actor_membership=world.convenor,
            item=first,
            stakeholder=nurse.pk,
            by=world.federation_lead.user_id,
            stance="against",
            done=True,
        ),
    ]
    return Prepared(made, meeting, [first, second], talks, director, nurse, agreed)


def elsewhere(convenor: Membership, first: World) -> World:
    """A second collective shaped like the first (system.tests.conftest.make_world), around
    the same system organisations: they are shared directory data."""
    collective = convenor.collective

    def member_org(name: str, kind: str, leadership: bool = False) -> Organisation:
        return MemberOrganisationFactory(
            collective=collective,
            organisation__name=name,
            organisation__kind=kind,
            is_leadership=leadership,
        ).organisation

    pcn = member_org("Ryde PCN", OrganisationKind.PCN, leadership=True)
    federation = member_org("Wight Federation", OrganisationKind.FEDERATION, leadership=True)
    representatives = [
        MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=member_org(f"Practice {letter} Health Centre", OrganisationKind.PRACTICE),
        )
        for letter in "GHIJKL"
    ]

    def someone(role: str, **kwargs: Any) -> Membership:
        return MembershipFactory(collective=collective, role=role, **kwargs)  # type: ignore[no-any-return]

    return World(
        convenor=convenor,
        cd=someone(Role.REPRESENTATIVE, organisation=pcn, user__full_name="Ravi Director"),
        federation_lead=someone(Role.DEPUTY, organisation=federation),
        representatives=representatives,
        member=someone(Role.MEMBER, organisation=representatives[0].organisation),
        observer=someone(Role.OBSERVER),
        guest=someone(Role.GUEST),
        icb=first.icb,
        community_trust=first.community_trust,
        acute_trust=first.acute_trust,
        council=first.council,
    )
