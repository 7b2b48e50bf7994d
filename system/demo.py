"""The demo collective's whole-system working: five key relationships with senior people in
the island's system organisations (two warm, one gone cold), the place partnership board
next week with two agenda items prepared, and three practice needs, one of them a mandate
(system.demo_voice). Everything goes through the services, as a person would; loading the
demo again changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from collectives.models import Membership
from decisions.models import Decision
from directory.models import Organisation, OrganisationKind
from system import nudges, services_alignment, services_meetings, services_stakeholders
from system.demo_voice import load_voice_demo
from system.models import MeetingSeries, Stakeholder, Stance

# (organisation kind, name, job title, e-mail, warmth, sway, owner: "convenor" or
# "representative" or None, weeks since the last contact, what we learned of their agenda)
PEOPLE = [
    (
        OrganisationKind.ICB,
        "Sarah Whitfield",
        "Director of Strategy",
        "sarah.whitfield@example.nhs.uk",
        5,
        4,
        "convenor",
        1,
        "Wants fewer hospital referrals for bloods and diagnostics; needs a primary care "
        "partner for the neighbourhood health plan.",
    ),
    (
        OrganisationKind.ICB,
        "Mark Ellison",
        "Chief Executive",
        "mark.ellison@example.nhs.uk",
        2,
        5,
        None,
        None,
        "",
    ),
    (
        OrganisationKind.ACUTE_TRUST,
        "Dr Anita Shah",
        "Medical Director",
        "anita.shah@example.nhs.uk",
        4,
        4,
        "representative",
        2,
        "Discharge letters are her board's top quality issue this year.",
    ),
    (
        OrganisationKind.COMMUNITY_TRUST,
        "James Holloway",
        "Director of Operations",
        "james.holloway@example.nhs.uk",
        3,
        3,
        "convenor",
        3,
        "Phlebotomy and district nursing capacity; wary of taking on more work unfunded.",
    ),
    (
        OrganisationKind.COMMUNITY_TRUST,
        "Beth Morgan",
        "Head of Community Nursing",
        "beth.morgan@example.nhs.uk",
        4,
        4,
        None,
        None,
        "",
    ),
    (
        OrganisationKind.LOCAL_AUTHORITY,
        "Priya Nair",
        "Director of Adult Social Care",
        "priya.nair@example.nhs.uk",
        3,
        4,
        "representative",
        4,
        "Care home residents' GP cover, and hospital discharges into social care.",
    ),
    (
        OrganisationKind.PUBLIC_HEALTH,
        "Dr Tom Reid",
        "Director of Public Health",
        "tom.reid@example.gov.uk",
        4,
        3,
        "convenor",
        9,
        "Vaccination uptake in the island's most deprived wards.",
    ),
]


def load_system_demo(convenor: Membership, representative: Membership) -> None:
    collective = convenor.collective
    if Stakeholder.objects.filter(collective=collective).exists():
        return
    now = timezone.now()
    owners = {"convenor": convenor, "representative": representative}
    places = {
        o.kind: o
        for o in Organisation.objects.filter(
            collective_memberships__collective=collective,
            kind__in=[kind for kind, *_ in PEOPLE],
        ).order_by("pk")
    }
    people: dict[str, Stakeholder] = {}
    for kind, name, title, email, warmth, sway, owner, weeks, agenda in PEOPLE:
        organisation = places.get(kind)
        if organisation is None:
            continue
        found = services_stakeholders.stakeholder_add(
            actor_membership=convenor,
            organisation=organisation.pk,
            name=name,
            job_title=title,
            email=email,
            role=title,
            now=now - dt.timedelta(weeks=12),
        )
        services_stakeholders.assessment_add(
            actor_membership=convenor,
            stakeholder=found,
            warmth=max(1, warmth - 1),
            sway=sway,
            assessed_on=(now - dt.timedelta(weeks=10)).date(),
            now=now,
        )
        services_stakeholders.assessment_add(
            actor_membership=convenor,
            stakeholder=found,
            warmth=warmth,
            sway=sway,
            assessed_on=(now - dt.timedelta(weeks=1)).date(),
            now=now,
        )
        if owner:
            actor = owners[owner]
            services_stakeholders.key_relationship_mark(
                actor_membership=actor, stakeholder=found, now=now - dt.timedelta(weeks=11)
            )
            services_stakeholders.contact_log(
                actor_membership=actor,
                stakeholder=found,
                mode="in_person",
                happened_at=now - dt.timedelta(weeks=weeks or 1),
                duration_minutes=45,
                organisation=actor.organisation_id or representative.organisation_id,
                agenda_learned=agenda,
            )
        people[name] = found
    nudges.cold_nudges_refresh(collective=collective, now=now)
    _priorities(convenor, people)
    _meeting(convenor, representative, people, now)
    load_voice_demo(convenor)


def _priorities(convenor: Membership, people: dict[str, Stakeholder]) -> None:
    decision = Decision.objects.filter(collective=convenor.collective).order_by("pk").first()
    ours = services_alignment.priority_add(
        actor_membership=convenor,
        whose="collective",
        text="Blood tests close to home for every practice's patients",
        decision=decision.pk if decision else None,
    )
    services_alignment.priority_add(
        actor_membership=convenor,
        whose="collective",
        text="Discharge letters that reach the practice before the patient does",
    )
    sarah = people.get("Sarah Whitfield")
    if sarah is None:
        return
    theirs = services_alignment.priority_add(
        actor_membership=convenor,
        whose="organisation",
        organisation=sarah.organisation_id,
        text="Fewer outpatient referrals for diagnostics",
    )
    services_alignment.priority_add(
        actor_membership=convenor,
        whose="stakeholder",
        stakeholder=sarah.pk,
        text="A neighbourhood health plan with primary care at its heart",
    )
    services_alignment.overlap_mark(
        actor_membership=convenor,
        ours=ours,
        theirs=theirs,
        note="Bloods in the community take referrals out of the hospital.",
    )


def _meeting(
    convenor: Membership,
    representative: Membership,
    people: dict[str, Stakeholder],
    now: dt.datetime,
) -> None:
    icb = next((s.organisation_id for s in people.values() if s.organisation.kind == "icb"), None)
    next_week = (now + dt.timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    series = services_meetings.series_create(
        actor_membership=convenor,
        name="Place partnership board",
        organisation=icb,
        recurrence="FREQ=MONTHLY",
        starts_at=next_week,
        place="County Hall, Newport",
    )
    meeting = MeetingSeries.objects.get(pk=series.pk).meetings.order_by("starts_at").first()
    if meeting is None:
        return
    services_meetings.meeting_update(
        actor_membership=convenor,
        meeting=meeting,
        attendees=[convenor.user_id, representative.user_id],
    )
    decision = Decision.objects.filter(collective=convenor.collective).order_by("pk").first()
    bloods = services_meetings.item_add(
        actor_membership=convenor,
        meeting=meeting,
        title="Community phlebotomy after 1pm",
        our_position="Practices back an afternoon phlebotomy service run by the community "
        "trust, funded from the outpatient savings.",
        decision=decision.pk if decision else None,
    )
    letters = services_meetings.item_add(
        actor_membership=convenor,
        meeting=meeting,
        title="Discharge letters",
        our_position="Every discharge letter reaches the practice within 24 hours.",
    )
    for item, name, by, stance, done in (
        (bloods, "James Holloway", convenor, Stance.NEUTRAL, True),
        (bloods, "Sarah Whitfield", convenor, Stance.WITH_US, False),
        (letters, "Dr Anita Shah", representative, Stance.UNKNOWN, False),
    ):
        if name in people:
            services_meetings.conversation_add(
                actor_membership=convenor,
                item=item,
                stakeholder=people[name].pk,
                by=by.user_id,
                stance=stance,
                done=done,
            )
