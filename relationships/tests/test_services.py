"""The habits' rules: logging contacts (by hand, by the week's e-mail count, from a calendar
file), agreeing rhythms and their private calendar feed, nudges, asks for help and
put-it-right records; who may do each, and the audit trail each write leaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from audit.models import AuditEntry
from collectives.models import Membership, Role
from decisions.models import Decision, Proposal
from directory.models import Person
from relationships import services
from relationships.ics import ICSError
from relationships.models import (
    Ask,
    AskStatus,
    CalendarFeed,
    Contact,
    ContactParticipant,
    Mode,
    Nudge,
    Offer,
    PutItRight,
    PutItRightResponse,
    Rhythm,
    Scope,
    Source,
)
from relationships.tests.conftest import Pair

pytestmark = pytest.mark.django_db


def _ago(**kwargs: Any) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def _today() -> dt.date:
    return timezone.localdate()


def _actions(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def _call(pair: Pair, *, by: Membership | None = None, **kwargs: Any) -> Contact:
    fields: dict[str, Any] = {
        "organisations": pair.both,
        "mode": Mode.PHONE,
        "happened_at": _ago(days=1),
        "duration_minutes": 20,
    }
    return services.contact_add(actor_membership=by or pair.oakwood_rep, **{**fields, **kwargs})


def _other_practice_member(role: str = Role.MEMBER) -> Membership:
    """Someone at a practice of another collective."""
    elsewhere = MemberOrganisationFactory()
    return MembershipFactory(
        collective=elsewhere.collective, role=role, organisation=elsewhere.organisation
    )


# Contacts by hand -------------------------------------------------------------------------


def test_a_call_between_two_member_organisations_is_logged(pair):
    contact = _call(pair, note="  Talked about the flu clinics.  ")
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert contact.collective == pair.collective
    assert contact.mode == Mode.PHONE
    assert contact.duration_minutes == 20
    assert contact.count == 1
    assert contact.source == Source.MANUAL
    assert contact.note == "Talked about the flu clinics."
    assert contact.recorded_by == pair.oakwood_rep.user


def test_the_recorder_is_a_participant_with_the_people_named(pair):
    contact = _call(pair, participants=[pair.riverside_rep.user, pair.oakwood_rep.user])
    users = set(ContactParticipant.objects.filter(contact=contact).values_list("user", flat=True))
    assert users == {pair.oakwood_rep.user.pk, pair.riverside_rep.user.pk}


def test_logging_a_contact_is_audited(pair):
    contact = _call(pair)
    (entry,) = _actions("contact.logged")
    assert entry.object_id == str(contact.pk)
    assert entry.actor == pair.oakwood_rep.user
    assert entry.collective == pair.collective
    assert entry.after == {"mode": "phone", "organisations": pair.both}


def test_a_convenor_may_log_a_contact_between_any_members(pair):
    contact = _call(pair, by=pair.convenor)
    assert contact.recorded_by == pair.convenor.user


def test_only_people_of_an_organisation_in_the_contact_may_log_it(pair):
    with pytest.raises(PermissionDenied):
        _call(pair, by=pair.hillside_member)
    assert not Contact.objects.exists()
    assert not _actions("contact.logged")


def test_observers_and_guests_may_not_log_even_for_their_own_organisation(pair):
    for role in (Role.OBSERVER, Role.GUEST):
        someone = MembershipFactory(
            collective=pair.collective, role=role, organisation=pair.oakwood
        )
        with pytest.raises(PermissionDenied):
            _call(pair, by=someone)
    assert not Contact.objects.exists()


def test_a_contact_needs_two_organisations(pair):
    with pytest.raises(ValidationError) as error:
        _call(pair, organisations=[pair.oakwood.pk, pair.oakwood.pk])
    assert "organisations" in error.value.message_dict
    assert not Contact.objects.exists()


def test_an_organisation_outside_the_collective_is_refused(pair):
    stranger = OrganisationFactory(name="Not A Member")
    with pytest.raises(ValidationError) as error:
        _call(pair, organisations=[pair.oakwood.pk, stranger.pk])
    assert error.value.message_dict["organisations"] == [
        "Choose member organisations of the collective."
    ]
    assert not Contact.objects.exists()


def test_a_contact_cannot_be_in_the_future(pair):
    with pytest.raises(ValidationError) as error:
        _call(pair, happened_at=timezone.now() + dt.timedelta(days=1))
    assert set(error.value.message_dict) == {"happened_at"}
    assert not Contact.objects.exists()


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_a_duration_outside_a_day_is_refused(pair, minutes):
    with pytest.raises(ValidationError) as error:
        _call(pair, duration_minutes=minutes)
    assert set(error.value.message_dict) == {"duration_minutes"}


@pytest.mark.parametrize("minutes", [1, 24 * 60, None])
def test_a_duration_within_a_day_or_none_is_kept(pair, minutes):
    assert _call(pair, duration_minutes=minutes).duration_minutes == minutes


def test_an_unknown_mode_is_refused(pair):
    with pytest.raises(ValidationError) as error:
        _call(pair, mode="carrier_pigeon")
    assert set(error.value.message_dict) == {"mode"}


# E-mail counts -----------------------------------------------------------------------------


def _count(pair: Pair, count: int, *, by: Membership | None = None, week_of: Any = None):
    by = by or pair.oakwood_rep
    other = pair.riverside if by.organisation_id == pair.oakwood.pk else pair.oakwood
    return services.email_count_set(
        actor_membership=by,
        other_organisation=other.pk,
        week_of=week_of or _today() - dt.timedelta(days=7),
        count=count,
    )


def test_a_weeks_emails_are_counted_once_per_pair_and_week_on_the_monday(pair):
    contact = _count(pair, 9)
    assert contact is not None
    monday = _today() - dt.timedelta(days=7 + (_today() - dt.timedelta(days=7)).weekday())
    assert timezone.localtime(contact.happened_at).date() == monday
    assert (contact.mode, contact.count, contact.source) == (Mode.EMAIL, 9, Source.WEEKLY_COUNT)
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)


def test_counting_the_same_week_again_replaces_it_whoever_counts(pair):
    _count(pair, 9)
    _count(pair, 4, by=pair.riverside_rep)
    assert list(Contact.objects.values_list("count", flat=True)) == [4]
    entries = _actions("contact.emails_counted")
    assert [e.before for e in entries] == [None, {"count": 9}]


def test_another_week_is_another_count(pair):
    _count(pair, 9)
    _count(pair, 3, week_of=_today() - dt.timedelta(days=14))
    assert sorted(Contact.objects.values_list("count", flat=True)) == [3, 9]


def test_a_count_of_nought_removes_the_weeks_count(pair):
    _count(pair, 9)
    assert _count(pair, 0) is None
    assert not Contact.objects.exists()
    assert _actions("contact.emails_counted")[-1].before == {"count": 9}


@pytest.mark.parametrize("count", [1001, -1])
def test_a_count_outside_0_to_1000_is_refused(pair, count):
    with pytest.raises(ValidationError) as error:
        _count(pair, count)
    assert set(error.value.message_dict) == {"count"}
    assert not Contact.objects.exists()


def test_a_count_of_1000_is_kept(pair):
    contact = _count(pair, 1000)
    assert contact is not None and contact.count == 1000


def test_a_future_week_is_refused(pair):
    with pytest.raises(ValidationError) as error:
        _count(pair, 5, week_of=_today() + dt.timedelta(days=8))
    assert set(error.value.message_dict) == {"week_of"}
    assert not Contact.objects.exists()


def test_emails_are_counted_with_another_organisation(pair):
    with pytest.raises(ValidationError) as error:
        services.email_count_set(
            actor_membership=pair.oakwood_rep,
            other_organisation=pair.oakwood.pk,
            week_of=_today(),
            count=3,
        )
    assert "other_organisation" in error.value.message_dict


def test_someone_without_an_organisation_cannot_count_emails(pair):
    with pytest.raises(PermissionDenied):
        services.email_count_set(
            actor_membership=pair.convenor,
            other_organisation=pair.riverside.pk,
            week_of=_today(),
            count=3,
        )


# Calendar import ---------------------------------------------------------------------------


def _event(
    uid: str,
    title: str,
    start: str,
    organiser: str,
    *attendees: str,
    where: str,
    repeats: tuple[str, ...] = (),
) -> str:
    """A meeting; `repeats` are its RRULE, RDATE, EXDATE or RECURRENCE-ID lines."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20250301T000000Z",
        f"DTSTART:{start}",
        *repeats,
        "DURATION:PT45M",
        f"SUMMARY:{title}",
        f"LOCATION:{where}",
        f"ORGANIZER;CN=Organiser:mailto:{organiser}",
        *(f"ATTENDEE;CN=Someone;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees),
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


def _calendar(*events: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Alliance tests//EN"
    return "\r\n".join([head, *events, "END:VCALENDAR", ""]).encode()


OLIVIA, RAVI = "olivia@oakwood.example.org", "ravi@riverside.example.org"
NURSE = "nurse@riverside.nhs.example"
TEAMS = "https://teams.microsoft.com/l/meetup-join/abc"
CALENDAR = _calendar(
    _event("m1@x", "Catch-up", "20250310T100000Z", OLIVIA, RAVI, where=TEAMS),
    _event("m2@x", "Flu planning", "20250311T100000Z", OLIVIA, NURSE, where="Riverside, room 2"),
    _event("m3@x", "Our own team", "20250312T100000Z", OLIVIA, where="Oakwood"),
    _event("m4@x", "Next year", "20990312T100000Z", OLIVIA, RAVI, where="Oakwood"),
)


def _import(pair: Pair, data: bytes = CALENDAR, **kwargs: Any) -> services.CalendarImport:
    return services.calendar_import(
        actor_membership=pair.oakwood_rep, data=data, filename="calendar.ics", **kwargs
    )


def test_a_meeting_between_two_member_organisations_is_logged_once(pair):
    outcome = _import(pair)
    (contact,) = outcome.created
    assert contact.calendar_uid == "m1@x"
    assert contact.source == Source.CALENDAR
    assert contact.mode == Mode.VIDEO
    assert contact.duration_minutes == 45
    assert contact.happened_at == dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC)
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert set(contact.participants.values_list("user", flat=True)) == {
        pair.oakwood_rep.user.pk,
        pair.riverside_rep.user.pk,
    }
    assert outcome.not_between_organisations == ["Flu planning", "Our own team"]
    assert "“Next year” is in the future" in outcome.skipped
    assert outcome.unmatched == [NURSE]
    (entry,) = _actions("contact.calendar_imported")
    assert entry.after == {
        "file": "calendar.ics",
        "created": 1,
        "already_logged": 0,
        "unmatched": 1,
    }


def test_importing_the_same_file_again_logs_nothing_new(pair):
    _import(pair)
    outcome = _import(pair)
    assert outcome.created == []
    assert outcome.already_logged == ["Catch-up"]
    assert Contact.objects.count() == 1


def test_an_unmatched_address_matched_by_hand_is_logged_on_the_next_import(pair):
    _import(pair)
    outcome = _import(pair, matches={NURSE: pair.riverside.pk})
    (contact,) = outcome.created
    assert contact.calendar_uid == "m2@x"
    assert contact.mode == Mode.IN_PERSON
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert outcome.unmatched == []
    assert Contact.objects.count() == 2


def test_a_match_by_hand_must_be_a_member_organisation(pair):
    stranger = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        _import(pair, matches={NURSE: stranger.pk})
    assert "organisations" in error.value.message_dict
    assert not Contact.objects.exists()


def test_people_in_the_directory_are_matched_by_their_address(pair):
    doctor = Person.objects.create(
        name="Dr Hill", organisation=pair.hillside, email="Dr.Hill@Hillside.example.org"
    )
    data = _calendar(
        _event(
            "m9@x", "Visit", "20250312T100000Z", OLIVIA, "dr.hill@hillside.example.org", where=""
        )
    )
    (contact,) = _import(pair, data).created
    assert set(contact.organisations.values_list("pk", flat=True)) == {
        pair.oakwood.pk,
        pair.hillside.pk,
    }
    assert contact.participants.filter(person=doctor).exists()


def test_it_does_not_match_another_collectives_own_people_by_their_address(pair, outsider):
    from directory.services import person_create

    MemberOrganisationFactory(collective=outsider.collective, organisation=pair.hillside)
    person_create(
        actor=outsider.user,
        actor_membership=outsider,
        organisation=pair.hillside,
        name="Dr Hill",
        email="dr.hill@hillside.example.org",
    )
    data = _calendar(
        _event(
            "m9@x", "Visit", "20250312T100000Z", OLIVIA, "dr.hill@hillside.example.org", where=""
        )
    )
    outcome = _import(pair, data)
    assert outcome.created == [] and outcome.unmatched == ["dr.hill@hillside.example.org"]
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a calendar",
        b"",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:m1@x\r\nDTSTART:2025",
    ],
)
def test_a_broken_file_is_refused_and_stores_nothing(pair, data):
    with pytest.raises(ICSError):
        _import(pair, data)
    assert not Contact.objects.exists()
    assert not _actions("contact.calendar_imported")


