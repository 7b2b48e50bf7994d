"""The demo collectives: real practices and PCNs (ODS excerpts), synthetic people.

Loaded by `manage.py load_demo` (and so by `make run`). Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from collectives import services
from collectives.models import Collective, CollectiveOrganisation, Membership, Role
from directory.importer import ods_import
from directory.models import (
    Organisation,
    OrganisationKind,
    OrganisationRelationship,
    Person,
    PersonRole,
    RelationshipKind,
)

ODS_DIR = Path(__file__).resolve().parent.parent / "directory" / "fixtures" / "ods"
DEMO_PASSWORD = "alliance-demo-2026"


@dataclass(frozen=True)
class DemoPeople:
    """The first demo collective's convenor, PCN representative and practice member: the
    feature apps' demos act as them."""

    convenor: Membership
    representative: Membership
    member: Membership


#: The feature apps' demos (a decision and its briefing, twelve weeks of habits, survey
#: rounds), each registered in its app's AppConfig.ready: collectives is below them and does
#: not import them. Run in that order, for the first demo collective.
FEATURE_DEMOS: list[Callable[[DemoPeople], None]] = []


def register(feature_demo: Callable[[DemoPeople], None]) -> None:
    FEATURE_DEMOS.append(feature_demo)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    collective: str


@dataclass(frozen=True)
class DemoArea:
    slug: str
    name: str
    area: str
    commissioner: str  # the CCG code whose PCNs make up the collective
    federation: str
    lmc: str


AREAS = [
    DemoArea(
        slug="isle-of-wight",
        name="Isle of Wight General Practice Collective",
        area="Isle of Wight",
        commissioner="10L",
        federation="Island GP Federation (demo)",
        lmc="Island Local Medical Committee (demo)",
    ),
    DemoArea(
        slug="bassetlaw",
        name="Bassetlaw General Practice Collective",
        area="Bassetlaw",
        commissioner="02Q",
        federation="Bassetlaw GP Federation (demo)",
        lmc="North Nottinghamshire Local Medical Committee (demo)",
    ),
]

DESCRIPTION = (
    "{area}'s GP practices, Primary Care Networks, GP federation and Local Medical Committee, "
    "working as one.\n\n"
    "The leadership group (the PCN Clinical Directors, the federation and the LMC) decides by "
    "consensus: a decision is made only when every member organisation can stand by it. Every "
    "decision reaches every practice in plain English, and we check that it arrived."
)


def _organisation(
    ods_code: str | None, name: str, kind: str, status: str = "active", postcode: str = ""
) -> Organisation:
    lookup = {"ods_code": ods_code} if ods_code else {"name": name, "ods_code": None}
    organisation, _ = Organisation.objects.get_or_create(
        **lookup, defaults={"name": name, "kind": kind, "status": status, "postcode": postcode}
    )
    return organisation


def _user(email: str, full_name: str, job_title: str, organisation: Organisation) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Person.objects.create(
            name=full_name, job_title=job_title, organisation=organisation, email=email, user=user
        )
    return user


def _join(collective: Collective, user: User, role: str, organisation: Organisation | None) -> None:
    Membership.objects.get_or_create(
        collective=collective,
        user=user,
        defaults={"role": role, "organisation": organisation},
    )


SYSTEM_PARTNERS = {
    "isle-of-wight": [
        ("NHS Hampshire and Isle of Wight Integrated Care Board", OrganisationKind.ICB),
        ("Isle of Wight NHS Trust", OrganisationKind.ACUTE_TRUST),
        ("Island Community Health Services (demo)", OrganisationKind.COMMUNITY_TRUST),
        ("Isle of Wight Council", OrganisationKind.LOCAL_AUTHORITY),
        ("Isle of Wight Council Public Health", OrganisationKind.PUBLIC_HEALTH),
    ],
}

# Invented people with plausible roles: (name, job title, role, where).
PEOPLE = [
    ("Helen Morris", "Chief executive", PersonRole.FEDERATION_LEADER, "federation"),
    ("Dr Raj Patel", "LMC medical secretary", PersonRole.LMC_OFFICER, "lmc"),
    ("Dr Claire Evans", "PCN Clinical Director", PersonRole.PCN_CLINICAL_DIRECTOR, "pcn:1"),
    ("Dr Ben Adeyemi", "PCN Clinical Director", PersonRole.PCN_CLINICAL_DIRECTOR, "pcn:2"),
    ("Dr Laura Finch", "GP partner", PersonRole.GP_PARTNER, "practice:0"),
    ("Jo Hart", "Practice manager", PersonRole.PRACTICE_MANAGER, "practice:1"),
    ("Mark Ellis", "Practice manager", PersonRole.PRACTICE_MANAGER, "practice:2"),
    ("Dr Sunita Rao", "GP partner", PersonRole.GP_PARTNER, "practice:3"),
    ("Alison Grant", "Director of primary care", PersonRole.SYSTEM_LEADER, "partner:0"),
    ("Dr Tom Reid", "Medical director", PersonRole.SYSTEM_LEADER, "partner:1"),
    ("Kate Owusu", "Director of public health", PersonRole.SYSTEM_LEADER, "partner:4"),
]


