"""Reads for the contact log, the weekly e-mail counts and the rhythms, each with a fixed
number of queries however big the collective.

A contact's note is shown only to the people who were in it: the selectors blank it for
everyone else, so no page can show it by mistake.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation, OrganisationKind, OrganisationRelationship
from relationships import rules
from relationships.models import CalendarFeed, Contact, ContactParticipant, Rhythm, Source

#: How many of a rhythm's latest periods the list of rhythms shows.
LAST_PERIODS = 8


# Organisations ------------------------------------------------------------------------------


def member_organisations(collective_id: int) -> list[CollectiveOrganisation]:
    """The collective's member organisations, by name (one query)."""
    return list(
        CollectiveOrganisation.objects.filter(collective_id=collective_id)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def pcns(members: list[CollectiveOrganisation]) -> list[Organisation]:
    return [m.organisation for m in members if m.organisation.kind == OrganisationKind.PCN]


def pcn_practices(collective_id: int, pcn_id: int) -> list[int]:
    """A PCN's current practices that are members of the collective."""
    members = CollectiveOrganisation.objects.filter(collective_id=collective_id).values(
        "organisation_id"
    )
    return list(
        OrganisationRelationship.objects.filter(
            parent_id=pcn_id,
            kind="pcn_member",
            end_date__isnull=True,
            organisation_id__in=members,
        )
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def is_member_organisation(collective_id: int, organisation_id: int) -> bool:
    return CollectiveOrganisation.objects.filter(
        collective_id=collective_id, organisation_id=organisation_id
    ).exists()


def is_member_pcn(collective_id: int, organisation_id: int) -> bool:
    return CollectiveOrganisation.objects.filter(
        collective_id=collective_id,
        organisation_id=organisation_id,
        organisation__kind=OrganisationKind.PCN,
    ).exists()


def members_among(collective_id: int, user_ids: Any) -> list[Any]:
    """The people among these users who are members of the collective (one query)."""
    return [
        m.user
        for m in Membership.objects.filter(
            collective_id=collective_id, user_id__in=list(user_ids)
        ).select_related("user")
    ]


def leadership_organisations(collective_id: int) -> list[int]:
    return list(
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, is_leadership=True
        ).values_list("organisation_id", flat=True)
    )


# Contacts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    contact: Contact
    organisations: list[Organisation]
    #: The note, or "" when the viewer was not in the contact.
    note: str
    is_participant: bool

    @property
    def pk(self) -> int:
        return self.contact.pk


def _visible(membership: Membership) -> QuerySet[Contact]:
    """The collective's contacts this person may see: those involving their organisation
    (every one for a convenor), with whether they were in each."""
    contacts = Contact.objects.filter(collective_id=membership.collective_id)
    if not membership.is_convenor:
        if membership.organisation_id is None:
            return contacts.none()
        contacts = contacts.filter(
            pk__in=Contact.organisations.through.objects.filter(
                organisation_id=membership.organisation_id
            ).values("contact_id")
        )
    return contacts.annotate(
        viewer_is_participant=Exists(
            ContactParticipant.objects.filter(contact=OuterRef("pk"), user_id=membership.user_id)
        )
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def contacts_for(
    membership: Membership,
    *,
    organisation: int | None = None,
    mode: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Contact]:
    """Newest first, optionally only those with an organisation, in a mode, or from and to
    a day (inclusive, in the site's time zone)."""
    contacts = _visible(membership)
    if since:
        contacts = contacts.filter(happened_at__gte=_local_midnight(since))
    if until:
        contacts = contacts.filter(happened_at__lt=_local_midnight(until + dt.timedelta(days=1)))
    if organisation:
        contacts = contacts.filter(
            pk__in=Contact.organisations.through.objects.filter(
                organisation_id=organisation
            ).values("contact_id")
        )
    if mode:
        contacts = contacts.filter(mode=mode)
    return contacts.prefetch_related("organisations").order_by("-happened_at", "-id")


def contacts_logged(collective_id: int, ids: Any) -> QuerySet[Contact]:
    """The collective's contacts with these ids (those a calendar import just logged),
    newest first."""
    return (
        Contact.objects.filter(collective_id=collective_id, pk__in=list(ids))
        .prefetch_related("organisations")
        .order_by("-happened_at", "-id")
    )


def rows(contacts: Any) -> list[ContactRow]:
    """Contacts (from contacts_for) as rows, the note blanked unless the viewer was in it."""
    out = []
    for c in contacts:
        participant = bool(getattr(c, "viewer_is_participant", False))
        out.append(
            ContactRow(
                contact=c,
                organisations=sorted(c.organisations.all(), key=lambda o: o.name),
                note=c.note if participant else "",
                is_participant=participant,
            )
        )
    return out


@dataclass(frozen=True)
class ContactPage:
    row: ContactRow
    people: list[str]


def contact_page(membership: Membership, pk: int) -> ContactPage:
    """One contact the person may see (404 otherwise), with who was in it."""
    contact = (
        _visible(membership)
        .select_related("recorded_by")
        .prefetch_related("organisations", "participants__user", "participants__person")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    people = sorted(
        (p.user.display_name if p.user else p.person.name)  # type: ignore[union-attr]
        for p in contact.participants.all()
    )
    return ContactPage(row=rows([contact])[0], people=people)


@dataclass(frozen=True)
class QuickAddDefaults:
    organisations: list[int]
    mode: str


def quick_add_defaults(membership: Membership) -> QuickAddDefaults:
    """The partner organisations and mode of the last contact this person logged."""
    last = (
        Contact.objects.filter(
            collective_id=membership.collective_id, recorded_by_id=membership.user_id
        )
        .exclude(source=Source.WEEKLY_COUNT)
        .order_by("-recorded_at", "-id")
        .prefetch_related("organisations")
        .first()
    )
    if last is None:
        return QuickAddDefaults(organisations=[], mode="")
    partners = sorted(
        (o for o in last.organisations.all() if o.pk != membership.organisation_id),
        key=lambda o: o.name,
    )
    return QuickAddDefaults(organisations=[o.pk for o in partners], mode=last.mode)


#: The roles of the people someone may name as in a contact.
NAMEABLE_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.CONVENOR)


@dataclass(frozen=True)
class Nameable:
    """Someone who may be named as in a contact: a member of the collective who works for
    one of its member organisations."""

    user_id: int
    name: str
    organisation_id: int
    organisation_name: str

    @property
    def label(self) -> str:
        return f"{self.name}, {self.organisation_name}"


def nameable_people(membership: Membership) -> list[Nameable]:
    """The collective's active members who work for its member organisations, other than the
    person themself, by organisation then name (one query)."""
    rows = (
        Membership.objects.filter(
            collective_id=membership.collective_id,
            role__in=NAMEABLE_ROLES,
            user__is_active=True,
            organisation_id__in=CollectiveOrganisation.objects.filter(
                collective_id=membership.collective_id
            ).values("organisation_id"),
        )
        .exclude(user_id=membership.user_id)
        .order_by("organisation__name", "organisation_id", "user__full_name", "user__email")
        .values_list(
            "user_id", "user__full_name", "user__email", "organisation_id", "organisation__name"
        )
    )
    return [
        Nameable(
            user_id=user_id,
            name=full_name or email,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
        )
        for user_id, full_name, email, organisation_id, organisation_name in rows
    ]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_counts(membership: Membership, monday: dt.date) -> dict[int, int]:
    """Other organisation -> e-mails counted with it in the week starting ``monday``."""
    if membership.organisation_id is None:
        return {}
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(12)))
    own = membership.organisation_id
    counts: dict[int, int] = {}
    links = Contact.organisations.through.objects.filter(
        contact__collective_id=membership.collective_id,
        contact__source=Source.WEEKLY_COUNT,
        contact__happened_at=start,
        contact_id__in=Contact.organisations.through.objects.filter(organisation_id=own).values(
            "contact_id"
        ),
    ).values_list("organisation_id", "contact__count")
    for organisation_id, count in links:
        if organisation_id != own:
            counts[organisation_id] = count
    return counts