def test_a_meeting_without_a_uid_is_still_logged_once(pair):
    data = _calendar(
        _event("m1@x", "Catch-up", "20250310T100000Z", OLIVIA, RAVI, where=TEAMS).replace(
            "UID:m1@x\r\n", ""
        )
    )
    assert len(_import(pair, data).created) == 1
    outcome = _import(pair, data)
    assert (outcome.created, outcome.already_logged) == ([], ["Catch-up"])
    assert Contact.objects.count() == 1


def test_a_meeting_with_a_very_long_uid_is_still_logged_once(pair):
    uid = "040000008200E00074C5B7101A82E008" * 10
    data = _calendar(_event(uid, "Catch-up", "20250310T100000Z", OLIVIA, RAVI, where=TEAMS))
    _import(pair, data)
    outcome = _import(pair, data)
    assert (outcome.created, outcome.already_logged) == ([], ["Catch-up"])
    assert Contact.objects.count() == 1


def test_it_logs_a_person_listed_many_times_in_one_meeting_once(pair):
    # Invited through two distribution lists, and the organiser listed as an attendee too.
    data = _calendar(
        _event(
            "m1@x",
            "Catch-up",
            "20250310T100000Z",
            OLIVIA,
            *[RAVI, RAVI.upper(), f" {RAVI} ", OLIVIA.upper()] * 500,
            where=TEAMS,
        )
    )
    (contact,) = _import(pair, data).created
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert sorted(contact.participants.values_list("user__email", flat=True)) == [OLIVIA, RAVI]