def _import_excerpt() -> None:
    """Import the committed ODS excerpt with the real importer, unless already there."""
    if Organisation.objects.filter(ods_code="C84001").exists():
        return
    ods_import(
        practices_path=ODS_DIR / "epraccur-demo.csv",
        pcn_paths=[ODS_DIR / "epcn-demo.csv", ODS_DIR / "epcncorepartnerdetails-demo.csv"],
        force=True,
    )


def _place(
    where: str,
    federation: Organisation,
    lmc: Organisation,
    pcns: list[Organisation],
    practices: list[Organisation],
    partners: list[Organisation],
) -> Organisation:
    if where in ("federation", "lmc"):
        return federation if where == "federation" else lmc
    kind, index = where.split(":")
    return {"pcn": pcns, "practice": practices, "partner": partners}[kind][int(index)]


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    _import_excerpt()
    logins: list[DemoLogin] = []
    convenor_user: User | None = User.objects.filter(email="convenor@example.org").first()

    for index, area in enumerate(AREAS):
        federation = _organisation(None, area.federation, OrganisationKind.FEDERATION)
        lmc = _organisation(None, area.lmc, OrganisationKind.LMC)
        if convenor_user is None:
            convenor_user = _user(
                "convenor@example.org", "Priya Shah", "Chief executive", federation
            )
        collective = Collective.objects.filter(slug=area.slug).first()
        if collective is None:
            collective = services.collective_create(
                actor=None,
                convenor=convenor_user,
                name=area.name,
                area=area.area,
                description=DESCRIPTION.format(area=area.area),
                slug=area.slug,
            )
        _join(collective, convenor_user, Role.CONVENOR, None)
        convenor = Membership.objects.get(collective=collective, user=convenor_user)

        pcns = list(
            Organisation.objects.filter(
                kind=OrganisationKind.PCN, commissioner__ods_code=area.commissioner
            ).order_by("name")
        )
        practices = list(
            Organisation.objects.filter(
                relationships__parent__in=pcns, relationships__end_date__isnull=True
            )
            .order_by("name")
            .distinct()
        )
        partners = [
            _organisation(None, name, kind) for name, kind in SYSTEM_PARTNERS.get(area.slug, [])
        ]
        for organisation in [federation, lmc, *pcns]:
            _add(convenor, organisation, leadership=True)
        for organisation in [*practices, *partners]:
            _add(convenor, organisation, leadership=False)
        for relationship_kind, parent in (
            (RelationshipKind.FEDERATION_COVERS, federation),
            (RelationshipKind.LMC_COVERS, lmc),
        ):
            for practice in practices:
                OrganisationRelationship.objects.get_or_create(
                    organisation=practice,
                    parent=parent,
                    kind=relationship_kind,
                    start_date=None,
                )
        # The federation, the LMC and the system partners were added by hand: the
        # collective's own records, as are the invented people at its organisations.
        Organisation.objects.filter(
            pk__in=[o.pk for o in (federation, lmc, *partners)], owner__isnull=True
        ).update(owner=collective)
        logins.append(DemoLogin(convenor_user.email, "convenor", collective.name))

        if index == 0:
            for name, job_title, role, where in PEOPLE:
                organisation = _place(where, federation, lmc, pcns, practices, partners)
                Person.objects.get_or_create(
                    name=name,
                    organisation=organisation,
                    defaults={"job_title": job_title, "role": role},
                )
            first_pcn, practice = pcns[0], practices[0]
            rep = _user(
                "representative@example.org", "Tom Okafor", "PCN Clinical Director", first_pcn
            )
            _join(collective, rep, Role.REPRESENTATIVE, first_pcn)
            member = _user("member@example.org", "Sam Clarke", "Practice manager", practice)
            _join(collective, member, Role.MEMBER, practice)
            Person.objects.filter(
                organisation__collective_memberships__collective=collective, owner__isnull=True
            ).update(owner=collective)
            logins.append(
                DemoLogin(rep.email, f"representative of {first_pcn.name}", collective.name)
            )
            logins.append(DemoLogin(member.email, f"member ({practice.name})", collective.name))
            people = DemoPeople(
                convenor=convenor,
                representative=Membership.objects.get(collective=collective, user=rep),
                member=Membership.objects.get(collective=collective, user=member),
            )
            for feature_demo in FEATURE_DEMOS:
                feature_demo(people)
    return logins


def _add(convenor: Membership, organisation: Organisation, *, leadership: bool) -> None:
    if not CollectiveOrganisation.objects.filter(
        collective=convenor.collective, organisation=organisation
    ).exists():
        services.member_organisation_add(
            actor_membership=convenor, organisation=organisation, is_leadership=leadership
        )
