"""Reads of the directory for pages and the API, each with a known number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from alliance.converters import parse_id
from alliance.tenancy import tenancy
from directory.models import (
    ImportRun,
    Organisation,
    OrganisationKind,
    OrganisationRelationship,
    Person,
    RelationshipKind,
)


def is_data_steward(user: Any) -> bool:
    """The service's data stewards are its superusers."""
    return bool(getattr(user, "is_superuser", False))


def _collectives_of(user: Any) -> Any:
    """The ids of the user's collectives, as a subquery."""
    return tenancy().collective_ids_of(user)


def _visible(user: Any, path: str = "") -> Q:
    """Shared directory data, and what the user's own collectives added by hand; never
    another collective's own organisations (stewards see everything)."""
    if is_data_steward(user):
        return Q()
    return Q(**{f"{path}owner__isnull": True}) | Q(**{f"{path}owner_id__in": _collectives_of(user)})


def organisations_visible_to(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(_visible(user))


def organisations_open_to(*, collective_id: int) -> QuerySet[Organisation]:
    """What a collective may take as a member organisation: shared data and its own."""
    return Organisation.objects.filter(Q(owner__isnull=True) | Q(owner_id=collective_id))


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
    *,
    within: QuerySet[Organisation],
    query: str = "",
    kind: str = "",
    status: str = "",
    icb: str = "",
    pcn: str = "",
) -> QuerySet[Organisation]:
    """Organisations (of those ``within``) whose name, ODS code or postcode matches,
    filtered; one query."""
    organisations = within
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


def organisation_by_key(key: str, *, user: Any) -> Organisation | None:
    """An organisation the user may see, by ODS code, or by id for those without one."""
    organisations = with_current_pcn(
        organisations_visible_to(user=user).select_related("commissioner", "owner")
    )
    if key.isdigit():  # an id (any digits: ODS codes always have a letter)
        pk = parse_id(key)
        return organisations.filter(pk=pk).first() if pk is not None else None
    return organisations.filter(ods_code__iexact=key).first()


def member_practices(*, pcn: Organisation) -> QuerySet[OrganisationRelationship]:
    return (
        OrganisationRelationship.objects.filter(
            parent=pcn, kind=RelationshipKind.PCN_MEMBER, end_date__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def relationships_of(
    *, organisation: Organisation, user: Any
) -> QuerySet[OrganisationRelationship]:
    """Every spell the organisation has had in a PCN, federation or LMC the user may see,
    newest first."""
    return (
        OrganisationRelationship.objects.filter(
            _visible(user, "parent__"), organisation=organisation
        )
        .select_related("parent")
        .order_by("end_date", "-start_date")
    )


def member_records_for(*, user: Any, organisation: Organisation) -> QuerySet[Any]:
    """The user's collectives' records of the organisation, where it is a member of them."""
    return tenancy().member_records_for(user, organisation)


def people_visible_to(*, user: Any) -> QuerySet[Person]:
    """People are personal data. A user sees the shared people of the organisations in
    their collectives, and the people their collectives added themselves; never another
    collective's own people (superusers, the data stewards, see everyone)."""
    people = Person.objects.select_related("organisation", "owner")
    if is_data_steward(user):
        return people
    collectives = _collectives_of(user)
    in_their_collectives = tenancy().member_organisation_ids(collectives)
    return people.filter(
        Q(owner__isnull=True, organisation_id__in=in_their_collectives)
        | Q(owner_id__in=collectives)
    )


def people_seen_by(*, collective_id: int) -> QuerySet[Person]:
    """The people a collective sees at its member organisations: the shared people there,
    and its own."""
    members = tenancy().member_organisation_ids(collective_id)
    return Person.objects.filter(organisation_id__in=members).filter(
        Q(owner__isnull=True) | Q(owner_id=collective_id)
    )


def people_of(*, user: Any, organisation: Organisation) -> QuerySet[Person]:
    return people_visible_to(user=user).filter(organisation=organisation).order_by("name")


def organisation_can_show_people(*, user: Any, organisation: Organisation) -> bool:
    if is_data_steward(user):
        return True
    collectives = _collectives_of(user)
    return (
        organisation.owner_id is not None
        or tenancy().member_organisation_ids(collectives).filter(organisation=organisation).exists()
    )


def import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user").order_by("-started_at", "-id")


KIND_CHOICES = OrganisationKind.choices
