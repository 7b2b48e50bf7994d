"""Reads of the directory for pages and the API, each with a known number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from collectives.models import Collective
from directory.models import (
    ImportRun,
    Organisation,
    OrganisationKind,
    OrganisationRelationship,
    Person,
    RelationshipKind,
)


def _current_pcn(field: str) -> Subquery:
    return Subquery(
        OrganisationRelationship.objects.filter(
            organisation=OuterRef("pk"), kind=RelationshipKind.PCN_MEMBER, end_date__isnull=True
        )
        .order_by("-start_date")
        .values(field)[:1]
    )


def with_current_pcn(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate each organisation with its current PCN's ODS code and name (for practices)."""
    return organisations.annotate(
        current_pcn_code=_current_pcn("parent__ods_code"),
        current_pcn_name=_current_pcn("parent__name"),
    )


def organisations_matching(
    *, query: str = "", kind: str = "", status: str = "", icb: str = "", pcn: str = ""
) -> QuerySet[Organisation]:
    """Organisations whose name, ODS code or postcode matches, filtered; one query."""
    organisations = Organisation.objects.all()
    query = query.strip()
    if query:
        compact = query.replace(" ", "").upper()
        organisations = organisations.filter(
            Q(name__icontains=query)
            | Q(ods_code__iexact=compact)
            | Q(postcode__iexact=query.upper())
            | Q(postcode__istartswith=query.upper())
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    if status:
        organisations = organisations.filter(status=status)
    if icb:
        organisations = organisations.filter(icb_code__iexact=icb)
    if pcn:
        organisations = organisations.filter(
            relationships__kind=RelationshipKind.PCN_MEMBER,
            relationships__end_date__isnull=True,
            relationships__parent__ods_code__iexact=pcn,
        )
    return with_current_pcn(organisations.select_related("commissioner")).order_by("name", "pk")


def icb_codes() -> list[str]:
    return list(
        Organisation.objects.exclude(icb_code="")
        .order_by("icb_code")
        .values_list("icb_code", flat=True)
        .distinct()
    )


def organisation_by_key(key: str) -> Organisation | None:
    """An organisation by ODS code, or by id for those without one."""
    organisations = with_current_pcn(Organisation.objects.select_related("commissioner"))
    if key.isdigit():
        return organisations.filter(pk=int(key)).first()
    return organisations.filter(ods_code__iexact=key).first()


def member_practices(*, pcn: Organisation) -> QuerySet[OrganisationRelationship]:
    return (
        OrganisationRelationship.objects.filter(
            parent=pcn, kind=RelationshipKind.PCN_MEMBER, end_date__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def relationships_of(*, organisation: Organisation) -> QuerySet[OrganisationRelationship]:
    """Every spell the organisation has had in a PCN, federation or LMC, newest first."""
    return (
        OrganisationRelationship.objects.filter(organisation=organisation)
        .select_related("parent")
        .order_by("end_date", "-start_date")
    )


def visible_collectives(*, user: Any, organisation: Organisation) -> QuerySet[Collective]:
    """The collectives the organisation belongs to that the user is also in."""
    return (
        Collective.objects.filter(
            members__organisation=organisation, memberships__user_id=user.pk or 0
        )
        .distinct()
        .order_by("name")
    )


def people_visible_to(*, user: Any) -> QuerySet[Person]:
    """People are personal data: a user sees the people of organisations in their
    collectives (superusers see everyone)."""
    people = Person.objects.select_related("organisation")
    if getattr(user, "is_superuser", False):
        return people
    return people.filter(
        organisation__collective_memberships__collective__memberships__user_id=user.pk or 0
    ).distinct()


def people_of(*, user: Any, organisation: Organisation) -> QuerySet[Person]:
    return people_visible_to(user=user).filter(organisation=organisation).order_by("name")


def organisation_can_show_people(*, user: Any, organisation: Organisation) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return Collective.objects.filter(
        members__organisation=organisation, memberships__user_id=user.pk or 0
    ).exists()


def import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user").order_by("-started_at", "-id")


def organisations_with_people(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("name"))
    )


KIND_CHOICES = OrganisationKind.choices
