"""The demo collectives: real practices and PCNs (ODS excerpts), synthetic people.

Loaded by `manage.py load_demo` (and so by `make run`). Running it again changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from collectives import services
from collectives.models import Collective, CollectiveOrganisation, Membership, Role
from directory.models import Organisation, OrganisationKind, OrganisationStatus, Person

ODS_DIR = Path(__file__).resolve().parent.parent / "directory" / "fixtures" / "ods"
DEMO_PASSWORD = "alliance-demo-2026"
_STATUS = {
    "A": OrganisationStatus.ACTIVE,
    "C": OrganisationStatus.CLOSED,
    "D": OrganisationStatus.DORMANT,
    "P": OrganisationStatus.PROPOSED,
}


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


def _title(name: str) -> str:
    """ODS names are upper case: 'SOUTH (IW) PCN' reads better as 'South (IW) PCN'."""
    titled = re.sub(r"\((\w{1,3})\)", lambda m: f"({m.group(1).upper()})", name.title())
    return re.sub(r"\bPcn\b", "PCN", titled)


def _rows(name: str) -> list[list[str]]:
    with open(ODS_DIR / name, newline="", encoding="latin-1") as f:
        return list(csv.reader(f))


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


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    practices = {r[0]: r for r in _rows("epraccur-demo.csv")}
    pcns = _rows("epcn-demo.csv")
    partners = _rows("epcncorepartnerdetails-demo.csv")
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
                actor=convenor_user,
                name=area.name,
                area=area.area,
                description=DESCRIPTION.format(area=area.area),
                slug=area.slug,
            )
        _join(collective, convenor_user, Role.CONVENOR, None)
        convenor = Membership.objects.get(collective=collective, user=convenor_user)

        members: list[tuple[Organisation, bool]] = [(federation, True), (lmc, True)]
        area_pcns = [p for p in pcns if p[2] == area.commissioner]
        for pcn_row in area_pcns:
            pcn = _organisation(
                pcn_row[0],
                _title(pcn_row[1]),
                OrganisationKind.PCN,
                postcode=pcn_row[11],
            )
            members.append((pcn, True))
            for partner in partners:
                if partner[4] != pcn_row[0] or partner[0] not in practices:
                    continue
                row = practices[partner[0]]
                practice = _organisation(
                    row[0],
                    _title(row[1]),
                    OrganisationKind.PRACTICE,
                    status=_STATUS.get(row[12], OrganisationStatus.ACTIVE),
                    postcode=row[9],
                )
                members.append((practice, False))
        for organisation, leadership in members:
            if not CollectiveOrganisation.objects.filter(
                collective=collective, organisation=organisation
            ).exists():
                services.member_organisation_add(
                    actor_membership=convenor,
                    organisation=organisation,
                    is_leadership=leadership,
                )
        logins.append(DemoLogin(convenor_user.email, "convenor", collective.name))

        if index == 0:
            first_pcn = Organisation.objects.get(ods_code=area_pcns[0][0])
            practice = next(o for o, leadership in members if not leadership)
            rep = _user(
                "representative@example.org", "Tom Okafor", "PCN Clinical Director", first_pcn
            )
            _join(collective, rep, Role.REPRESENTATIVE, first_pcn)
            member = _user("member@example.org", "Sam Clarke", "Practice manager", practice)
            _join(collective, member, Role.MEMBER, practice)
            logins.append(
                DemoLogin(rep.email, f"representative of {first_pcn.name}", collective.name)
            )
            logins.append(DemoLogin(member.email, f"member ({practice.name})", collective.name))
    return logins
