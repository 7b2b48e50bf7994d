"""Writes for the habits: contacts (by hand, by the week's e-mail count, from a calendar),
rhythms and their calendar feeds, nudges, asks for help and put-it-right records.

Who may act: a member of the collective who works for one of the organisations concerned
(a convenor may act for any). Every organisation named must be a member of the collective.
Every write is audited; a calendar file is read and matched whole before the transaction
that writes it opens, so a broken file stores nothing and reading holds no lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from collectives.access import require_convenor
from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Person
from directory.selectors import people_seen_by
from relationships.models import (
    Ask,
    AskStatus,
    CalendarFeed,
    Contact,
    ContactParticipant,
    HabitSettings,
    Mode,
    Nudge,
    Offer,
    Period,
    PutItRight,
    PutItRightResponse,
    Rhythm,
    Scope,
    Source,
)
from relationships.nudges import thresholds_for

#: Roles whose holders may act for the organisation they work for.
ACTING_ROLES = (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.CONVENOR)


def _members(collective_id: int, organisation_ids: Iterable[int]) -> list[int]:
    """The given organisations, checked to be members of the collective, in order."""
    wanted = list(dict.fromkeys(int(pk) for pk in organisation_ids))
    found = set(
        CollectiveOrganisation.objects.filter(
            collective_id=collective_id, organisation_id__in=wanted
        ).values_list("organisation_id", flat=True)
    )
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"organisations": "Choose member organisations of the collective."})
    return wanted


def _members_or_none(collective_id: int, organisation_id: int) -> bool:
    return CollectiveOrganisation.objects.filter(
        collective_id=collective_id, organisation_id=organisation_id
    ).exists()


def _require_recorder(membership: Membership) -> None:
    if membership.role == Role.OBSERVER or membership.role == Role.GUEST:
        raise PermissionDenied("Observers and guests read; they do not record.")


def _require_acting(membership: Membership, organisation_ids: Iterable[int]) -> None:
    _require_recorder(membership)
    if membership.is_convenor:
        return
    if membership.role not in ACTING_ROLES or membership.organisation_id not in set(
        organisation_ids
    ):
        raise PermissionDenied("You can record only what involves your own organisation.")


# Contacts ---------------------------------------------------------------------------------


@transaction.atomic
def contact_add(
    *,
    actor_membership: Membership,
    organisations: Iterable[int],
    mode: str,
    happened_at: dt.datetime,
    duration_minutes: int | None = None,
    participants: Iterable[Any] = (),
    note: str = "",
    people: Iterable[Any] = (),
) -> Contact:
    """Log a contact between two or more member organisations. ``people`` are directory
    people from outside the collective who took part (a stakeholder in a system
    organisation, system.services_stakeholders.contact_log): each is a participant, and
    their organisations are in the contact without having to be members."""
    collective_id = actor_membership.collective_id
    organisation_ids = _members(collective_id, organisations)
    _require_acting(actor_membership, organisation_ids)
    outside_people = list(people)
    for person in outside_people:
        if person.owner_id not in (None, collective_id):
            raise ValidationError({"people": "Choose people the collective knows."})
    organisation_ids = list(
        dict.fromkeys([*organisation_ids, *(p.organisation_id for p in outside_people)])
    )
    errors = {}
    if len(organisation_ids) < 2:
        errors["organisations"] = "A contact is between at least two organisations."
    if mode not in Mode.values:
        errors["mode"] = "Choose e-mail, phone, video, in person or other."
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        errors["happened_at"] = "The date cannot be in the future."
    if duration_minutes is not None and not 0 < duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "Give the length in minutes, between 1 and 1,440."
    users = {p.pk: p for p in participants}
    outside = set(users) - set(
        Membership.objects.filter(collective_id=collective_id, user_id__in=users).values_list(
            "user_id", flat=True
        )
    )
    if outside:
        errors["participants"] = "Choose people who are members of the collective."
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        collective_id=collective_id,
        happened_at=happened_at,
        mode=mode,
        duration_minutes=duration_minutes,
        note=note.strip(),
        recorded_by=actor_membership.user,
    )
    contact.organisations.set(organisation_ids)
    users.setdefault(actor_membership.user_id, actor_membership.user)
    ContactParticipant.objects.bulk_create(
        [
            *(ContactParticipant(contact=contact, user_id=pk) for pk in users),
            *(ContactParticipant(contact=contact, person_id=p.pk) for p in outside_people),
        ]
    )
    audit_record(
        actor=actor_membership.user,
        action="contact.logged",
        obj=contact,
        collective=actor_membership.collective,
        after={"mode": mode, "organisations": organisation_ids},
    )
    return contact


@transaction.atomic
def email_count_set(
    *, actor_membership: Membership, other_organisation: int, week_of: dt.date, count: int
) -> Contact | None:
    """'We exchanged 9 e-mails with Riverside this week': one count per pair and week,
    replaced when given again (0 removes it)."""
    own = actor_membership.organisation_id
    if own is None:
        raise PermissionDenied("Only someone who works for a member organisation counts e-mails.")
    organisation_ids = _members(actor_membership.collective_id, [own, other_organisation])
    _require_acting(actor_membership, organisation_ids)
    if len(organisation_ids) < 2:
        raise ValidationError({"other_organisation": "Choose another organisation."})
    if not 0 <= count <= 1000:
        raise ValidationError({"count": "Give a number of e-mails between 0 and 1,000."})
    monday = week_of - dt.timedelta(days=week_of.weekday())
    if monday > timezone.localdate():
        raise ValidationError({"week_of": "The week cannot be in the future."})
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(12)))
    existing = (
        Contact.objects.filter(
            collective_id=actor_membership.collective_id,
            source=Source.WEEKLY_COUNT,
            happened_at=start,
            organisations=own,
        )
        .filter(organisations=other_organisation)
        .first()
    )
    before = {"count": existing.count} if existing else None
    if existing is not None:
        existing.delete()
    contact = None
    if count:
        contact = Contact.objects.create(
            collective_id=actor_membership.collective_id,
            happened_at=start,
            mode=Mode.EMAIL,
            count=count,
            source=Source.WEEKLY_COUNT,
            recorded_by=actor_membership.user,
        )
        contact.organisations.set(organisation_ids)
    audit_record(
        actor=actor_membership.user,
        action="contact.emails_counted",
        obj=contact or actor_membership.collective,
        collective=actor_membership.collective,
        before=before,
        after={"count": count, "week_of": monday.isoformat(), "organisations": organisation_ids},
    )
    return contact


@dataclass
class CalendarImport:
    """What a calendar import did, and what the person still needs to match."""

    created: list[Contact] = field(default_factory=list)
    already_logged: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    not_between_organisations: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: "Weekly PCN call: 12 occurrences", one line per repeating meeting.
    repeating: list[str] = field(default_factory=list)
    #: The earliest time occurrences of repeating meetings were read from, if any were.
    repeats_from: dt.datetime | None = None


def _directory(collective_id: int) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """By lower-cased e-mail address, in two queries: the collective's members who work for
    an organisation (organisation, user), and the people it sees (organisation, person):
    shared people at its member organisations and its own anywhere, never another
    collective's."""
    users = {
        email.lower(): (organisation_id, user_id)
        for email, organisation_id, user_id in Membership.objects.filter(
            collective_id=collective_id, organisation__isnull=False
        ).values_list("user__email", "organisation_id", "user_id")
    }
    # Its own people anywhere too: the stakeholders it added at system organisations
    # (system.services_stakeholders), so a meeting with the ICB's director is matched.
    seen = people_seen_by(collective_id=collective_id) | Person.objects.filter(
        owner_id=collective_id
    )
    people = {
        email.lower(): (organisation_id, pk)
        for email, organisation_id, pk in seen.exclude(email="")
        .distinct()
        .values_list("email", "organisation_id", "pk")
    }
    return users, people