def test_it_matches_addresses_in_the_same_queries_however_many_a_meeting_lists(pair):
    def queries(*attendees: str) -> int:
        data = _calendar(
            _event("m1@x", "Catch-up", "20250310T100000Z", OLIVIA, *attendees, where="")
        )
        with CaptureQueriesContext(connection) as captured:
            _import(pair, data, matches={"nurse@hillside.example.org": pair.hillside.pk})
        Contact.objects.all().delete()
        return len(captured)

    staff = [f"staff{n}@hillside.example.org" for n in range(300)]
    Person.objects.bulk_create(
        Person(name=f"Staff {n}", organisation=pair.hillside, email=address)
        for n, address in enumerate(staff)
    )
    few = queries(RAVI)
    many = queries(
        RAVI, *staff, "nurse@hillside.example.org", *[f"s{n}@x.org" for n in range(3000)]
    )
    assert few == many


def test_it_logs_meetings_of_two_addresses_matched_by_hand_to_one_organisation(pair):
    other = "sister@riverside.example.org"
    data = _calendar(
        _event("m2@x", "Flu planning", "20250311T100000Z", OLIVIA, NURSE, where=""),
        _event("m5@x", "Flu follow-up", "20250312T100000Z", OLIVIA, other, where=""),
    )
    outcome = _import(pair, data, matches={NURSE: pair.riverside.pk, other: pair.riverside.pk})
    assert sorted(c.calendar_uid for c in outcome.created) == ["m2@x", "m5@x"]
    assert outcome.unmatched == []


def test_it_refuses_an_observer_before_reading_the_file(pair):
    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    only_ours = _calendar(_event("m3@x", "Our own team", "20250312T100000Z", OLIVIA, where=""))
    for data in (only_ours, b"not a calendar"):
        with pytest.raises(PermissionDenied):
            services.calendar_import(actor_membership=observer, data=data, filename="c.ics")
    assert not _actions("contact.calendar_imported")


def test_it_reads_a_file_given_in_chunks_as_an_upload_gives_them(pair):
    chunks = (CALENDAR[i : i + 100] for i in range(0, len(CALENDAR), 100))
    outcome = _import(pair, chunks)
    assert [c.calendar_uid for c in outcome.created] == ["m1@x"]
    assert outcome.unmatched == [NURSE]


FIXTURES = Path(__file__).parent / "fixtures" / "ics"


def _exports(pair: Pair) -> Membership:
    """Jo Hart of Riverside, whose calendar exports the fixtures are; Priya Shah of Oakwood
    uses Alliance; Sam Okafor of Riverside is in the directory."""
    MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.oakwood,
        user__email="priya.shah@example.org",
    )
    Person.objects.create(
        name="Sam Okafor", organisation=pair.riverside, email="sam.okafor@nhs.net"
    )
    return MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.riverside,
        user__email="Jo.Hart@nhs.net",
    )


def _import_file(jo: Membership, name: str, **kwargs: Any) -> services.CalendarImport:
    data = (FIXTURES / name).read_bytes()
    return services.calendar_import(actor_membership=jo, data=data, filename=name, **kwargs)


def test_an_outlook_export_logs_its_meeting_between_two_practices(pair):
    jo = _exports(pair)
    outcome = _import_file(jo, "outlook.ics")
    (contact,) = outcome.created
    assert contact.mode == Mode.IN_PERSON
    assert contact.happened_at == dt.datetime(2024, 1, 10, 9, tzinfo=dt.UTC)
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert contact.participants.filter(person__name="Sam Okafor").exists()
    assert contact.participants.filter(user=jo.user).exists()
    assert outcome.unmatched == [
        "amir.rahman@nhs.net",
        "finance.team@example.org",
        "lea.martin@example.org",
    ]
    assert len(outcome.not_between_organisations) == 3


def test_importing_the_outlook_export_again_logs_nothing_new(pair):
    jo = _exports(pair)
    _import_file(jo, "outlook.ics")
    outcome = _import_file(jo, "outlook.ics")
    assert outcome.created == []
    assert outcome.already_logged == ["Estates working group"]
    assert Contact.objects.count() == 1


def test_an_address_matched_by_hand_logs_the_meeting_it_was_in(pair):
    jo = _exports(pair)
    _import_file(jo, "outlook.ics")
    outcome = _import_file(jo, "outlook.ics", matches={"amir.rahman@nhs.net": pair.hillside.pk})
    (contact,) = outcome.created
    assert contact.mode == Mode.VIDEO
    assert set(contact.organisations.values_list("pk", flat=True)) == {
        pair.riverside.pk,
        pair.hillside.pk,
    }
    assert "amir.rahman@nhs.net" not in outcome.unmatched
    assert outcome.already_logged == ["Estates working group"]
    assert Contact.objects.count() == 2


def test_a_google_export_logs_its_meetings_and_passes_on_what_it_skipped(pair):
    jo = _exports(pair)
    outcome = _import_file(jo, "google.ics", now=dt.datetime(2024, 6, 14, 12, tzinfo=dt.UTC))
    assert sorted(c.calendar_uid for c in outcome.created) == [
        "1n4d7q2k9s0b3v6x8z5c1m7p4r@google.com",
        "6h2j8k4l0m1n3b5v7c9x2z4a6s@google.com",
    ]
    assert "“Flu clinic planning” was cancelled" in outcome.skipped
    assert outcome.unmatched == ["tom.price@example.org"]
    # Jo and Sam both work at Riverside: each of the nine huddles is only one organisation's.
    huddles = [t for t in outcome.not_between_organisations if t.startswith("Weekly huddle")]
    assert huddles[:2] == ["Weekly huddle, 8 Jan 2024", "Weekly huddle, 15 Jan 2024"]
    assert len(huddles) == 9
    assert outcome.repeating == ["Weekly huddle: 9 occurrences"]


def _jo_and_sam(pair: Pair) -> Membership:
    """Jo Hart of Oakwood, whose Thunderbird calendar the real exports are, and Sam Okafor
    of Riverside, whom she meets."""
    MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.riverside,
        user__email="sam.okafor@nhs.net",
    )
    return MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.oakwood,
        user__email="jo.hart@nhs.net",
    )


