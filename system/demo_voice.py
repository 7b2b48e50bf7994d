"""The demo's provider voice, through the real services: three practice needs (one with
three practices behind it, prioritised and turned into a mandate to negotiate with the ICB,
with a first meeting recorded), one with a supporter, and one just raised. Loaded for the
first demo collective (register `lambda people: load_voice_demo(people.convenor)` with
collectives.demo); running it again changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation, OrganisationKind
from system import services_voice as services
from system.models import Need

NEEDS = [
    (
        "No phlebotomy capacity after 1pm",
        "The community phlebotomy service stops at 1pm, so afternoon patients are sent to the "
        "hospital for bloods: a 40-minute trip for most of them.",
    ),
    (
        "Hospital discharge letters arrive a week late",
        "Patients come to us before we know what the hospital changed.",
    ),
    (
        "No community nursing for housebound patients at weekends",
        "",
    ),
]


def _speakers(convenor: Membership, count: int) -> list[Membership]:
    """The representatives (or deputies) of the first member practices that have one."""
    found = []
    for member in (
        CollectiveOrganisation.objects.filter(
            collective=convenor.collective, organisation__kind=OrganisationKind.PRACTICE
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        speaker = Membership.objects.filter(
            collective=convenor.collective,
            organisation=member.organisation,
            role__in=(Role.REPRESENTATIVE, Role.DEPUTY),
        ).first()
        if speaker is not None:
            found.append(speaker)
        if len(found) == count:
            break
    return found


def _icb(convenor: Membership, practices: list[int]) -> Organisation | None:
    """The ICB of the demo's practices, or else the first ICB in the directory."""
    codes = Organisation.objects.filter(pk__in=practices).exclude(icb_code="")
    visible = Q(owner__isnull=True) | Q(owner=convenor.collective)
    icbs = Organisation.objects.filter(visible, kind=OrganisationKind.ICB)
    return (
        icbs.filter(ods_code__in=codes.values("icb_code")).first()
        or icbs.order_by("name", "pk").first()
    )


def load_voice_demo(convenor: Membership, now: dt.datetime | None = None) -> None:
    if Need.objects.filter(collective=convenor.collective).exists():
        return
    speakers = _speakers(convenor, 4)
    if len(speakers) < 4:
        return
    now = now or timezone.now()
    raised = []
    for n, (title, detail) in enumerate(NEEDS):
        raised.append(
            services.need_raise(
                actor_membership=speakers[n],
                title=title,
                detail=detail,
                now=now - dt.timedelta(days=30 - n * 7),
            )
        )
    phlebotomy, letters, _ = raised
    for speaker, evidence in zip(
        speakers[1:],
        [
            "About 15 patients a week sent to the hospital for bloods.",
            "Our afternoon clinics cannot take bloods at all.",
            "Housebound patients wait until Monday for bloods.",
        ],
        strict=True,
    ):
        services.need_support(actor_membership=speaker, need=phlebotomy, evidence=evidence, now=now)
    services.need_support(
        actor_membership=speakers[0],
        need=letters,
        evidence="Three readmissions last month where the letter came after the patient.",
        now=now,
    )
    services.need_prioritise(
        actor_membership=convenor,
        need=phlebotomy,
        decision="prioritised",
        priority=1,
        reason="Four practices are behind it, and it sends patients to the hospital.",
        now=now,
    )
    icb = _icb(convenor, [s.organisation_id for s in speakers if s.organisation_id])
    if icb is None:
        return
    mandate = services.mandate_create(
        actor_membership=convenor,
        need=phlebotomy,
        ask="Community phlebotomy clinics until 6pm, in or near every practice.",
        of_whom=icb,
        opening_position="Clinics until 6pm every weekday, from next quarter.",
        limits="We could accept 4pm on three days a week if the ICB funds practice-based "
        "phlebotomists instead.",
        now=now,
    )
    services.negotiation_event_record(
        actor_membership=convenor,
        mandate=mandate,
        kind="meeting",
        happened_on=timezone.localdate(now) - dt.timedelta(days=3),
        text="First meeting with the ICB's Director of Primary Care: they knew of the gap "
        "and asked for the number of patients sent to the hospital each week.",
        now=now,
    )