def _calendar_key(meeting: Any) -> str:
    """The key a meeting is logged once by, with its occurrence's original start if it
    repeats (`Contact.calendar_occurrence`): its UID as stored (at most 255 characters), or
    for a meeting without one, a digest of its start, title and organiser."""
    if meeting.uid:
        uid: str = meeting.uid[:255]
        return uid
    seed = f"{meeting.start.isoformat()}|{meeting.title}|{meeting.organiser}"
    return "no-uid:" + hashlib.sha256(seed.encode()).hexdigest()


@dataclass
class _Matched:
    """A meeting with its addresses matched: who was there, and what to do with it."""

    meeting: Any
    key: str
    #: The occurrence's original start, for an occurrence of a repeating meeting.
    occurrence: dt.datetime | None
    organisations: list[int]
    users: list[int]
    people: list[int]
    #: "log", or why not: "not_between_organisations" or "future".
    verdict: str


def _match_meetings(
    actor_membership: Membership,
    meetings: list[Any],
    matches: dict[str, int],
    now: dt.datetime,
) -> tuple[list[_Matched], list[str]]:
    """Match every organiser and attendee address to the collective's people in two queries
    (three with matches by hand), however many addresses there are: dictionaries, not a
    query or a scan of the matches per address. Return the meetings matched and the
    addresses no one knows. Reads only: no transaction is open."""
    collective_id = actor_membership.collective_id
    by_hand: dict[str, int] = {}
    if matches:
        _members(collective_id, matches.values())
        by_hand = {address.lower(): int(pk) for address, pk in matches.items()}
    users, people = _directory(collective_id)
    matched: list[_Matched] = []
    unmatched: set[str] = set()
    for meeting in meetings:
        # Dictionaries as ordered sets: each organisation and person once, in order.
        organisations: dict[int, None] = {}
        in_it: dict[int, None] = {}
        persons: dict[int, None] = {}
        if actor_membership.organisation_id:
            organisations[actor_membership.organisation_id] = None
            in_it[actor_membership.user_id] = None
        for address in (meeting.organiser, *meeting.attendees):
            if not address:
                continue
            if address in users:
                organisation_id, user_id = users[address]
                organisations.setdefault(organisation_id)
                in_it.setdefault(user_id)
            elif address in people:
                organisation_id, person_id = people[address]
                organisations.setdefault(organisation_id)
                persons.setdefault(person_id)
            elif address in by_hand:
                organisations.setdefault(by_hand[address])
            else:
                unmatched.add(address)
        verdict = "log"
        if len(organisations) < 2:
            verdict = "not_between_organisations"
        elif meeting.start > now:
            verdict = "future"
        else:
            _require_acting(actor_membership, organisations)
        matched.append(
            _Matched(
                meeting,
                _calendar_key(meeting),
                meeting.occurrence,
                list(organisations),
                list(in_it),
                list(persons),
                verdict,
            )
        )
    return matched, sorted(unmatched)


def calendar_import(
    *,
    actor_membership: Membership,
    data: bytes | Iterable[bytes],
    filename: str,
    matches: dict[str, int] | None = None,
    now: dt.datetime | None = None,
) -> CalendarImport:
    """Log the meetings of an exported calendar file. Organiser and attendee addresses are
    matched to the collective's people; `matches` maps addresses the person matched by hand
    to member organisations. A meeting is logged when it brings together at least two
    member organisations and began before `now` (the time of the import), once: by its UID,
    and for each occurrence of a repeating meeting from the past year, by its UID and the
    occurrence's original start, so a moved occurrence is still logged once.

    The file is read and its addresses matched before the transaction opens, with plain
    reads: a broken file raises ics.ICSError and stores nothing, and a big one holds no
    write lock while it is read (on SQLite, other people's writes would wait and then fail
    with "database is locked"). Only the writes, in bulk, are in the transaction. `data`
    is the file's bytes or its chunks (ics.read_meetings)."""
    from relationships.ics import read_meetings

    _require_recorder(actor_membership)
    now = now or timezone.now()
    result = read_meetings(data, filename=filename, now=now)  # ICSError on a broken file
    matched, unmatched = _match_meetings(actor_membership, result.meetings, matches or {}, now)
    outcome = CalendarImport(
        unmatched=unmatched,
        skipped=list(result.skipped),
        repeating=list(result.repeating),
        repeats_from=result.repeats_from,
    )
    with transaction.atomic():
        _log_matched(actor_membership, matched, outcome)
        audit_record(
            actor=actor_membership.user,
            action="contact.calendar_imported",
            obj=actor_membership.collective,
            collective=actor_membership.collective,
            after={
                "file": filename,
                "created": len(outcome.created),
                "already_logged": len(outcome.already_logged),
                "unmatched": len(outcome.unmatched),
            },
        )
    return outcome


def _log_matched(
    actor_membership: Membership, matched: list[_Matched], outcome: CalendarImport
) -> None:
    """Inside the import's transaction: log the matched meetings not logged before, with
    three bulk inserts (contacts, their organisations, their people). The meetings already
    logged are read here, under the write lock, so two imports of one file at once cannot
    both log a meeting."""
    from relationships.ics import local_day

    collective_id = actor_membership.collective_id
    known: set[tuple[str, dt.datetime | None]] = set()
    for uid, occurrence, happened_at in (
        Contact.objects.filter(collective_id=collective_id)
        .exclude(calendar_uid="")
        .values_list("calendar_uid", "calendar_occurrence", "happened_at")
    ):
        known.add((uid, occurrence))
        if occurrence is None:
            # Logged before occurrences were (a repeating meeting's first occurrence, by its
            # UID alone), or a single meeting since made to repeat: the occurrence that
            # starts then is that meeting.
            known.add((uid, happened_at))
    to_log: list[tuple[Contact, _Matched]] = []
    for item in matched:
        meeting = item.meeting
        label = f"{meeting.title}, {local_day(meeting.start)}" if item.occurrence else meeting.title
        if (item.key, item.occurrence) in known:
            outcome.already_logged.append(label)
        elif item.verdict == "not_between_organisations":
            outcome.not_between_organisations.append(label)
        elif item.verdict == "future":
            outcome.skipped.append(f"“{meeting.title}” is in the future")
        else:
            known.add((item.key, item.occurrence))
            contact = Contact(
                collective_id=collective_id,
                happened_at=meeting.start,
                mode=meeting.mode if meeting.mode in Mode.values else Mode.OTHER,
                duration_minutes=meeting.duration_minutes,
                source=Source.CALENDAR,
                calendar_uid=item.key,
                calendar_occurrence=item.occurrence,
                recorded_by=actor_membership.user,
            )
            to_log.append((contact, item))
    outcome.created = Contact.objects.bulk_create([contact for contact, _ in to_log])
    through = Contact.organisations.through
    through.objects.bulk_create(
        through(contact_id=contact.pk, organisation_id=organisation_id)
        for contact, item in to_log
        for organisation_id in item.organisations
    )
    ContactParticipant.objects.bulk_create(
        [
            *(
                ContactParticipant(contact_id=contact.pk, user_id=pk)
                for contact, item in to_log
                for pk in item.users
            ),
            *(
                ContactParticipant(contact_id=contact.pk, person_id=pk)
                for contact, item in to_log
                for pk in item.people
            ),
        ]
    )


# Rhythms and their calendar feed -----------------------------------------------------------


@transaction.atomic
def rhythm_agree(
    *,
    actor_membership: Membership,
    name: str,
    scope: str,
    organisations: Iterable[int],
    modes: list[str],
    period: str,
    starts_on: dt.date,
    min_minutes: int | None = None,
    owner: Any = None,
    pcn: int | None = None,
) -> Rhythm:
    """Agree a rhythm: a pair of organisations, a PCN's practices, or the leadership group."""
    organisation_ids = _members(actor_membership.collective_id, organisations)
    _require_acting(actor_membership, organisation_ids)
    errors = {}
    if not name.strip():
        errors["name"] = "Name the rhythm, e.g. 'Weekly call'."
    if scope not in Scope.values:
        errors["scope"] = "Choose a pair, a PCN or the leadership group."
    elif scope == Scope.PAIR and len(organisation_ids) != 2:
        errors["organisations"] = "A pair's rhythm is between exactly two organisations."
    elif len(organisation_ids) < 2:
        errors["organisations"] = "A rhythm is between at least two organisations."
    if not modes or any(m not in Mode.values for m in modes):
        errors["modes"] = "Choose how you keep it: phone, video, in person..."
    if period not in Period.values:
        errors["period"] = "Choose weekly, every two weeks or monthly."
    if pcn is not None and not _members_or_none(actor_membership.collective_id, pcn):
        errors["pcn"] = "Choose a PCN that is a member of the collective."
    if (
        owner is not None
        and not Membership.objects.filter(
            collective_id=actor_membership.collective_id, user=owner
        ).exists()
    ):
        errors["owner"] = "Choose an owner who is a member of the collective."
    if errors:
        raise ValidationError(errors)
    rhythm = Rhythm.objects.create(
        collective_id=actor_membership.collective_id,
        name=name.strip(),
        scope=scope,
        modes=sorted(set(modes)),
        period=period,
        min_minutes=min_minutes,
        owner=owner or actor_membership.user,
        starts_on=starts_on,
        pcn_id=pcn,
    )
    rhythm.organisations.set(organisation_ids)
    audit_record(
        actor=actor_membership.user,
        action="rhythm.agreed",
        obj=rhythm,
        collective=actor_membership.collective,
        after={"name": rhythm.name, "period": period, "organisations": organisation_ids},
    )
    return rhythm


@transaction.atomic
def rhythm_end(*, actor_membership: Membership, rhythm: Rhythm, ends_on: dt.date) -> Rhythm:
    rhythm = Rhythm.objects.select_for_update().get(pk=rhythm.pk)
    if rhythm.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That rhythm belongs to another collective.")
    _require_acting(actor_membership, rhythm.organisations.values_list("pk", flat=True))
    if ends_on < rhythm.starts_on:
        raise ValidationError({"ends_on": "A rhythm cannot end before it starts."})
    rhythm.ends_on = ends_on
    rhythm.save(update_fields=["ends_on"])
    audit_record(
        actor=actor_membership.user,
        action="rhythm.ended",
        obj=rhythm,
        collective=actor_membership.collective,
        after={"ends_on": ends_on.isoformat()},
    )
    return rhythm


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, actor_membership: Membership) -> tuple[CalendarFeed, str]:
    """A new private feed URL for the person's rhythms; any earlier one is revoked. The
    token is returned once and only its hash is kept."""
    now = timezone.now()
    CalendarFeed.objects.filter(
        user=actor_membership.user,
        collective_id=actor_membership.collective_id,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=actor_membership.user,
        collective_id=actor_membership.collective_id,
        token_hash=_hash(token),
    )
    audit_record(
        actor=actor_membership.user,
        action="calendar_feed.created",
        obj=feed,
        collective=actor_membership.collective,
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor_membership: Membership) -> int:
    revoked = CalendarFeed.objects.filter(
        user=actor_membership.user,
        collective_id=actor_membership.collective_id,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    audit_record(
        actor=actor_membership.user,
        action="calendar_feed.revoked",
        obj=actor_membership.collective,
        collective=actor_membership.collective,
        after={"revoked": revoked},
    )
    return revoked


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed this secret opens, or None (unknown or revoked)."""
    return (
        CalendarFeed.objects.select_related("user", "collective")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


# Nudges -----------------------------------------------------------------------------------


def _nudge_for(membership: Membership, nudge: Nudge) -> Nudge:
    if nudge.collective_id != membership.collective_id:
        raise PermissionDenied("That nudge belongs to another collective.")
    if nudge.user_id is not None:  # for one person alone: only they act on it
        if nudge.user_id != membership.user_id:
            raise PermissionDenied("That nudge is for someone else.")
        return nudge
    _require_acting(membership, nudge.organisations.values_list("pk", flat=True))
    return nudge


@transaction.atomic
def nudge_dismiss(*, actor_membership: Membership, nudge: Nudge) -> Nudge:
    nudge = _nudge_for(actor_membership, Nudge.objects.select_for_update().get(pk=nudge.pk))
    nudge.dismissed_at, nudge.dismissed_by = timezone.now(), actor_membership.user
    nudge.save(update_fields=["dismissed_at", "dismissed_by"])
    audit_record(
        actor=actor_membership.user,
        action="nudge.dismissed",
        obj=nudge,
        collective=actor_membership.collective,
    )
    return nudge


#: The longest a nudge can be snoozed for.
MOST_SNOOZE_DAYS = 90


@transaction.atomic
def nudge_snooze(
    *,
    actor_membership: Membership,
    nudge: Nudge,
    days: int = 7,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Nudge:
    """Snooze a nudge for `days`, or until the start of the date `until` (the day it shows
    again), at most MOST_SNOOZE_DAYS ahead."""
    now = now or timezone.now()
    if until is not None:
        today = timezone.localdate(now)
        if not today < until <= today + dt.timedelta(days=MOST_SNOOZE_DAYS):
            raise ValidationError(
                {"until": f"Snooze until a date after today and within {MOST_SNOOZE_DAYS} days."}
            )
        snoozed_until = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
    else:
        if not 1 <= days <= MOST_SNOOZE_DAYS:
            raise ValidationError({"days": f"Snooze for between 1 and {MOST_SNOOZE_DAYS} days."})
        snoozed_until = now + dt.timedelta(days=days)
    nudge = _nudge_for(actor_membership, Nudge.objects.select_for_update().get(pk=nudge.pk))
    nudge.snoozed_until = snoozed_until
    nudge.save(update_fields=["snoozed_until"])
    audit_record(
        actor=actor_membership.user,
        action="nudge.snoozed",
        obj=nudge,
        collective=actor_membership.collective,
        after={"until": nudge.snoozed_until.isoformat()},
    )
    return nudge


# Asks for help ----------------------------------------------------------------------------


def _own_organisation(membership: Membership) -> int:
    if membership.organisation_id is None or membership.role not in ACTING_ROLES:
        raise PermissionDenied("Only someone who works for a member organisation can do that.")
    return membership.organisation_id


@transaction.atomic
def ask_post(
    *,
    actor_membership: Membership,
    what: str,
    needed_by: dt.date | None = None,
    to_organisations: Iterable[int] = (),
) -> Ask:
    """Ask for help: to everyone, or to chosen organisations."""
    own = _own_organisation(actor_membership)
    _members(actor_membership.collective_id, [own])
    chosen = _members(actor_membership.collective_id, to_organisations)
    if not what.strip():
        raise ValidationError({"what": "Say what you need help with."})
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError({"needed_by": "The date cannot be in the past."})
    if own in chosen:
        raise ValidationError({"to_organisations": "Ask other organisations, not your own."})
    ask = Ask.objects.create(
        collective_id=actor_membership.collective_id,
        organisation_id=own,
        what=what.strip(),
        needed_by=needed_by,
        to_everyone=not chosen,
        asked_by=actor_membership.user,
    )
    ask.addressed_to.set(chosen)
    audit_record(
        actor=actor_membership.user,
        action="ask.posted",
        obj=ask,
        collective=actor_membership.collective,
        after={"to": chosen or "everyone"},
    )
    return ask


@transaction.atomic
def offer_make(*, actor_membership: Membership, ask: Ask, text: str) -> Offer:
    own = _own_organisation(actor_membership)
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if ask.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That ask belongs to another collective.")
    if ask.status != AskStatus.OPEN:
        raise ValidationError("This ask is no longer open.")
    if own == ask.organisation_id:
        raise ValidationError("You cannot offer help to your own organisation's ask.")
    if not ask.to_everyone and not ask.addressed_to.filter(pk=own).exists():
        raise PermissionDenied("This ask went to other organisations.")
    if not text.strip():
        raise ValidationError({"text": "Say how you can help."})
    offer = Offer.objects.create(
        ask=ask, organisation_id=own, text=text.strip(), offered_by=actor_membership.user
    )
    audit_record(
        actor=actor_membership.user,
        action="offer.made",
        obj=offer,
        collective=actor_membership.collective,
    )
    return offer


@transaction.atomic
def ask_answer(
    *, actor_membership: Membership, ask: Ask, offer: Offer | None = None, thanks: str = ""
) -> Ask:
    """The asker marks the ask answered and thanks the helper."""
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if ask.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That ask belongs to another collective.")
    if _own_organisation(actor_membership) != ask.organisation_id:
        raise PermissionDenied("Only the organisation that asked can mark it answered.")
    if ask.status != AskStatus.OPEN:
        raise ValidationError("This ask is no longer open.")
    if offer is not None and offer.ask_id != ask.pk:
        raise ValidationError({"offer": "Choose an offer made on this ask."})
    ask.status, ask.answered_at = AskStatus.ANSWERED, timezone.now()
    ask.helped_by, ask.thanks = offer, thanks.strip()
    ask.save()
    audit_record(
        actor=actor_membership.user,
        action="ask.answered",
        obj=ask,
        collective=actor_membership.collective,
        after={"offer": offer.pk if offer else None},
    )
    return ask


# Put it right -----------------------------------------------------------------------------


@transaction.atomic
def put_it_right_record(
    *,
    actor_membership: Membership,
    mistake: str,
    impact: str,
    will_do: str,
    apologises_to: Iterable[int],
    decision: Any = None,
) -> PutItRight:
    """'We got this wrong': the organisation records a mistake it made, its impact on
    others, what it will do, and to whom it apologises."""
    own = _own_organisation(actor_membership)
    affected = _members(actor_membership.collective_id, apologises_to)
    errors = {}
    for name, value, message in (
        ("mistake", mistake, "Say what went wrong."),
        ("impact", impact, "Say what it meant for others."),
        ("will_do", will_do, "Say what you will do about it."),
    ):
        if not value.strip():
            errors[name] = message
    if not affected:
        errors["apologises_to"] = "Choose the organisations you apologise to."
    elif own in affected:
        errors["apologises_to"] = "Choose other organisations."
    if decision is not None and decision.collective_id != actor_membership.collective_id:
        errors["decision"] = "Choose a decision of this collective."
    if errors:
        raise ValidationError(errors)
    record = PutItRight.objects.create(
        collective_id=actor_membership.collective_id,
        organisation_id=own,
        mistake=mistake.strip(),
        impact=impact.strip(),
        will_do=will_do.strip(),
        decision=decision,
        recorded_by=actor_membership.user,
    )
    record.apologises_to.set(affected)
    audit_record(
        actor=actor_membership.user,
        action="put_it_right.recorded",
        obj=record,
        collective=actor_membership.collective,
        after={"apologises_to": affected},
    )
    return record


@transaction.atomic
def put_it_right_respond(
    *, actor_membership: Membership, record: PutItRight, text: str
) -> PutItRightResponse:
    """An affected organisation responds (once; responding again replaces the text)."""
    own = _own_organisation(actor_membership)
    if record.collective_id != actor_membership.collective_id:
        raise PermissionDenied("That record belongs to another collective.")
    if not record.apologises_to.filter(pk=own).exists():
        raise PermissionDenied("Only an organisation it apologises to can respond.")
    if not text.strip():
        raise ValidationError({"text": "Write your response."})
    response, _ = PutItRightResponse.objects.update_or_create(
        record=record,
        organisation_id=own,
        defaults={"text": text.strip(), "responded_by": actor_membership.user},
    )
    audit_record(
        actor=actor_membership.user,
        action="put_it_right.responded",
        obj=response,
        collective=actor_membership.collective,
    )
    return response


# Nudge thresholds -----------------------------------------------------------------------------

#: Each threshold a convenor may change: its lowest and highest value, and how it is named in
#: an error (email_share_amber is a share, 0 to 1; the settings page shows it as a percentage).
HABIT_SETTINGS_RANGES: dict[str, tuple[float, float, str]] = {
    "weeks": (1, 52, "Weeks the mode mix looks back: a whole number from 1 to 52."),
    "email_only_weeks": (
        1,
        52,
        "Weeks of e-mail only before a nudge: a whole number from 1 to 52.",
    ),
    "min_emails": (1, 100, "E-mails before a nudge: a whole number from 1 to 100."),
    "missed_in_a_row": (
        1,
        12,
        "Missed periods in a row before a nudge: a whole number from 1 to 12.",
    ),
    "email_share_amber": (0, 1, "E-mail share shown amber: a percentage from 0 to 100."),
}


@transaction.atomic
def habit_settings_change(*, actor_membership: Membership, **values: Any) -> HabitSettings:
    """A convenor changes the collective's nudge thresholds (relationships.models.HabitSettings).
    Thresholds not given keep their current value (the defaults in relationships.rules.Thresholds
    until first saved). Every value is checked against its range; errors name the field."""
    require_convenor(actor_membership)
    unknown = sorted(set(values) - set(HABIT_SETTINGS_RANGES))
    if unknown:
        raise ValidationError(f"Unknown thresholds: {', '.join(unknown)}.")
    collective = actor_membership.collective
    current = thresholds_for(collective)
    before = {name: getattr(current, name) for name in HABIT_SETTINGS_RANGES}
    after = dict(before)
    errors: dict[str, str] = {}
    for name, value in values.items():
        low, high, message = HABIT_SETTINGS_RANGES[name]
        whole = name != "email_share_amber"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or (whole and value != int(value)) or not low <= value <= high:
            errors[name] = message
        else:
            after[name] = int(value) if whole else float(value)
    if errors:
        raise ValidationError(errors)
    found, _ = HabitSettings.objects.update_or_create(collective=collective, defaults=after)
    audit_record(
        actor=actor_membership.user,
        action="habit_settings.changed",
        obj=found,
        collective=collective,
        before=before,
        after=after,
    )
    return found
