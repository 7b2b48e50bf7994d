"""System meetings' pages as each role sees them: the list (upcoming first, searchable,
paged, with the spread-thin warning), a series, a meeting with its agenda, the conversations
beforehand (the leadership group only), the prep sheet, the outcome and its publication, the
exports; 403 for the wrong roles, 404 for another collective's, and the same queries for
three times the data."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from alliance.testing import page_queries, summary_list, table_rows
from golden_thread.models import Briefing
from system import services_meetings as services
from system.models import AgendaItem, MeetingSeries, PrepConversation, SystemMeeting
from system.tests.meetings_setup import LONDON, elsewhere, prepared, stakeholder

SOON = (
    (timezone.now() + dt.timedelta(days=3))
    .astimezone(LONDON)
    .replace(hour=10, minute=0, second=0, microsecond=0)
)


def _url(world, suffix=""):
    return f"/c/{world.collective.slug}/system/meetings/{suffix}"


def _text(response):
    return unescape(response.content.decode())


@pytest.fixture
def ready(world):
    return prepared(world, SOON)


def test_the_list_shows_upcoming_meetings_first_then_past_ones_latest_first(client, world):
    now = timezone.now()
    for name, days in (("Past B", -40), ("Later", 20), ("Past A", -10), ("Soon", 3)):
        services.series_create(
            actor_membership=world.convenor,
            name=name,
            organisation=world.icb.pk,
            starts_at=now + dt.timedelta(days=days),
        )
    client.force_login(world.member.user)
    page = _text(client.get(_url(world)))
    assert "4 meetings" in page
    assert [r[1] for r in table_rows(page, "meetings")[1:]] == ["Soon", "Later", "Past A", "Past B"]
    assert [r[-1] for r in table_rows(page, "meetings")[1:3]] == ["Upcoming", "Upcoming"]
    past = table_rows(_text(client.get(_url(world, "?when=past"))), "meetings")[1:]
    assert [r[1] for r in past] == ["Past A", "Past B"]
    found = _text(client.get(_url(world, "?q=past+a")))
    assert [r[1] for r in table_rows(found, "meetings")[1:]] == ["Past A"]
    assert "No system meeting matches your search." in _text(client.get(_url(world, "?q=zzz")))


def test_the_list_is_paged(client, world):
    services.series_create(
        actor_membership=world.convenor,
        name="Neighbourhood team",
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        starts_at=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(world.observer.user)
    page = _text(client.get(_url(world)))
    assert "52 meetings, showing 1 to 25" in page or "53 meetings, showing 1 to 25" in page
    assert "showing 26 to 50" in _text(client.get(_url(world, "?page=2")))


def test_an_empty_list_says_so_and_invites_the_leadership_group_to_add_one(client, world):
    client.force_login(world.cd.user)
    page = _text(client.get(_url(world)))
    assert "No system meeting is recorded yet. Add the first" in page
    client.force_login(world.member.user)
    page = _text(client.get(_url(world)))
    assert "No system meeting is recorded yet." in page and "Add a system meeting" not in page


def test_the_list_warns_when_the_voice_is_spread_thin(client, world):
    series = services.series_create(
        actor_membership=world.convenor,
        name="the place partnership",
        recurrence="FREQ=MONTHLY;BYDAY=1TH",
        starts_at=timezone.now() - dt.timedelta(days=200),
    )
    past = list(SystemMeeting.objects.filter(series=series, starts_at__lt=timezone.now()))
    leaders = [world.convenor, world.cd, world.federation_lead]
    for meeting, leader in zip(past, leaders, strict=False):
        services.meeting_update(
            actor_membership=world.cd, meeting=meeting, attendees=[leader.user_id]
        )
    client.force_login(world.observer.user)
    page = _text(client.get(_url(world)))
    assert (
        "3 different GP leaders attend the place partnership: the voice is spread thin. "
        "Agree one or two." in page
    )
    assert table_rows(page, "spread")[1:] == [["the place partnership", "3 Spread thin"]]
    assert "&lt;strong" not in page
    series_page = _text(client.get(_url(world, "series/")))
    assert "Spread thin" in series_page


def test_guests_are_refused_and_another_collectives_meeting_is_not_found(
    client, world, ready, outsider
):
    client.force_login(world.guest.user)
    for suffix in ("", "series/", f"{ready.meeting.pk}/", "meetings.csv"):
        assert client.get(_url(world, suffix)).status_code == 403, suffix
    other = elsewhere(outsider, world)
    client.force_login(other.convenor.user)
    base = f"/c/{other.collective.slug}/system/meetings/"
    item, talk = ready.items[0], ready.conversations[0]
    for suffix in (
        f"{ready.meeting.pk}/",
        f"{ready.meeting.pk}/prep-sheet/",
        f"{ready.meeting.pk}/edit/",
        f"series/{ready.series.pk}/",
        f"items/{item.pk}/edit/",
        f"items/{item.pk}/outcome/",
        f"conversations/{talk.pk}/edit/",
    ):
        assert client.get(base + suffix).status_code == 404, suffix
    assert client.post(base + f"conversations/{talk.pk}/done/", {"done": "true"}).status_code == 404
    assert not PrepConversation.objects.get(pk=talk.pk).done


@pytest.mark.parametrize("who", ["member", "observer"])
def test_members_and_observers_see_items_positions_and_outcomes_but_no_conversations(
    client, world, ready, who
):
    services.outcome_record(
        actor_membership=world.cd, item=ready.items[1], outcome="Hubs will pay the local rate."
    )
    client.force_login(getattr(world, who).user)
    page = _text(client.get(_url(world, f"{ready.meeting.pk}/")))
    assert "1. Phlebotomy in the community" in page and "2. Winter plan" in page
    assert "Practices cannot take on more phlebotomy without funding." in page
    assert "Hubs will pay the local rate." in page
    assert "One phlebotomy rota" in page  # the linked decision
    for secret in ("Dana Strategy", "Nia Nurse", "Conversations before the meeting", "prep sheet"):
        assert secret not in page, secret
    assert "Add an agenda item" not in page
    assert client.get(_url(world, f"{ready.meeting.pk}/prep-sheet/")).status_code == 403
    assert client.get(_url(world, f"items/{ready.items[0].pk}/edit/")).status_code == 403
    talk = ready.conversations[0]
    assert client.get(_url(world, f"conversations/{talk.pk}/edit/")).status_code == 403
    assert client.post(_url(world, f"conversations/{talk.pk}/done/")).status_code == 403


def test_the_leadership_group_sees_the_conversations_and_marks_one_done(client, world, ready):
    client.force_login(world.federation_lead.user)
    page = _text(client.get(_url(world, f"{ready.meeting.pk}/")))
    assert summary_list(page)["GP leaders attending"] == "Clare Director"
    rows = table_rows(page)
    assert rows[1][:4] == [
        "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)",
        "Clare Director",
        "With us",
        "Not done",
    ]
    assert "1 conversation planned before the meeting is not done yet." in page
    talk = ready.conversations[0]
    done = client.post(_url(world, f"conversations/{talk.pk}/done/"), {"done": "true"})
    assert done.status_code == 302 and done["Location"].endswith(f"#item-{ready.items[0].pk}")
    assert PrepConversation.objects.get(pk=talk.pk).done
    assert "is done." in _text(client.get(done["Location"].split("#")[0]))


def test_a_gp_leader_plans_a_conversation_through_the_form(client, world, ready):
    client.force_login(world.cd.user)
    url = _url(world, f"items/{ready.items[1].pk}/conversations/new/")
    refused = _text(client.post(url, {"stance": "neutral"}))
    assert "Choose the stakeholder to talk to." in refused
    client.post(
        url,
        {"stakeholder": ready.nurse.pk, "by": world.cd.user_id, "stance": "neutral"},
    )
    (made,) = PrepConversation.objects.filter(item=ready.items[1])
    assert (made.stakeholder, made.by, made.stance) == (ready.nurse, world.cd.user, "neutral")


def test_an_erased_stakeholder_shows_without_their_name(client, world, ready):
    PrepConversation.objects.filter(stakeholder=ready.director).update(stakeholder=None)
    client.force_login(world.cd.user)
    for suffix in (f"{ready.meeting.pk}/", f"{ready.meeting.pk}/prep-sheet/"):
        page = _text(client.get(_url(world, suffix)))
        assert "a stakeholder (details erased)" in page and "Dana Strategy" not in page


def test_a_series_is_added_through_the_form_and_errors_name_the_field(client, world):
    client.force_login(world.cd.user)
    url = _url(world, "series/new/")
    refused = _text(
        client.post(
            url,
            {"name": "", "repeats": "every_n_weeks", "first_date": "2026-03-05"},
        )
    )
    assert "Enter the meeting's name." in refused
    assert "Say every how many weeks it meets: a number from 2 to 52." in refused
    assert "Enter the time the meeting starts." in refused
    found = _text(client.get(url + "?find=Wight+Council"))
    assert "Isle of Wight Council" in found
    done = client.post(
        url + "?find=Wight+Council",
        {
            "name": "Place partnership",
            "organisation": world.council.pk,
            "repeats": "monthly_nth_weekday",
            "first_date": "2026-03-05",
            "first_time": "10:00",
            "place": "County Hall",
        },
    )
    series = MeetingSeries.objects.get()
    assert done.status_code == 302 and done["Location"] == _url(world, f"series/{series.pk}/")
    assert series.recurrence == "FREQ=MONTHLY;BYDAY=1TH" and series.organisation == world.council
    page = _text(client.get(done["Location"]))
    assert summary_list(page)["How often"] == "Every month, on the first Thursday"
    assert "13 meetings" in page


def test_a_meeting_is_only_for_leaders_to_change(client, world, ready):
    client.force_login(world.representatives[0].user)
    for suffix in (
        "series/new/",
        f"series/{ready.series.pk}/edit/",
        f"{ready.meeting.pk}/attendees/",
        f"{ready.meeting.pk}/items/new/",
        f"items/{ready.items[0].pk}/delete/",
    ):
        assert client.get(_url(world, suffix)).status_code == 403, suffix


def test_an_item_is_deleted_only_after_confirming(client, world, ready):
    client.force_login(world.cd.user)
    url = _url(world, f"items/{ready.items[1].pk}/delete/")
    confirm = _text(client.get(url))
    assert "Take Winter plan off the agenda?" in confirm and "This cannot be undone." in confirm
    assert AgendaItem.objects.filter(pk=ready.items[1].pk).exists()
    client.post(url)
    assert not AgendaItem.objects.filter(pk=ready.items[1].pk).exists()


def test_items_move_up_and_down_the_agenda(client, world, ready):
    client.force_login(world.cd.user)
    client.post(_url(world, f"items/{ready.items[1].pk}/move/"), {"direction": "up"})
    page = _text(client.get(_url(world, f"{ready.meeting.pk}/")))
    assert page.index("1. Winter plan") < page.index("2. Phlebotomy in the community")
    assert (
        client.post(_url(world, f"items/{ready.items[1].pk}/move/"), {"direction": "x"}).status_code
        == 404
    )


def test_the_outcome_is_recorded_and_published_through_the_pages(client, world, ready):
    item = ready.items[0]
    client.force_login(world.cd.user)
    refused = _text(client.post(_url(world, f"items/{item.pk}/outcome/"), {"outcome": " "}))
    assert "Enter what came of the item at the meeting." in refused
    client.post(
        _url(world, f"items/{item.pk}/outcome/"),
        {"outcome": "The trust will run clinics after 1pm from April."},
    )
    publish = _url(world, f"items/{item.pk}/publish/")
    form = _text(client.get(publish))
    assert "Place partnership: Phlebotomy in the community" in form
    hard = (
        "Notwithstanding considerable organisational interdependencies, the commissioning "
        "architecture necessitates comprehensive reconfiguration of intermediate provision."
    )
    asked = _text(client.post(publish, {"summary": hard, "meaning": hard}))
    assert "Publish it as it is, although it reads hard" in asked
    assert not Briefing.objects.exists()
    done = client.post(
        publish,
        {
            "summary": "The trust will run clinics after 1pm from April.",
            "meaning": "You can book patients into the afternoon clinics.",
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.briefing.title == "Place partnership: Phlebotomy in the community"
    page = _text(client.get(_url(world, f"{ready.meeting.pk}/")))
    assert "Published to practices" in page
    assert "The outcome as practices received it" in page


def test_the_prep_sheet_has_a_print_page_per_item(client, world, ready):
    client.force_login(world.cd.user)
    page = _text(client.get(_url(world, f"{ready.meeting.pk}/prep-sheet/")))
    assert page.count('class="app-prep-item"') == 2
    assert "/static/css/print-prep.css" in page
    assert "The practices share one phlebotomy rota." in page  # the decision's summary
    assert "Nia Nurse, Chief Nurse (Isle of Wight Community Services)" in page
    assert "Against" in page


def test_the_export_holds_the_conversations_only_for_the_leadership_group(client, world, ready):
    client.force_login(world.cd.user)
    leaders = client.get(_url(world, "meetings.csv")).content.decode("utf-8-sig")
    assert "Conversations beforehand" in leaders.splitlines()[0]
    assert "Dana Strategy, Director of Strategy" in leaders and "with_us" not in leaders
    client.force_login(world.member.user)
    members = client.get(_url(world, "meetings.csv")).content.decode("utf-8-sig")
    assert "Conversations beforehand" not in members
    assert "Dana" not in members and "Nia" not in members
    assert "Phlebotomy in the community" in members and "Winter plan" in members
    xlsx = client.get(_url(world, "meetings.xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _grow(world, meeting, n_items, n_talks):
    """More items (with conversations) on the meeting and more meetings in the list."""
    extra = services.series_create(
        actor_membership=world.convenor,
        name="ICB board",
        recurrence="FREQ=WEEKLY;BYDAY=WE",
        starts_at=SOON - dt.timedelta(days=7 * n_items),
    )
    for n in range(n_items):
        item = services.item_add(actor_membership=world.cd, meeting=meeting, title=f"Item {n}")
        for m in range(n_talks):
            who = stakeholder(world, f"Person {n} {m}", world.acute_trust)
            services.conversation_add(
                actor_membership=world.cd, item=item, stakeholder=who.pk, by=world.cd.user_id
            )
    for found in SystemMeeting.objects.filter(series=extra):
        found.attendees.add(world.cd.user, world.convenor.user)
    return meeting


PAGES = ("", "series/", "{m}/", "{m}/prep-sheet/", "series/{s}/", "meetings.csv")


@pytest.mark.parametrize("suffix", PAGES)
def test_each_page_costs_the_same_queries_for_three_times_the_data(client, world, outsider, suffix):
    small = prepared(world, SOON)
    _grow(world, small.meeting, 2, 1)
    client.force_login(world.cd.user)
    small_count = page_queries(
        client, _url(world, suffix.format(m=small.meeting.pk, s=small.series.pk))
    )
    other = elsewhere(outsider, world)
    large = prepared(other, SOON)
    _grow(other, large.meeting, 6, 3)
    client.force_login(other.cd.user)
    large_count = page_queries(
        client, _url(other, suffix.format(m=large.meeting.pk, s=large.series.pk))
    )
    assert large_count == small_count


def test_a_series_is_changed_and_a_rule_set_through_the_api_is_kept(client, world, ready):
    client.force_login(world.cd.user)
    url = _url(world, f"series/{ready.series.pk}/edit/")
    refused = _text(client.post(url, {"name": "Place board", "repeats": "weekly"}))
    assert "Choose the day of the week it meets on." in refused
    client.post(
        url,
        {"name": "Place board", "repeats": "every_n_weeks", "every": "3", "weekday": "TU"},
    )
    series = MeetingSeries.objects.get(pk=ready.series.pk)
    assert (series.name, series.recurrence) == ("Place board", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU")
    services.series_update(
        actor_membership=world.cd, series=series, recurrence="FREQ=MONTHLY;BYMONTHDAY=15"
    )
    form = _text(client.get(url))
    assert "As it is now: Every month" in form
    client.post(url, {"name": "Place board", "repeats": "keep"})
    assert MeetingSeries.objects.get(pk=series.pk).recurrence == "FREQ=MONTHLY;BYMONTHDAY=15"


def test_a_one_off_series_gets_another_meeting_through_the_schedule_page(client, world, ready):
    client.force_login(world.cd.user)
    url = _url(world, f"series/{ready.series.pk}/schedule/")
    assert "Add a meeting of Place partnership" in _text(client.get(url))
    later = (SOON + dt.timedelta(days=28)).date().isoformat()
    done = client.post(url, {"first_date": later, "first_time": "14:00", "place": "Online"})
    assert done.status_code == 302
    assert SystemMeeting.objects.filter(series=ready.series).count() == 2