# Rhythms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RhythmRow:
    rhythm: Rhythm
    organisations: list[Organisation]
    record: list[rules.PeriodOutcome]

    @property
    def kept(self) -> int:
        return sum(1 for o in self.record if o.kept)

    @property
    def missed(self) -> int:
        return sum(1 for o in self.record if o.kept is False)


def rhythms_for(membership: Membership, pk: int | None = None) -> QuerySet[Rhythm]:
    """The collective's rhythms this person's organisation is in (all for a convenor)."""
    rhythms = Rhythm.objects.filter(collective_id=membership.collective_id)
    if pk is not None:
        rhythms = rhythms.filter(pk=pk)
    elif not membership.is_convenor:
        if membership.organisation_id is None:
            return rhythms.none()
        rhythms = rhythms.filter(
            pk__in=Rhythm.organisations.through.objects.filter(
                organisation_id=membership.organisation_id
            ).values("rhythm_id")
        )
    return rhythms.select_related("owner", "pcn").prefetch_related("organisations")


def _fact(rhythm: Rhythm) -> rules.RhythmFact:
    return rules.RhythmFact(
        id=rhythm.pk,
        organisations=frozenset(o.pk for o in rhythm.organisations.all()),
        modes=frozenset(rhythm.modes or ()),
        period=rhythm.period,
        starts_on=rhythm.starts_on,
        ends_on=rhythm.ends_on,
        min_minutes=rhythm.min_minutes,
        name=rhythm.name,
    )


