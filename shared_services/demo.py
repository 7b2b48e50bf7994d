"""The demo's shared services, through the real services: a document management hub hosted
by the federation with five practices and three ways of working (one agreed with a local
variation, one at version 2 re-agreed by four of the five), a year of monthly values of two
benefit measures, a staff bank being explored, and who does what (the responsibility matrix,
with one conflict: estates has two Accountable bodies). Loaded by load_demo for the first
demo collective; running it again changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import OrganisationKind
from shared_services import services, services_matrix
from shared_services.models import Answer, Better, ServiceKind, SharedService

HUB = "Document management hub"
WAYS = [
    (
        "Coding incoming documents",
        "Incoming documents are coded with the hub's protocol (version 2) within 2 working "
        "days of arriving.",
    ),
    (
        "Workflow for hospital letters",
        "Hospital letters go to the hub's workflow queue; the hub actions what the protocol "
        "lists and sends the rest to the practice's duty GP the same day.",
    ),
    (
        "One document naming rule",
        "Every scanned document is named by the hub's naming rule: date, source, type.",
    ),
]
#: Documents waiting to be coded at the end of each month, across the hub: falling once the
#: hub runs, then a spike in the last month (a special cause: outside the limits).
BACKLOG = [412, 398, 405, 380, 362, 351, 340, 336, 329, 322, 318, 455]
TURNAROUND = [4.1, 3.9, 4.0, 3.6, 3.2, 2.9, 2.7, 2.5, 2.4, 2.2, 2.1, 2.0]


def _speakers(convenor: Membership, count: int) -> list[Membership]:
    """Representatives of the first practices: the survey demo's where it made them."""
    collective = convenor.collective
    practices = list(
        CollectiveOrganisation.objects.filter(
            collective=collective, organisation__kind=OrganisationKind.PRACTICE
        )
        .select_related("organisation")
        .order_by("organisation__name")[:count]
    )
    found = []
    for n, member in enumerate(practices):
        speaker = Membership.objects.filter(
            collective=collective,
            organisation=member.organisation,
            role__in=(Role.REPRESENTATIVE, Role.DEPUTY),
        ).first()
        if speaker is None:
            email = f"hub-practice-{n + 1}@example.org"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=None, full_name="Demo representative"
            )
            speaker = Membership.objects.create(
                collective=collective,
                user=user,
                role=Role.REPRESENTATIVE,
                organisation=member.organisation,
            )
        found.append(speaker)
    return found


def _months(count: int) -> list[dt.date]:
    first = timezone.localdate().replace(day=1)
    months = []
    for back in range(count, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(dt.date(year, month + 1, 1))
    return months


def load_shared_services_demo(convenor: Membership) -> None:
    load_matrix_demo(convenor)
    collective = convenor.collective
    if SharedService.objects.filter(collective=collective, name=HUB).exists():
        return
    federation = (
        CollectiveOrganisation.objects.filter(
            collective=collective, organisation__kind=OrganisationKind.FEDERATION
        )
        .select_related("organisation")
        .first()
    )
    speakers = _speakers(convenor, 5)
    if federation is None or len(speakers) < 5:
        return
    hub = services.service_create(
        actor_membership=convenor,
        name=HUB,
        kind=ServiceKind.DOCUMENTS,
        host=federation.organisation_id,
        lead=convenor.user_id,
        purpose="One team codes and actions every practice's incoming documents, so GPs see "
        "only what needs a GP.",
        service_levels="- Documents coded within **2 working days** of arriving.\n"
        "- Urgent letters to the practice's duty GP **the same day**.\n"
        "- A monthly report to every practice of what the hub did for it.",
        practices=[s.organisation_id for s in speakers if s.organisation_id],
        joined_on=timezone.localdate() - dt.timedelta(days=400),
    )
    for stage, reason in (
        ("exploring", "Five practices asked the federation to look at a shared hub."),
        ("agreeing", "The leadership group backed it; the practices now agree one way."),
    ):
        services.stage_move(actor_membership=convenor, service=hub, to_stage=stage, reason=reason)
    ways = [
        services.way_add(actor_membership=convenor, service=hub, title=title, text=text)
        for title, text in WAYS
    ]
    coding, letters, naming = ways
    for speaker in speakers:
        services.way_answer(actor_membership=speaker, way=coding, answer=Answer.AGREED)
    # One practice agrees the letters' workflow with a local variation.
    for n, speaker in enumerate(speakers):
        if n == 2:
            services.way_answer(
                actor_membership=speaker,
                way=letters,
                answer=Answer.VARIATION,
                variation="Letters about our care home patients go to our care home GP, not "
                "the duty GP.",
                variation_reason="One GP knows the homes' residents; the homes asked for it.",
                variation_until=timezone.localdate() + dt.timedelta(days=21),
            )
        else:
            services.way_answer(actor_membership=speaker, way=letters, answer=Answer.AGREED)
    # The naming rule, agreed by all at version 1, then changed: four of five re-agree.
    for speaker in speakers:
        services.way_answer(actor_membership=speaker, way=naming, answer=Answer.AGREED)
    services.way_revise(
        actor_membership=convenor,
        way=naming,
        text="Every scanned document is named by the hub's naming rule: date, source, type "
        "and the clinician it is for.",
        change_note="Adds the clinician, so the workflow can route a document without opening it.",
    )
    for speaker in speakers[:4]:
        services.way_answer(actor_membership=speaker, way=naming, answer=Answer.AGREED)

    months = _months(12)
    for name, unit, better, values, baseline, target in (
        ("Documents waiting to be coded", "documents", Better.DOWN, BACKLOG, 420.0, 250.0),
        ("Days from arrival to coding", "working days", Better.DOWN, TURNAROUND, 4.0, 2.0),
    ):
        measure = services.measure_add(
            actor_membership=convenor,
            service=hub,
            name=name,
            unit=unit,
            better=better,
            baseline=baseline,
            target=target,
        )
        services.measure_values_set(
            actor_membership=convenor,
            measure=measure,
            values=list(zip(months, values, strict=True)),
        )

    bank = services.service_create(
        actor_membership=convenor,
        name="Island staff bank",
        kind=ServiceKind.STAFF_BANK,
        host=federation.organisation_id,
        purpose="A bank of sessional GPs, nurses and reception staff that every practice can "
        "book, on one rate card.",
        practices=[s.organisation_id for s in speakers[:3] if s.organisation_id],
    )
    services.stage_move(
        actor_membership=convenor,
        service=bank,
        to_stage="exploring",
        reason="Three practices short of locums asked the federation to look at a bank.",
    )


#: Who does what: (function, [(body, roles)]), where a body is "federation", "lmc", "pcn"
#: (every member PCN), "practices" or "leadership". Estates has two Accountable bodies.
MATRIX = [
    ("Extended access", [("federation", "RA"), ("pcn", "C"), ("practices", "I")]),
    ("ARRS staff employment", [("pcn", "R"), ("federation", "A"), ("practices", "I")]),
    ("Estates", [("federation", "RA"), ("pcn", "A"), ("practices", "C")]),
    ("Training hub", [("federation", "R"), ("leadership", "A"), ("practices", "I")]),
    ("Digital and IT", [("federation", "RA"), ("practices", "C")]),
    ("Staff bank", [("federation", "RA"), ("practices", "C")]),
    ("Back office", [("federation", "RA"), ("practices", "I")]),
    ("Clinical governance", [("practices", "R"), ("leadership", "A"), ("lmc", "C")]),
    ("Negotiating with the ICB", [("leadership", "RA"), ("lmc", "C"), ("practices", "I")]),
    ("LMC representation", [("lmc", "RA"), ("practices", "C")]),
    ("Communicating to practices", [("leadership", "A"), ("pcn", "R"), ("practices", "I")]),
    ("Data and business intelligence", [("federation", "R"), ("leadership", "A")]),
]


def load_matrix_demo(convenor: Membership) -> None:
    """Who does what, as first set by the convenor (no change agreed yet), with a conflict."""
    if not services_matrix.matrix_functions_ensure(actor_membership=convenor):
        return  # already made: the demo ran before, or someone used the matrix
    members = CollectiveOrganisation.objects.filter(collective=convenor.collective)
    by_kind: dict[str, list[str]] = {}
    for member in members.select_related("organisation"):
        by_kind.setdefault(member.organisation.kind, []).append(f"org:{member.organisation_id}")
    bodies = {
        "federation": by_kind.get(OrganisationKind.FEDERATION, [])[:1],
        "lmc": by_kind.get(OrganisationKind.LMC, [])[:1],
        "pcn": by_kind.get(OrganisationKind.PCN, []),
        "practices": ["practices"],
        "leadership": ["leadership"],
    }
    cells = [
        {"function": function, "body": body, "roles": roles}
        for function, parts in MATRIX
        for where, roles in parts
        for body in (
            bodies[where][:1] if function == "Estates" and where == "pcn" else bodies[where]
        )
    ]
    services_matrix.matrix_first_version_set(actor_membership=convenor, cells=cells)