def test_a_thunderbird_export_logs_its_meetings_with_another_practice(pair):
    # The real Thunderbird export: Jo Hart of Oakwood met Sam Okafor of Riverside twice,
    # called the ICB's finance team (not known yet), and had a meeting cancelled.
    jo = _jo_and_sam(pair)
    outcome = _import_file(jo, "thunderbird.ics")
    logged = {c.happened_at: c for c in outcome.created}
    assert sorted(logged) == [
        dt.datetime(2026, 10, 14, 8, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 4, 12, 30, tzinfo=dt.UTC),
    ]
    in_person = logged[dt.datetime(2026, 10, 14, 8, tzinfo=dt.UTC)]
    assert (in_person.mode, in_person.duration_minutes) == (Mode.IN_PERSON, 90)
    assert logged[dt.datetime(2026, 11, 4, 12, 30, tzinfo=dt.UTC)].mode == Mode.PHONE
    assert set(in_person.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert in_person.participants.count() == 2
    assert outcome.unmatched == ["finance.team@example.org"]
    assert outcome.not_between_organisations == [
        "Call with ICB finance",
        "Practice closed: staff training",
    ]
    assert outcome.skipped == ["“Estates working group: site visit” was cancelled"]


# Repeating meetings ------------------------------------------------------------------------

#: Wednesday 25 November 2026 at 09:00: an hour before the thirteenth weekly PCN call of the
#: real Thunderbird export (fixtures/ics/README.md), twelve weeks after the first.
THUNDERBIRD_NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _import_repeating(jo: Membership, now: dt.datetime = THUNDERBIRD_NOW) -> Any:
    return _import_file(jo, "thunderbird-repeating.ics", now=now)


def test_a_weekly_meeting_since_twelve_weeks_ago_logs_twelve_contacts_and_again_none(pair):
    jo = _jo_and_sam(pair)
    outcome = _import_repeating(jo)
    calls = Contact.objects.filter(mode=Mode.VIDEO).order_by("happened_at")
    # Wednesdays at 10:00 UK time: 09:00 UTC until the clocks went back on 25 October.
    assert [c.happened_at for c in calls] == [
        *(_utc(2026, 9, 2, 9) + dt.timedelta(weeks=n) for n in range(8)),
        *(_utc(2026, 10, 28, 10) + dt.timedelta(weeks=n) for n in range(4)),
    ]
    assert {c.duration_minutes for c in calls} == {30}
    assert all(set(c.organisations.values_list("pk", flat=True)) == set(pair.both) for c in calls)
    assert outcome.repeating == [
        "Weekly PCN call: 12 occurrences",
        "Joint clinic huddle: 4 occurrences",
    ]
    assert outcome.repeats_from == THUNDERBIRD_NOW - dt.timedelta(days=365)

    again = _import_repeating(jo)
    assert again.created == []
    assert again.already_logged[:2] == [
        "Weekly PCN call, 2 Sep 2026",
        "Weekly PCN call, 9 Sep 2026",
    ]
    assert len(again.already_logged) == 16
    assert Contact.objects.count() == 16


def test_a_week_later_only_the_new_occurrence_is_logged(pair):
    jo = _jo_and_sam(pair)
    _import_repeating(jo)
    outcome = _import_repeating(jo, now=THUNDERBIRD_NOW + dt.timedelta(weeks=1))
    assert [(c.happened_at, c.mode) for c in outcome.created] == [
        (_utc(2026, 11, 25, 10), Mode.VIDEO)
    ]
    assert "Weekly PCN call: 13 occurrences" in outcome.repeating


def test_a_moved_occurrence_is_logged_once_at_its_new_time(pair):
    jo = _jo_and_sam(pair)
    _import_repeating(jo)
    # Six Monday huddles at 08:30 from 5 October; the one of 19 October was moved to
    # Tuesday 20 October at 13:00 (12:00 UTC).
    huddles = Contact.objects.filter(mode=Mode.PHONE).order_by("happened_at")
    assert [(c.happened_at, c.calendar_occurrence) for c in huddles] == [
        (_utc(2026, 10, 5, 7, 30), _utc(2026, 10, 5, 7, 30)),
        (_utc(2026, 10, 20, 12), _utc(2026, 10, 19, 7, 30)),
        (_utc(2026, 11, 2, 8, 30), _utc(2026, 11, 2, 8, 30)),
        (_utc(2026, 11, 9, 8, 30), _utc(2026, 11, 9, 8, 30)),
    ]
    assert len({c.calendar_uid for c in huddles}) == 1  # the series' UID


def test_a_deleted_or_cancelled_occurrence_is_not_logged(pair):
    jo = _jo_and_sam(pair)
    outcome = _import_repeating(jo)
    deleted, cancelled = _utc(2026, 10, 12, 7, 30), _utc(2026, 10, 26, 8, 30)
    assert not Contact.objects.filter(happened_at__in=[deleted, cancelled]).exists()
    assert outcome.skipped == ["“Joint clinic huddle” on 26 Oct 2026 was cancelled"]


def test_a_series_of_six_logs_no_more_after_its_end(pair):
    jo = _jo_and_sam(pair)
    _import_repeating(jo)
    outcome = _import_repeating(jo, now=_utc(2027, 3, 1))
    assert {c.mode for c in outcome.created} == {Mode.VIDEO}  # only the weekly call's
    assert "Joint clinic huddle: 4 occurrences" in outcome.repeating
    assert Contact.objects.filter(mode=Mode.PHONE).count() == 4


def _series(*repeats: str, start: str = "20250303T100000Z", more: tuple[str, ...] = ()) -> bytes:
    """A weekly catch-up between Oakwood and Riverside, and changed occurrences of it."""
    return _calendar(
        _event("c@x", "Catch-up", start, OLIVIA, RAVI, where="", repeats=repeats), *more
    )


def test_an_occurrence_moved_after_it_was_logged_is_not_logged_again(pair):
    now = _utc(2025, 4, 1)
    _import(pair, _series("RRULE:FREQ=WEEKLY;COUNT=3"), now=now)
    moved = _event(
        "c@x",
        "Catch-up",
        "20250311T140000Z",
        OLIVIA,
        RAVI,
        where="",
        repeats=("RECURRENCE-ID:20250310T100000Z",),
    )
    outcome = _import(pair, _series("RRULE:FREQ=WEEKLY;COUNT=3", more=(moved,)), now=now)
    assert outcome.created == []
    assert outcome.already_logged == [
        "Catch-up, 3 Mar 2025",
        "Catch-up, 11 Mar 2025",
        "Catch-up, 17 Mar 2025",
    ]
    assert Contact.objects.count() == 3


def test_a_repeating_meeting_logged_by_its_uid_alone_keeps_that_as_its_first_occurrence(pair):
    # Imports before occurrences were read logged a repeating meeting's first occurrence by
    # its UID alone; that row stays valid and stands for the first occurrence.
    first = _utc(2025, 3, 3, 10)
    Contact.objects.create(
        collective=pair.collective,
        happened_at=first,
        mode=Mode.OTHER,
        source=Source.CALENDAR,
        calendar_uid="c@x",
    ).organisations.set(pair.both)
    outcome = _import(pair, _series("RRULE:FREQ=WEEKLY;COUNT=3"), now=_utc(2025, 4, 1))
    assert [c.happened_at for c in outcome.created] == [
        first + dt.timedelta(weeks=1),
        first + dt.timedelta(weeks=2),
    ]
    assert outcome.already_logged == ["Catch-up, 3 Mar 2025"]


def test_rdates_are_logged_as_occurrences(pair):
    outcome = _import(
        pair, _series("RDATE:20250305T150000Z,20250320T100000Z"), now=_utc(2025, 4, 1)
    )
    assert [(c.happened_at, c.calendar_occurrence) for c in outcome.created] == [
        (_utc(2025, 3, 3, 10), _utc(2025, 3, 3, 10)),
        (_utc(2025, 3, 5, 15), _utc(2025, 3, 5, 15)),
        (_utc(2025, 3, 20, 10), _utc(2025, 3, 20, 10)),
    ]
    assert outcome.repeating == ["Catch-up: 3 occurrences"]


def test_a_series_that_began_long_ago_logs_only_the_past_year(pair):
    now = _utc(2025, 6, 1)
    outcome = _import(pair, _series("RRULE:FREQ=WEEKLY", start="20150105T100000Z"), now=now)
    assert len(outcome.created) == 52
    assert min(c.happened_at for c in outcome.created) > now - dt.timedelta(days=365)
    assert max(c.happened_at for c in outcome.created) < now
    assert outcome.repeating == [
        "Catch-up: 52 occurrences in the past year (it began on 5 Jan 2015)"
    ]


def test_a_single_meeting_keeps_its_key_of_its_uid_alone(pair):
    outcome = _import(pair)
    assert [(c.calendar_uid, c.calendar_occurrence) for c in outcome.created] == [("m1@x", None)]
    assert outcome.repeating == [] and outcome.repeats_from is None


@pytest.mark.parametrize("name", ["truncated.ics", "not-a-calendar.ics", "no-events.ics"])
def test_a_broken_export_is_refused_and_stores_nothing(pair, name):
    jo = _exports(pair)
    with pytest.raises(ICSError):
        _import_file(jo, name)
    assert not Contact.objects.exists()
    assert not ContactParticipant.objects.exists()
    assert not _actions("contact.calendar_imported")


def test_an_observer_cannot_import_meetings(pair):
    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    with pytest.raises(PermissionDenied):
        services.calendar_import(actor_membership=observer, data=CALENDAR, filename="c.ics")
    assert not Contact.objects.exists()


# Rhythms -----------------------------------------------------------------------------------


def _rhythm(pair: Pair, *, by: Membership | None = None, **kwargs: Any) -> Rhythm:
    fields: dict[str, Any] = {
        "name": " Weekly call ",
        "scope": Scope.PAIR,
        "organisations": pair.both,
        "modes": [Mode.VIDEO, Mode.PHONE, Mode.VIDEO],
        "period": "weekly",
        "starts_on": dt.date(2026, 1, 5),
        "min_minutes": 30,
    }
    return services.rhythm_agree(actor_membership=by or pair.oakwood_rep, **{**fields, **kwargs})


def test_a_pair_agrees_a_weekly_call(pair):
    rhythm = _rhythm(pair)
    assert rhythm.name == "Weekly call"
    assert rhythm.modes == ["phone", "video"]
    assert rhythm.owner == pair.oakwood_rep.user
    assert rhythm.ends_on is None
    assert set(rhythm.organisations.values_list("pk", flat=True)) == set(pair.both)
    (entry,) = _actions("rhythm.agreed")
    assert entry.after == {"name": "Weekly call", "period": "weekly", "organisations": pair.both}


def test_a_pairs_rhythm_is_between_exactly_two_organisations(pair):
    for organisations in ([pair.oakwood.pk], [*pair.both, pair.hillside.pk]):
        with pytest.raises(ValidationError) as error:
            _rhythm(pair, organisations=organisations)
        assert set(error.value.message_dict) == {"organisations"}
    assert not Rhythm.objects.exists()


def test_a_leadership_rhythm_may_bring_in_more_organisations(pair):
    rhythm = _rhythm(
        pair, scope=Scope.LEADERSHIP, organisations=[*pair.both, pair.hillside.pk], by=pair.convenor
    )
    assert rhythm.organisations.count() == 3


@pytest.mark.parametrize("modes", [[], ["video", "telepathy"]])
def test_a_rhythm_needs_known_modes(pair, modes):
    with pytest.raises(ValidationError) as error:
        _rhythm(pair, modes=modes)
    assert set(error.value.message_dict) == {"modes"}


def test_a_rhythm_needs_a_name_a_scope_and_a_period(pair):
    with pytest.raises(ValidationError) as error:
        _rhythm(pair, name=" ", scope="galaxy", period="yearly")
    assert set(error.value.message_dict) == {"name", "scope", "period"}


def test_only_the_organisations_in_a_rhythm_or_a_convenor_may_agree_it(pair):
    with pytest.raises(PermissionDenied):
        _rhythm(pair, by=pair.hillside_member)
    assert _rhythm(pair, by=pair.convenor).owner == pair.convenor.user


def test_a_rhythm_is_ended_by_its_organisations_not_before_it_starts(pair):
    rhythm = _rhythm(pair)
    with pytest.raises(PermissionDenied):
        services.rhythm_end(
            actor_membership=pair.hillside_member, rhythm=rhythm, ends_on=dt.date(2026, 6, 1)
        )
    with pytest.raises(ValidationError) as error:
        services.rhythm_end(
            actor_membership=pair.riverside_rep, rhythm=rhythm, ends_on=dt.date(2025, 12, 31)
        )
    assert set(error.value.message_dict) == {"ends_on"}
    services.rhythm_end(
        actor_membership=pair.riverside_rep, rhythm=rhythm, ends_on=dt.date(2026, 6, 1)
    )
    assert Rhythm.objects.get().ends_on == dt.date(2026, 6, 1)
    (entry,) = _actions("rhythm.ended")
    assert entry.after == {"ends_on": "2026-06-01"}


# The calendar feed -------------------------------------------------------------------------


def test_a_new_feed_revokes_the_last_and_only_the_live_one_opens(pair):
    first, first_token = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    second, second_token = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    assert first_token != second_token
    assert first_token not in {first.token_hash, second.token_hash}
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert services.calendar_feed_for_token(first_token) is None
    assert services.calendar_feed_for_token(second_token) == second
    assert services.calendar_feed_for_token("guessed") is None
    assert len(_actions("calendar_feed.created")) == 2


def test_another_persons_feed_is_left_alone(pair):
    _, mine = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    services.calendar_feed_create(actor_membership=pair.riverside_rep)
    assert services.calendar_feed_for_token(mine) is not None


def test_revoking_closes_the_feed(pair):
    _, token = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    assert services.calendar_feed_revoke(actor_membership=pair.oakwood_rep) == 1
    assert services.calendar_feed_for_token(token) is None
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    (entry,) = _actions("calendar_feed.revoked")
    assert entry.after == {"revoked": 1}


def test_a_feed_of_someone_no_longer_active_does_not_open(pair):
    _, token = services.calendar_feed_create(actor_membership=pair.oakwood_rep)
    user = pair.oakwood_rep.user
    user.is_active = False
    user.save()
    assert services.calendar_feed_for_token(token) is None


# Nudges ------------------------------------------------------------------------------------


def _nudge(pair: Pair) -> Nudge:
    nudge = Nudge.objects.create(
        collective=pair.collective,
        key="email_only:1:2:2026-W40",
        rule="email_only",
        text="Nine e-mails and no conversation in six weeks.",
    )
    nudge.organisations.set(pair.both)
    return nudge


def test_a_nudge_is_dismissed_by_someone_it_concerns(pair):
    nudge = services.nudge_dismiss(actor_membership=pair.riverside_rep, nudge=_nudge(pair))
    nudge.refresh_from_db()
    assert nudge.dismissed_at is not None
    assert nudge.dismissed_by == pair.riverside_rep.user
    assert len(_actions("nudge.dismissed")) == 1


def test_a_convenor_may_dismiss_any_nudge(pair):
    services.nudge_dismiss(actor_membership=pair.convenor, nudge=_nudge(pair))
    assert Nudge.objects.get().dismissed_by == pair.convenor.user


def test_a_nudge_is_snoozed_for_the_days_asked(pair):
    before = timezone.now()
    services.nudge_snooze(actor_membership=pair.oakwood_rep, nudge=_nudge(pair), days=14)
    until = Nudge.objects.get().snoozed_until
    assert until is not None
    assert before + dt.timedelta(days=14) <= until <= timezone.now() + dt.timedelta(days=14)
    assert len(_actions("nudge.snoozed")) == 1


@pytest.mark.parametrize("days", [0, 91])
def test_a_snooze_is_between_1_and_90_days(pair, days):
    with pytest.raises(ValidationError) as error:
        services.nudge_snooze(actor_membership=pair.oakwood_rep, nudge=_nudge(pair), days=days)
    assert set(error.value.message_dict) == {"days"}
    assert Nudge.objects.get().snoozed_until is None


def test_people_a_nudge_does_not_concern_cannot_touch_it(pair):
    nudge = _nudge(pair)
    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    for someone in (pair.hillside_member, observer):
        with pytest.raises(PermissionDenied):
            services.nudge_dismiss(actor_membership=someone, nudge=nudge)
        with pytest.raises(PermissionDenied):
            services.nudge_snooze(actor_membership=someone, nudge=nudge)
    nudge.refresh_from_db()
    assert nudge.dismissed_at is None and nudge.snoozed_until is None


# Asks and offers ---------------------------------------------------------------------------


def _ask(pair: Pair, *, by: Membership | None = None, **kwargs: Any) -> Ask:
    fields: dict[str, Any] = {"what": " Cover for a nurse on Friday ", "needed_by": _today()}
    return services.ask_post(actor_membership=by or pair.oakwood_rep, **{**fields, **kwargs})


def _offer(pair: Pair, ask: Ask, *, by: Membership | None = None) -> Offer:
    return services.offer_make(
        actor_membership=by or pair.riverside_rep, ask=ask, text=" We can lend Sam. "
    )


def test_an_ask_to_everyone(pair):
    ask = _ask(pair)
    assert ask.what == "Cover for a nurse on Friday"
    assert ask.organisation == pair.oakwood
    assert ask.to_everyone
    assert not ask.addressed_to.exists()
    assert ask.status == AskStatus.OPEN
    (entry,) = _actions("ask.posted")
    assert entry.after == {"to": "everyone"}


def test_an_ask_to_chosen_organisations(pair):
    ask = _ask(pair, to_organisations=[pair.riverside.pk])
    assert not ask.to_everyone
    assert list(ask.addressed_to.values_list("pk", flat=True)) == [pair.riverside.pk]


def test_an_ask_goes_to_others_not_your_own_organisation(pair):
    with pytest.raises(ValidationError) as error:
        _ask(pair, to_organisations=[pair.oakwood.pk, pair.riverside.pk])
    assert set(error.value.message_dict) == {"to_organisations"}
    assert not Ask.objects.exists()


def test_an_ask_cannot_be_needed_in_the_past(pair):
    with pytest.raises(ValidationError) as error:
        _ask(pair, needed_by=_today() - dt.timedelta(days=1))
    assert set(error.value.message_dict) == {"needed_by"}


def test_an_ask_says_what_is_needed(pair):
    with pytest.raises(ValidationError) as error:
        _ask(pair, what="  ")
    assert set(error.value.message_dict) == {"what"}


def test_an_ask_is_made_by_someone_of_a_member_organisation(pair):
    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    for someone in (pair.convenor, observer):
        with pytest.raises(PermissionDenied):
            _ask(pair, by=someone)
    assert not Ask.objects.exists()


def test_another_organisation_offers_help(pair):
    ask = _ask(pair)
    offer = _offer(pair, ask)
    assert (offer.organisation, offer.text) == (pair.riverside, "We can lend Sam.")
    assert offer.offered_by == pair.riverside_rep.user
    assert len(_actions("offer.made")) == 1


def test_you_cannot_offer_help_on_your_own_organisations_ask(pair):
    ask = _ask(pair)
    colleague = MembershipFactory(
        collective=pair.collective, role=Role.MEMBER, organisation=pair.oakwood
    )
    with pytest.raises(ValidationError):
        _offer(pair, ask, by=colleague)
    assert not Offer.objects.exists()


def test_an_ask_addressed_to_others_takes_offers_only_from_them(pair):
    ask = _ask(pair, to_organisations=[pair.riverside.pk])
    with pytest.raises(PermissionDenied):
        _offer(pair, ask, by=pair.hillside_member)
    _offer(pair, ask)
    assert list(Offer.objects.values_list("organisation", flat=True)) == [pair.riverside.pk]


def test_an_offer_says_how(pair):
    with pytest.raises(ValidationError) as error:
        services.offer_make(actor_membership=pair.riverside_rep, ask=_ask(pair), text=" ")
    assert set(error.value.message_dict) == {"text"}


def test_the_asker_marks_the_ask_answered_and_thanks_the_helper(pair):
    ask = _ask(pair)
    offer = _offer(pair, ask)
    services.ask_answer(
        actor_membership=pair.oakwood_rep, ask=ask, offer=offer, thanks=" Thank you, Sam! "
    )
    ask.refresh_from_db()
    assert ask.status == AskStatus.ANSWERED
    assert ask.answered_at is not None
    assert ask.helped_by == offer
    assert ask.thanks == "Thank you, Sam!"
    (entry,) = _actions("ask.answered")
    assert entry.after == {"offer": offer.pk}


def test_only_the_askers_organisation_marks_it_answered(pair):
    ask = _ask(pair)
    for someone in (pair.riverside_rep, pair.hillside_member, pair.convenor):
        with pytest.raises(PermissionDenied):
            services.ask_answer(actor_membership=someone, ask=ask)
    assert Ask.objects.get().status == AskStatus.OPEN


def test_the_same_organisation_in_another_collective_cannot_answer_the_ask(pair, outsider):
    MemberOrganisationFactory(collective=outsider.collective, organisation=pair.oakwood)
    oakwood_elsewhere = MembershipFactory(
        collective=outsider.collective, role=Role.MEMBER, organisation=pair.oakwood
    )
    ask = _ask(pair)
    with pytest.raises(PermissionDenied):
        services.ask_answer(actor_membership=oakwood_elsewhere, ask=ask)
    assert Ask.objects.get().status == AskStatus.OPEN


def test_the_helper_is_an_offer_on_this_ask(pair):
    ask, other = _ask(pair), _ask(pair, what="Another thing")
    offer = _offer(pair, other)
    with pytest.raises(ValidationError) as error:
        services.ask_answer(actor_membership=pair.oakwood_rep, ask=ask, offer=offer)
    assert set(error.value.message_dict) == {"offer"}


def test_an_answered_ask_takes_no_more_offers_or_answers(pair):
    ask = _ask(pair)
    services.ask_answer(actor_membership=pair.oakwood_rep, ask=ask)
    with pytest.raises(ValidationError):
        _offer(pair, ask)
    with pytest.raises(ValidationError):
        services.ask_answer(actor_membership=pair.oakwood_rep, ask=ask)
    assert not Offer.objects.exists()


# Put it right ------------------------------------------------------------------------------


def _record(pair: Pair, *, by: Membership | None = None, **kwargs: Any) -> PutItRight:
    fields: dict[str, Any] = {
        "mistake": " We sent the rota late. ",
        "impact": "Riverside had to cover at short notice.",
        "will_do": "Send it a week ahead.",
        "apologises_to": [pair.riverside.pk],
    }
    return services.put_it_right_record(
        actor_membership=by or pair.oakwood_rep, **{**fields, **kwargs}
    )


def _decision(collective: Any, user: Any) -> Decision:
    proposal = Proposal.objects.create(collective=collective, title="Shared rota", author=user)
    return Decision.objects.create(
        proposal=proposal,
        collective=collective,
        title="Shared rota",
        final_text="One rota.",
        summary="One rota.",
    )


def test_an_organisation_records_that_it_got_something_wrong(pair):
    decision = _decision(pair.collective, pair.convenor.user)
    record = _record(pair, decision=decision)
    assert record.organisation == pair.oakwood
    assert record.mistake == "We sent the rota late."
    assert record.decision == decision
    assert list(record.apologises_to.values_list("pk", flat=True)) == [pair.riverside.pk]
    (entry,) = _actions("put_it_right.recorded")
    assert entry.after == {"apologises_to": [pair.riverside.pk]}


def test_a_record_names_every_missing_part(pair):
    with pytest.raises(ValidationError) as error:
        _record(pair, mistake=" ", impact="", will_do="", apologises_to=[])
    assert set(error.value.message_dict) == {"mistake", "impact", "will_do", "apologises_to"}
    assert not PutItRight.objects.exists()


def test_you_do_not_apologise_to_your_own_organisation(pair):
    with pytest.raises(ValidationError) as error:
        _record(pair, apologises_to=[pair.oakwood.pk, pair.riverside.pk])
    assert error.value.message_dict["apologises_to"] == ["Choose other organisations."]


def test_a_decision_of_another_collective_is_refused(pair, outsider):
    decision = _decision(outsider.collective, outsider.user)
    with pytest.raises(ValidationError) as error:
        _record(pair, decision=decision)
    assert set(error.value.message_dict) == {"decision"}
    assert not PutItRight.objects.exists()


def test_an_organisation_apologised_to_responds_and_may_change_its_response(pair):
    record = _record(pair)
    services.put_it_right_respond(
        actor_membership=pair.riverside_rep, record=record, text=" Thank you. "
    )
    services.put_it_right_respond(
        actor_membership=pair.riverside_rep, record=record, text="Thank you; it helped."
    )
    (response,) = PutItRightResponse.objects.all()
    assert (response.organisation, response.text) == (pair.riverside, "Thank you; it helped.")
    assert len(_actions("put_it_right.responded")) == 2


def test_only_organisations_apologised_to_may_respond(pair):
    record = _record(pair)
    for someone in (pair.oakwood_rep, pair.hillside_member, pair.convenor):
        with pytest.raises(PermissionDenied):
            services.put_it_right_respond(actor_membership=someone, record=record, text="Hm.")
    assert not PutItRightResponse.objects.exists()


# Another collective ------------------------------------------------------------------------


def test_another_collectives_convenor_cannot_touch_this_collectives_habits(pair, outsider):
    with pytest.raises(ValidationError) as error:
        _call(pair, by=outsider)
    assert "organisations" in error.value.message_dict
    with pytest.raises(ValidationError):
        _rhythm(pair, by=outsider)
    with pytest.raises(ValidationError):
        services.calendar_import(
            actor_membership=outsider,
            data=CALENDAR,
            filename="c.ics",
            matches={NURSE: pair.riverside.pk},
        )
    rhythm = _rhythm(pair)
    with pytest.raises(PermissionDenied):
        services.rhythm_end(actor_membership=outsider, rhythm=rhythm, ends_on=dt.date(2026, 6, 1))
    nudge = _nudge(pair)
    with pytest.raises(PermissionDenied):
        services.nudge_dismiss(actor_membership=outsider, nudge=nudge)
    with pytest.raises(PermissionDenied):
        services.nudge_snooze(actor_membership=outsider, nudge=nudge)
    ask = _ask(pair)
    with pytest.raises(PermissionDenied):
        services.offer_make(actor_membership=outsider, ask=ask, text="Help")
    with pytest.raises(PermissionDenied):
        services.ask_answer(actor_membership=outsider, ask=ask)
    record = _record(pair)
    with pytest.raises(PermissionDenied):
        services.put_it_right_respond(actor_membership=outsider, record=record, text="Hm.")
    assert Contact.objects.filter(collective=outsider.collective).count() == 0
    assert Rhythm.objects.get().ends_on is None
    assert Nudge.objects.get().dismissed_at is None
    assert not Offer.objects.exists()
    assert Ask.objects.get().status == AskStatus.OPEN
    assert not PutItRightResponse.objects.exists()


def test_someone_at_a_practice_of_another_collective_is_refused_too(pair):
    stranger = _other_practice_member(Role.REPRESENTATIVE)
    with pytest.raises(ValidationError):
        services.email_count_set(
            actor_membership=stranger,
            other_organisation=pair.oakwood.pk,
            week_of=_today(),
            count=3,
        )
    with pytest.raises(ValidationError):
        _ask(pair, by=stranger, to_organisations=[pair.oakwood.pk])
    ask, record = _ask(pair), _record(pair)
    with pytest.raises(PermissionDenied):
        _offer(pair, ask, by=stranger)
    with pytest.raises(PermissionDenied):
        services.ask_answer(actor_membership=stranger, ask=ask)
    with pytest.raises(PermissionDenied):
        services.put_it_right_respond(actor_membership=stranger, record=record, text="Hm.")
    with pytest.raises(ValidationError):
        _record(pair, by=stranger)
    assert not Contact.objects.exists()
    assert Ask.objects.count() == 1
    assert not Offer.objects.exists()
    assert PutItRight.objects.count() == 1