def contact_facts(
    collective_id: int, organisations: set[int], since: dt.datetime
) -> list[rules.ContactFact]:
    """The collective's contacts since ``since`` that involve any of ``organisations``, as
    facts for the rules: ONE query (the contact-organisation links with their contacts)."""
    if not organisations:
        return []
    links = (
        Contact.organisations.through.objects.filter(
            contact__collective_id=collective_id,
            contact__happened_at__gte=since,
            contact_id__in=Contact.organisations.through.objects.filter(
                organisation_id__in=organisations
            ).values("contact_id"),
        )
        .order_by("contact_id")
        .values_list(
            "contact_id",
            "organisation_id",
            "contact__happened_at",
            "contact__mode",
            "contact__count",
            "contact__duration_minutes",
        )
    )
    grouped: dict[int, tuple[set[int], tuple[Any, ...]]] = defaultdict(lambda: (set(), ()))
    for contact_id, organisation_id, on, mode, count, minutes in links:
        orgs, _ = grouped[contact_id]
        orgs.add(organisation_id)
        grouped[contact_id] = (orgs, (on, mode, count, minutes))
    return [
        rules.ContactFact(
            on=on,
            mode=mode,
            organisations=frozenset(orgs),
            count=max(count, 1),
            duration_minutes=minutes,
        )
        for orgs, (on, mode, count, minutes) in grouped.values()
    ]


def rhythm_rows(
    rhythms: list[Rhythm], *, now: dt.datetime, last: int | None = LAST_PERIODS
) -> list[RhythmRow]:
    """Each rhythm with its record: the ``last`` periods (all when None). The contacts for
    every rhythm are read in one query."""
    if not rhythms:
        return []
    facts = {r.pk: _fact(r) for r in rhythms}
    if last is None:
        earliest = min(r.starts_on for r in rhythms) - dt.timedelta(days=31)
    else:
        # Enough for `last` months, the longest period, and the part-period at each end.
        earliest = rules.local_date(now) - dt.timedelta(days=31 * (last + 1))
        earliest = max(earliest, min(r.starts_on for r in rhythms) - dt.timedelta(days=31))
    since = timezone.make_aware(dt.datetime.combine(earliest, dt.time(0)))
    involved = {pk for f in facts.values() for pk in f.organisations}
    contacts = contact_facts(rhythms[0].collective_id, involved, since)
    out = []
    for rhythm in rhythms:
        record = rules.rhythm_record(facts[rhythm.pk], contacts, now)
        if last is not None:
            record = record[-last:]
        out.append(
            RhythmRow(
                rhythm=rhythm,
                organisations=sorted(rhythm.organisations.all(), key=lambda o: o.name),
                record=record,
            )
        )
    return out


def live_feed_of(membership: Membership) -> CalendarFeed | None:
    """The person's calendar feed of this collective that is not revoked, if any."""
    return (
        CalendarFeed.objects.filter(
            user_id=membership.user_id,
            collective_id=membership.collective_id,
            revoked_at__isnull=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )
