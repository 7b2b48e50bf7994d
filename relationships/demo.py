"""The demo's five habits, so the relationships pages show something on a first visit:
twelve weeks of contact between the demo practice manager's practice and a neighbour
(a weekly call kept most weeks, a monthly face-to-face), a weekly rhythm, e-mail with a
third practice that the nightly rules turn into a nudge, an ask for help answered by the
PCN, an open ask, and a put-it-right record the PCN responded to. All through the real
services. Loaded by load_demo for the first demo collective; running it again changes
nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from collectives.models import CollectiveOrganisation, Membership
from relationships import services
from relationships.models import Contact, Mode, Period, Scope
from relationships.nudges import nudges_refresh

#: Weeks (counting back from this one) in which the weekly call did not happen.
MISSED_WEEKS = frozenset({3, 7})


def load_habits_demo(member: Membership, representative: Membership) -> None:
    """`member` works for a practice; `representative` speaks for a PCN of the collective."""
    collective = member.collective
    own, pcn = member.organisation_id, representative.organisation_id
    if own is None or pcn is None or Contact.objects.filter(collective=collective).exists():
        return
    practices = list(
        CollectiveOrganisation.objects.filter(collective=collective, organisation__kind="practice")
        .exclude(organisation_id=own)
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)[:2]
    )
    if len(practices) < 2:
        return  # not enough practices to show anything
    neighbour, emailer = practices
    now = timezone.now()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())

    for weeks_ago in range(12, 0, -1):
        week = monday - dt.timedelta(weeks=weeks_ago)
        tuesday_noon = timezone.make_aware(dt.datetime.combine(week, dt.time(12, 30)))
        if weeks_ago not in MISSED_WEEKS:
            services.contact_add(
                actor_membership=member,
                organisations=[own, neighbour],
                mode=Mode.VIDEO if weeks_ago % 2 else Mode.PHONE,
                happened_at=tuesday_noon + dt.timedelta(days=1),
                duration_minutes=25,
                participants=[member.user],
                note="Weekly catch-up: rotas, the shared phlebotomy clinic, anything stuck.",
            )
        if weeks_ago % 4 == 0:
            services.contact_add(
                actor_membership=member,
                organisations=[own, neighbour, pcn],
                mode=Mode.IN_PERSON,
                happened_at=tuesday_noon + dt.timedelta(days=3, hours=1),
                duration_minutes=60,
            )
        if weeks_ago <= 6:  # e-mail only with the third practice: the rules will nudge
            services.email_count_set(
                actor_membership=member, other_organisation=emailer, week_of=week, count=2
            )

    services.rhythm_agree(
        actor_membership=member,
        name="Weekly 30-minute call",
        scope=Scope.PAIR,
        organisations=[own, neighbour],
        modes=[Mode.PHONE, Mode.VIDEO],
        period=Period.WEEKLY,
        starts_on=monday - dt.timedelta(weeks=12),
        min_minutes=20,
        owner=member.user,
    )

    answered = services.ask_post(
        actor_membership=member,
        what="Our practice nurse is off for two weeks: can anyone cover two smear clinics?",
        needed_by=today + dt.timedelta(days=10),
    )
    offer = services.offer_make(
        actor_membership=representative,
        ask=answered,
        text="The PCN's ARRS nurse can take both clinics; call me to agree the dates.",
    )
    services.ask_answer(
        actor_membership=member,
        ask=answered,
        offer=offer,
        thanks="Thank you: both clinics are covered.",
    )
    services.ask_post(
        actor_membership=member,
        what="Has anyone a template letter for patients moving to the new blood test clinics?",
        needed_by=today + dt.timedelta(days=21),
    )

    record = services.put_it_right_record(
        actor_membership=member,
        mistake="We sent the extended-access hub an old rota, so two Saturday sessions had "
        "no GP booked.",
        impact="The PCN had to find cover at a day's notice.",
        will_do="One person now checks the rota against the hub's list before it goes.",
        apologises_to=[pcn],
    )
    services.put_it_right_respond(
        actor_membership=representative,
        record=record,
        text="Thank you for saying so. The check sounds right.",
    )

    nudges_refresh(collective=collective, now=now)
