"""Contact log, e-mail counts, calendar import, rhythms and the feed: what people see,
with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory, page_queries
from collectives.models import Role
from directory.models import Person
from relationships import ics, services
from relationships.models import CalendarFeed, Contact, Rhythm, Source
from relationships.tests.calendars import weekly_calendar
from relationships.views.contacts import IMPORT_SESSION_KEY

FIXTURES = Path(__file__).parent / "fixtures" / "ics"


def _base(collective):
    return f"/c/{collective.slug}/relationships"


def _log(membership, organisations, *, mode="video", days_ago=1, note="", minutes=None):
    return services.contact_add(
        actor_membership=membership,
        organisations=organisations,
        mode=mode,
        happened_at=timezone.now() - dt.timedelta(days=days_ago),
        duration_minutes=minutes,
        note=note,
    )


# Quick add ----------------------------------------------------------------------------------


def test_the_quick_add_defaults_to_today_and_the_last_partner_and_mode(client, pair):
    _log(pair.oakwood_rep, [pair.oakwood.pk, pair.hillside.pk], mode="video", days_ago=5)
    _log(pair.oakwood_rep, pair.both, mode="phone", days_ago=3)
    client.force_login(pair.oakwood_rep.user)
    page = client.get(f"{_base(pair.collective)}/contacts/").content.decode()
    assert re.search(rf'<option value="{pair.riverside.pk}" selected>Riverside Practice', page)
    assert 'value="phone" checked' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    # Its own organisation is not offered as the other one.
    assert f'<option value="{pair.oakwood.pk}"' not in page.split('id="filter-organisation"')[0]


def test_a_contact_logs_in_seconds_with_defaults_and_goes_to_the_list(client, pair):
    client.force_login(pair.oakwood_rep.user)
    response = client.post(
        f"{_base(pair.collective)}/contacts/add/",
        {
            "organisation": pair.riverside.pk,
            "mode": "in_person",
            "happened_on": timezone.localdate().isoformat(),
            "duration_minutes": "45",
            "note": "Talked about the rota.",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)
    assert contact.mode == "in_person" and contact.duration_minutes == 45
    page = client.get(response["Location"]).content.decode()
    assert "The contact is logged." in page and "Talked about the rota." in page


def test_quick_add_errors_name_the_fields(client, pair):
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/add/"
    page = client.post(url, {"duration_minutes": "5000"}).content.decode()
    assert "There is a problem" in page
    assert "Choose the other organisation in the contact." in page
    assert "Choose how you were in contact" in page
    assert "Enter the date of the contact." in page
    assert "Give the length in minutes, between 1 and 1,440." in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(
        url, {"organisation": pair.riverside.pk, "mode": "phone", "happened_on": tomorrow}
    ).content.decode()
    assert "The date of the contact cannot be in the future." in page
    assert not Contact.objects.exists()


def test_a_convenor_without_an_organisation_names_both_organisations(client, pair):
    client.force_login(pair.convenor.user)
    url = f"{_base(pair.collective)}/contacts/add/"
    page = client.post(
        url,
        {"organisation": pair.oakwood.pk, "mode": "phone", "happened_on": "2025-01-06"},
    ).content.decode()
    assert "A contact is between at least two organisations." in page
    client.post(
        url,
        {
            "organisation": pair.oakwood.pk,
            "also": [pair.riverside.pk],
            "mode": "phone",
            "happened_on": "2025-01-06",
        },
    )
    contact = Contact.objects.get()
    assert set(contact.organisations.values_list("pk", flat=True)) == set(pair.both)


# Notes ----------------------------------------------------------------------------------------


def test_a_note_is_shown_only_to_the_people_in_the_contact(client, pair):
    contact = _log(pair.oakwood_rep, pair.both, note="Worried about the merger.")
    colleague = MembershipFactory(
        collective=pair.collective, role=Role.MEMBER, organisation=pair.oakwood
    )
    base = _base(pair.collective)
    client.force_login(pair.oakwood_rep.user)
    assert "Worried about the merger." in client.get(f"{base}/contacts/").content.decode()
    assert (
        "Worried about the merger." in client.get(f"{base}/contacts/{contact.pk}/").content.decode()
    )
    for someone in (colleague, pair.riverside_rep, pair.convenor):
        client.force_login(someone.user)
        listing = client.get(f"{base}/contacts/").content.decode()
        detail = client.get(f"{base}/contacts/{contact.pk}/").content.decode()
        assert "Riverside Practice" in listing and "Oakwood Surgery" in detail
        assert "Worried about the merger." not in listing
        assert "Worried about the merger." not in detail


def test_a_contact_not_involving_your_organisation_is_not_yours_to_see(client, pair):
    contact = _log(pair.oakwood_rep, pair.both)
    client.force_login(pair.hillside_member.user)
    base = _base(pair.collective)
    assert client.get(f"{base}/contacts/{contact.pk}/").status_code == 404
    assert "No contacts logged yet." in client.get(f"{base}/contacts/").content.decode()


# Filters and pagination -------------------------------------------------------------------


def test_the_list_filters_by_organisation_and_mode_and_pages_by_25(client, pair):
    for day in range(30):
        _log(pair.oakwood_rep, pair.both, mode="video", days_ago=day + 1)
    for day in range(3):
        _log(pair.oakwood_rep, [pair.oakwood.pk, pair.hillside.pk], mode="phone", days_ago=day)
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/"
    first = client.get(url).content.decode()
    assert "33 contacts, showing 1 to 25" in first and "Page 2 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "showing 26 to 33" in second
    by_org = client.get(url, {"organisation": pair.hillside.pk}).content.decode()
    assert "3 contacts" in by_org and "Video call" not in by_org.split("<table")[1]
    by_mode = client.get(url, {"mode": "video", "organisation": pair.riverside.pk})
    text = by_mode.content.decode()
    assert "30 contacts" in text and "mode=video" in text  # the filter is kept when paging
    none = client.get(url, {"mode": "in_person"}).content.decode()
    assert "No contacts match." in none


# Weekly e-mail counts --------------------------------------------------------------------


def test_the_weeks_email_counts_replace_the_ones_given_before(client, pair):
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/emails/"
    page = client.get(url).content.decode()
    assert "Riverside Practice" in page and "Hillside" in page
    assert client.post(url, {f"org_{pair.riverside.pk}": "9"}).status_code == 302
    response = client.post(
        url, {f"org_{pair.riverside.pk}": "4", f"org_{pair.hillside.pk}": "2"}, follow=True
    )
    page = response.content.decode()
    counts = Contact.objects.filter(source=Source.WEEKLY_COUNT)
    assert sorted(counts.values_list("count", flat=True)) == [2, 4]
    assert "Riverside Practice: 4 e-mails" in page and "Hillside: 2 e-mails" in page
    page = client.post(url, {f"org_{pair.riverside.pk}": "-1"}).content.decode()
    assert "Give the e-mails exchanged with Riverside Practice, between 0 and 1,000." in page


# Calendar import --------------------------------------------------------------------------


def _upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), "text/calendar")


@pytest.fixture
def cleared_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_calendar_is_imported_and_an_unknown_address_matched_then_imported(
    client, pair, cleared_cache
):
    Person.objects.create(
        name="Sam Okafor", organisation=pair.riverside, email="sam.okafor@nhs.net"
    )
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/import/"
    response = client.post(url, {"action": "upload", "file": _upload("outlook.ics")}, follow=True)
    page = response.content.decode()
    assert "2 meetings logged" in page
    assert Contact.objects.filter(source=Source.CALENDAR).count() == 2
    assert "Meetings with only one organisation (2)" in page
    assert "Call with ICB finance" in page
    assert "finance.team@example.org" in page and "priya.shah@example.org" in page
    assert 'value="Finance Team"' in page  # the name is prefilled from the address

    state = cache.get(client.session[IMPORT_SESSION_KEY])
    index = state["unmatched"].index("finance.team@example.org")
    response = client.post(
        url,
        {
            "action": "match",
            "index": index,
            f"match-{index}-organisation": pair.hillside.pk,
            f"match-{index}-name": "ICB finance team",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "finance.team@example.org is matched. 1 meeting logged." in page
    person = Person.objects.get(email="finance.team@example.org")
    assert person.organisation == pair.hillside and person.name == "ICB finance team"
    assert person.owner == pair.collective  # the collective's own record, not shared data
    assert Contact.objects.filter(source=Source.CALENDAR).count() == 3
    assert "Already logged (2)" in page
    call = Contact.objects.get(mode="phone")
    assert set(call.organisations.values_list("pk", flat=True)) == {
        pair.oakwood.pk,
        pair.hillside.pk,
    }


def test_it_logs_each_time_a_weekly_meeting_met_once_and_says_how_many(client, pair, cleared_cache):
    # Made relative to now: the page imports at the real time.
    data = weekly_calendar(
        title="Weekly PCN call",
        first=timezone.now() - dt.timedelta(weeks=12) + dt.timedelta(hours=1),
        organiser=pair.oakwood_rep.user.email,
        attendees=[pair.riverside_rep.user.email],
    )
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/import/"
    weekly = SimpleUploadedFile("weekly.ics", data, "text/calendar")
    page = client.post(url, {"action": "upload", "file": weekly}, follow=True).content.decode()
    assert "12 meetings logged" in page
    assert "Repeating meetings (1)" in page
    assert "Weekly PCN call: 12 occurrences" in page
    assert "a year ago, up to now" in page
    assert Contact.objects.filter(source=Source.CALENDAR).count() == 12

    weekly = SimpleUploadedFile("weekly.ics", data, "text/calendar")
    page = client.post(url, {"action": "upload", "file": weekly}, follow=True).content.decode()
    assert "0 meetings logged" in page and "Already logged (12)" in page
    assert Contact.objects.filter(source=Source.CALENDAR).count() == 12


def test_a_match_needs_an_organisation(client, pair, cleared_cache):
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/import/"
    client.post(url, {"action": "upload", "file": _upload("outlook.ics")})
    response = client.post(url, {"action": "match", "index": 0, "match-0-name": "Someone"})
    assert response.status_code == 400
    assert "Choose the organisation this person works for." in response.content.decode()


def test_a_broken_file_shows_why_and_stores_nothing(client, pair, cleared_cache):
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/contacts/import/"
    response = client.post(url, {"action": "upload", "file": _upload("truncated.ics")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "stops part-way through" in page
    assert not Contact.objects.exists()
    assert IMPORT_SESSION_KEY not in client.session


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(client, pair, cleared_cache):
    client.force_login(pair.oakwood_rep.user)
    big = SimpleUploadedFile("big.ics", b"x" * (ics.MAX_BYTES + 1), "text/calendar")
    response = client.post(
        f"{_base(pair.collective)}/contacts/import/", {"action": "upload", "file": big}
    )
    assert "the largest file we read is 5 MB" in response.content.decode()
    assert not Contact.objects.exists() and IMPORT_SESSION_KEY not in client.session


def test_it_refuses_a_file_over_the_upload_memory_limit_with_the_same_clear_message(
    client, pair, cleared_cache, settings
):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE (10 MB) Django keeps the upload in a temporary file;
    # the page still names its size and the limit, and reads none of it.
    client.force_login(pair.oakwood_rep.user)
    size = settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    big = SimpleUploadedFile("year.ics", b"BEGIN:VCALENDAR\r\n".ljust(size, b"x"), "text/calendar")
    response = client.post(
        f"{_base(pair.collective)}/contacts/import/", {"action": "upload", "file": big}
    )
    assert response.status_code == 400
    assert (
        "The calendar file is 11.0 MB; the largest file we read is 5 MB. Export a shorter "
        "date range." in response.content.decode()
    )
    assert not Contact.objects.exists() and IMPORT_SESSION_KEY not in client.session


def test_it_says_a_picture_uploaded_by_mistake_is_not_a_calendar_file(client, pair, cleared_cache):
    client.force_login(pair.oakwood_rep.user)
    picture = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    response = client.post(
        f"{_base(pair.collective)}/contacts/import/",
        {"action": "upload", "file": SimpleUploadedFile("calendar.ics", picture, "image/png")},
    )
    assert response.status_code == 400
    assert (
        "calendar.ics is not in a text encoding we can read (UTF-8 expected)."
        in response.content.decode()
    )
    assert not Contact.objects.exists() and IMPORT_SESSION_KEY not in client.session


# Rhythms ------------------------------------------------------------------------------------


def _monday(weeks_ago):
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7 * weeks_ago)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def test_the_rhythms_list_shows_each_period_kept_or_missed(client, pair):
    rhythm = services.rhythm_agree(
        actor_membership=pair.oakwood_rep,
        name="Weekly call",
        scope="pair",
        organisations=pair.both,
        modes=["video", "phone"],
        period="weekly",
        starts_on=_monday(3),
    )
    services.contact_add(
        actor_membership=pair.oakwood_rep,
        organisations=pair.both,
        mode="video",
        happened_at=_at(_monday(2) + dt.timedelta(days=2)),
    )
    client.force_login(pair.riverside_rep.user)
    base = _base(pair.collective)
    page = client.get(f"{base}/rhythms/").content.decode()
    assert "Weekly call" in page and "1 kept, 2 missed" in page
    assert "Kept" in page and "Missed" in page
    detail = client.get(f"{base}/rhythms/{rhythm.pk}/").content.decode()
    assert f"Week of {_monday(2).day} {_monday(2):%b %Y}" in detail and "Open" in detail


def test_a_pair_rhythm_is_agreed_with_errors_named_then_ended(client, pair):
    client.force_login(pair.oakwood_rep.user)
    base = _base(pair.collective)
    page = client.post(f"{base}/rhythms/new/", {"scope": "pair"}).content.decode()
    assert "Name the rhythm" in page and "Choose the other organisation for a pair." in page
    assert "Choose how you keep it" in page and "Choose how often" in page
    response = client.post(
        f"{base}/rhythms/new/",
        {
            "name": "Monthly face-to-face",
            "scope": "pair",
            "organisation": pair.riverside.pk,
            "modes": ["in_person"],
            "period": "monthly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    rhythm = Rhythm.objects.get()
    assert response["Location"].endswith(f"/rhythms/{rhythm.pk}/")
    assert set(rhythm.organisations.values_list("pk", flat=True)) == set(pair.both)
    end = f"{base}/rhythms/{rhythm.pk}/end/"
    assert "End “Monthly face-to-face”?" in client.get(end).content.decode()
    client.post(end, {"ends_on": timezone.localdate().isoformat()})
    rhythm.refresh_from_db()
    assert rhythm.ends_on == timezone.localdate()


def test_a_leadership_rhythm_takes_the_leadership_organisations(client, pair):
    pair.collective.members.filter(organisation__in=pair.both).update(is_leadership=True)
    client.force_login(pair.convenor.user)
    client.post(
        f"{_base(pair.collective)}/rhythms/new/",
        {
            "name": "Leadership meeting",
            "scope": "leadership",
            "modes": ["video"],
            "period": "monthly",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    rhythm = Rhythm.objects.get()
    assert set(rhythm.organisations.values_list("pk", flat=True)) == set(pair.both)


# The calendar feed ----------------------------------------------------------------------------


def test_the_feed_link_is_shown_once_and_can_be_revoked(client, pair, settings):
    settings.SITE_URL = "https://alliance.example.org"
    client.force_login(pair.oakwood_rep.user)
    url = f"{_base(pair.collective)}/rhythms/feed/"
    assert "Make my calendar feed" in client.get(url).content.decode()
    page = client.post(url, {"action": "create"}).content.decode()
    link = re.search(r"https://alliance\.example\.org/feeds/[\w-]+\.ics", page)
    assert link is not None
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1
    again = client.get(url).content.decode()
    assert link.group(0) not in again and "Make a new link" in again
    assert "Revoke your calendar feed?" in client.get(url, {"revoke": "1"}).content.decode()
    response = client.post(url, {"action": "revoke"}, follow=True)
    assert "Your calendar feed is revoked" in response.content.decode()
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


# Queries and access -----------------------------------------------------------------------


def _collective(practices, contacts, rhythms):
    convenor = MembershipFactory(role=Role.CONVENOR)
    collective = convenor.collective
    orgs = [MemberOrganisationFactory(collective=collective).organisation for _ in range(practices)]
    rep = MembershipFactory(collective=collective, role=Role.REPRESENTATIVE, organisation=orgs[0])
    first = None
    for i in range(contacts):
        contact = _log(
            rep,
            [orgs[0].pk, orgs[1 + i % (practices - 1)].pk],
            mode=("video", "phone", "email")[i % 3],
            days_ago=i,
            note=f"Note {i}",
            minutes=30,
        )
        first = first or contact
    rhythm = None
    for j in range(rhythms):
        rhythm = services.rhythm_agree(
            actor_membership=rep,
            name=f"Rhythm {j}",
            scope="pair",
            organisations=[orgs[0].pk, orgs[1 + j % (practices - 1)].pk],
            modes=["video"],
            period=("weekly", "fortnightly", "monthly")[j % 3],
            starts_on=timezone.localdate() - dt.timedelta(days=90),
        )
    services.email_count_set(
        actor_membership=rep,
        other_organisation=orgs[1].pk,
        week_of=timezone.localdate(),
        count=3,
    )
    services.calendar_feed_create(actor_membership=rep)
    return rep, first, rhythm


def _urls(rep, contact, rhythm):
    base = _base(rep.collective)
    return [
        f"{base}/contacts/",
        f"{base}/contacts/?page=2",
        f"{base}/contacts/?mode=video&organisation={rep.organisation_id}",
        f"{base}/contacts/add/",
        f"{base}/contacts/{contact.pk}/",
        f"{base}/contacts/emails/",
        f"{base}/contacts/import/",
        f"{base}/rhythms/",
        f"{base}/rhythms/new/",
        f"{base}/rhythms/{rhythm.pk}/",
        f"{base}/rhythms/{rhythm.pk}/end/",
        f"{base}/rhythms/feed/",
        f"{base}/rhythms/feed/?revoke=1",
    ]


def test_every_page_runs_the_same_queries_for_a_small_and_a_larger_collective(
    client, db, django_assert_max_num_queries
):
    small = _collective(practices=3, contacts=27, rhythms=1)
    large = _collective(practices=9, contacts=60, rhythms=6)
    client.force_login(small[0].user)
    small_counts = [page_queries(client, url) for url in _urls(*small)]
    client.force_login(large[0].user)
    large_counts = [page_queries(client, url) for url in _urls(*large)]
    assert small_counts == large_counts
    for url in _urls(*large):
        with django_assert_max_num_queries(25):
            client.get(url)


def test_an_outsider_gets_404_on_every_page(client, pair, outsider):
    contact = _log(pair.oakwood_rep, pair.both)
    rhythm = services.rhythm_agree(
        actor_membership=pair.oakwood_rep,
        name="Weekly call",
        scope="pair",
        organisations=pair.both,
        modes=["video"],
        period="weekly",
        starts_on=timezone.localdate(),
    )
    client.force_login(outsider.user)
    for url in _urls(pair.oakwood_rep, contact, rhythm):
        assert client.get(url).status_code == 404, url
    # Their own collective's URL with A's objects finds nothing either.
    own = _base(outsider.collective)
    assert client.get(f"{own}/contacts/{contact.pk}/").status_code == 404
    assert client.get(f"{own}/rhythms/{rhythm.pk}/").status_code == 404
    assert client.get(f"{own}/rhythms/{rhythm.pk}/end/").status_code == 404


# People in a contact ------------------------------------------------------------------------


def _sam(pair):
    return MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.riverside,
        user__full_name="Sam Okafor",
        user__email="sam.okafor@riverside.example.org",
    )


def test_the_quick_add_offers_the_members_of_the_member_organisations_by_organisation(client, pair):
    sam = _sam(pair)
    MembershipFactory(
        collective=pair.collective,
        role=Role.MEMBER,
        organisation=pair.riverside,
        user__full_name="Gone Away",
        user__is_active=False,
    )
    MembershipFactory(collective=pair.collective, role=Role.GUEST, user__full_name="Gail Guest")
    client.force_login(pair.oakwood_rep.user)
    page = client.get(f"{_base(pair.collective)}/contacts/add/").content.decode()
    assert "Add the people who were in it" in page and "People in it (optional)" in page
    assert f'value="{sam.user_id}"' in page
    assert "Sam Okafor, Riverside Practice" in page
    assert "Ravi Riverside, Riverside Practice" in page
    assert "Hana Hillside, Hillside" in page
    # Not the person themself, nor someone inactive, nor a guest with no organisation.
    assert "Olivia Oakwood," not in page
    assert "Gone Away" not in page and "Gail Guest" not in page
    # Collapsed until someone is chosen.
    assert re.search(r'<details class="nhsuk-details">\s*<summary[^>]*><span[^>]*>Add the', page)


def test_the_people_named_in_a_contact_see_its_note_and_a_colleague_not_named_does_not(
    client, pair
):
    sam = _sam(pair)
    base = _base(pair.collective)
    client.force_login(pair.oakwood_rep.user)
    response = client.post(
        f"{base}/contacts/add/",
        {
            "organisation": pair.riverside.pk,
            "mode": "phone",
            "happened_on": timezone.localdate().isoformat(),
            "people": [sam.user_id],
            "note": "Sam will cover the Friday clinic.",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert set(contact.participants.values_list("user_id", flat=True)) == {
        pair.oakwood_rep.user_id,
        sam.user_id,
    }
    client.force_login(sam.user)
    assert "Sam will cover the Friday clinic." in client.get(f"{base}/contacts/").content.decode()
    detail = client.get(f"{base}/contacts/{contact.pk}/").content.decode()
    assert "Sam will cover the Friday clinic." in detail
    assert "Olivia Oakwood, Sam Okafor" in detail
    # Ravi works for Riverside too but was not in the call: he sees who was, not the note.
    client.force_login(pair.riverside_rep.user)
    listing = client.get(f"{base}/contacts/").content.decode()
    detail = client.get(f"{base}/contacts/{contact.pk}/").content.decode()
    assert "Sam will cover the Friday clinic." not in listing
    assert "Sam will cover the Friday clinic." not in detail
    assert "Olivia Oakwood, Sam Okafor" in detail


def test_a_person_whose_organisation_is_not_in_the_contact_is_refused(client, pair):
    sam = _sam(pair)
    client.force_login(pair.oakwood_rep.user)
    page = client.post(
        f"{_base(pair.collective)}/contacts/add/",
        {
            "organisation": pair.hillside.pk,
            "mode": "phone",
            "happened_on": timezone.localdate().isoformat(),
            "people": [sam.user_id, pair.hillside_member.user_id],
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "Sam Okafor works for Riverside Practice, which is not in this contact." in page
    assert "Hana Hillside works for" not in page
    # The choice is kept and the details are open so the error can be seen.
    assert '<details class="nhsuk-details" open>' in page
    assert re.search(rf'value="{sam.user_id}" checked', page)
    assert not Contact.objects.exists()
    # Someone not offered (not a member of the collective) is refused too.
    page = client.post(
        f"{_base(pair.collective)}/contacts/add/",
        {
            "organisation": pair.riverside.pk,
            "mode": "phone",
            "happened_on": timezone.localdate().isoformat(),
            "people": [pair.convenor.user_id + 1000],
        },
    ).content.decode()
    assert "Choose the people from the list." in page
    assert not Contact.objects.exists()


def test_the_quick_add_reads_the_people_in_one_query_however_many_members(client, pair):
    url = f"{_base(pair.collective)}/contacts/add/"
    client.force_login(pair.oakwood_rep.user)
    small = page_queries(client, url)
    for organisation in (pair.oakwood, pair.riverside, pair.hillside):
        for _ in range(6):
            MembershipFactory(
                collective=pair.collective, role=Role.MEMBER, organisation=organisation
            )
    page = client.get(url).content.decode()
    assert page.count('name="people"') == 2 + 18  # Ravi, Hana and the 18 new members
    assert page_queries(client, url) == small
