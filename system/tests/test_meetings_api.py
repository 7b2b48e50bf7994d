"""The system meetings API: the same rules as the pages (an API client cannot do what the
person could not); the conversations beforehand are null for anyone outside the leadership
group; another collective's objects are not found; the same queries for three times the
data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from system.models import AgendaItem, MeetingSeries, PrepConversation, SystemMeeting
from system.tests.meetings_setup import LONDON, elsewhere, prepared, stakeholder

SOON = (
    (timezone.now() + dt.timedelta(days=3))
    .astimezone(LONDON)
    .replace(hour=10, minute=0, second=0, microsecond=0)
)


def _client(membership):
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def _api(world, suffix=""):
    return f"/api/v1/collectives/{world.collective.slug}/system/{suffix}"


@pytest.fixture
def ready(world):
    return prepared(world, SOON)


def test_the_leadership_group_adds_a_series_with_a_year_of_meetings(world):
    body = {
        "name": "ICB board",
        "organisation": world.icb.pk,
        "recurrence": "RRULE:FREQ=MONTHLY;BYDAY=2WE",
        "starts_at": "2026-03-11T14:00:00Z",
    }
    refused = _client(world.representatives[0]).post(_api(world, "series/"), body, format="json")
    assert refused.status_code == 403
    made = _client(world.cd).post(_api(world, "series/"), body, format="json")
    assert made.status_code == 201
    answer = made.json()
    assert answer["recurrence"] == "FREQ=MONTHLY;BYDAY=2WE"
    assert answer["recurrence_in_words"] == "Every month, on the second Wednesday"
    assert answer["organisation"] == {"id": world.icb.pk, "name": world.icb.name}
    assert SystemMeeting.objects.filter(series_id=answer["id"]).count() == 13  # to 10 Mar 2027
    bad = _client(world.cd).post(
        _api(world, "series/"),
        {**body, "name": "Other", "recurrence": "FREQ=SECONDLY"},
        format="json",
    )
    assert bad.status_code == 400 and list(bad.json()) == ["recurrence"]


def test_scheduling_again_through_the_api_adds_nothing(world, ready):
    again = _client(world.cd).post(
        _api(world, f"series/{ready.series.pk}/schedule/"),
        {"starts_at": SOON.isoformat()},
        format="json",
    )
    assert again.status_code == 201 and again.json() == []


def test_lists_are_searchable_and_closed_to_guests(world, ready):
    listed = _client(world.member).get(_api(world, "meetings/") + "?q=place&when=upcoming").json()
    assert [(m["series"]["name"], m["items"], m["attendees"]) for m in listed["results"]] == [
        ("Place partnership", 2, 1)
    ]
    assert _client(world.member).get(_api(world, "meetings/") + "?when=past").json()["count"] == 0
    bad = _client(world.member).get(_api(world, "meetings/") + "?when=soon")
    assert bad.status_code == 400 and list(bad.json()) == ["when"]
    series = _client(world.observer).get(_api(world, "series/") + "?q=partner").json()
    assert [s["name"] for s in series["results"]] == ["Place partnership"]
    for suffix in ("meetings/", "series/", f"meetings/{ready.meeting.pk}/"):
        assert _client(world.guest).get(_api(world, suffix)).status_code == 403


@pytest.mark.parametrize("who", ["member", "observer"])
def test_members_and_observers_get_the_agenda_without_its_conversations(world, ready, who):
    client = _client(getattr(world, who))
    meeting = client.get(_api(world, f"meetings/{ready.meeting.pk}/")).json()
    assert meeting["preparation_visible"] is False
    assert [(i["position"], i["title"]) for i in meeting["agenda"]] == [
        (1, "Phlebotomy in the community"),
        (2, "Winter plan"),
    ]
    assert meeting["agenda"][0]["decision"]["title"] == "One phlebotomy rota"
    assert {i["conversations"] for i in meeting["agenda"]} == {None}
    item = client.get(_api(world, f"agenda-items/{ready.items[0].pk}/")).json()
    assert item["conversations"] is None
    body = str(meeting) + str(item)
    assert "Dana" not in body and "Nia" not in body
    talk = ready.conversations[0]
    assert client.get(_api(world, f"conversations/{talk.pk}/")).status_code == 403
    assert (
        client.patch(
            _api(world, f"conversations/{talk.pk}/"), {"done": True}, format="json"
        ).status_code
        == 403
    )


def test_the_leadership_group_gets_the_conversations_and_an_erased_stakeholder_is_null(
    world, ready
):
    PrepConversation.objects.filter(stakeholder=ready.nurse).update(stakeholder=None)
    meeting = _client(world.cd).get(_api(world, f"meetings/{ready.meeting.pk}/")).json()
    talks = meeting["agenda"][0]["conversations"]
    assert [(t["with_whom"], t["by"]["name"], t["stance"], t["done"]) for t in talks] == [
        (
            "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)",
            "Clare Director",
            "with_us",
            False,
        ),
        ("a stakeholder (details erased)", "Fred Federation", "against", True),
    ]
    assert talks[1]["stakeholder"] is None
    assert meeting["attendee_list"] == [{"id": world.cd.user_id, "name": "Clare Director"}]


def test_the_agenda_is_written_reordered_and_deleted_through_the_api(world, ready):
    client = _client(world.federation_lead)
    added = client.post(
        _api(world, f"meetings/{ready.meeting.pk}/items/"),
        {"title": "Estates", "our_position": "Use the empty clinic rooms."},
        format="json",
    )
    assert added.status_code == 201 and added.json()["position"] == 3
    new = added.json()["id"]
    order = [new, ready.items[0].pk, ready.items[1].pk]
    moved = client.put(
        _api(world, f"meetings/{ready.meeting.pk}/items/order/"), {"order": order}, format="json"
    )
    assert [i["id"] for i in moved.json()["agenda"]] == order
    wrong = client.put(
        _api(world, f"meetings/{ready.meeting.pk}/items/order/"), {"order": [new]}, format="json"
    )
    assert wrong.status_code == 400 and list(wrong.json()) == ["order"]
    changed = client.patch(
        _api(world, f"agenda-items/{new}/"), {"decision": ready.decision.pk}, format="json"
    )
    assert changed.json()["decision"]["id"] == ready.decision.pk
    assert client.delete(_api(world, f"agenda-items/{new}/")).status_code == 204
    assert not AgendaItem.objects.filter(pk=new).exists()
    attendees = client.patch(
        _api(world, f"meetings/{ready.meeting.pk}/"),
        {"attendees": [world.member.user_id]},
        format="json",
    )
    assert attendees.status_code == 400 and list(attendees.json()) == ["attendees"]


def test_conversations_are_planned_and_marked_done_through_the_api(world, ready):
    client = _client(world.cd)
    made = client.post(
        _api(world, f"agenda-items/{ready.items[1].pk}/conversations/"),
        {"stakeholder": ready.director.pk, "by": world.cd.user_id, "stance": "neutral"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["stance"] == "neutral"
    pk = made.json()["id"]
    done = client.patch(_api(world, f"conversations/{pk}/"), {"done": True}, format="json")
    assert done.json()["done"] is True
    assert client.delete(_api(world, f"conversations/{pk}/")).status_code == 204
    refused = _client(world.member).post(
        _api(world, f"agenda-items/{ready.items[1].pk}/conversations/"),
        {"stakeholder": ready.director.pk, "by": world.cd.user_id},
        format="json",
    )
    assert refused.status_code == 403


def test_an_outcome_is_recorded_and_published_through_the_api(world, ready):
    client = _client(world.cd)
    item = ready.items[0].pk
    assert (
        client.put(_api(world, f"agenda-items/{item}/outcome/"), {}, format="json").status_code
        == 400
    )
    recorded = client.put(
        _api(world, f"agenda-items/{item}/outcome/"),
        {"outcome": "Afternoon clinics from April."},
        format="json",
    )
    assert recorded.json()["outcome"] == "Afternoon clinics from April."
    hard = (
        "Notwithstanding considerable organisational interdependencies, the commissioning "
        "architecture necessitates comprehensive reconfiguration of intermediate provision."
    )
    refused = client.post(
        _api(world, f"agenda-items/{item}/publish/"), {"meaning": hard}, format="json"
    )
    assert refused.status_code == 400 and "reads hard" in str(refused.json())
    published = client.post(
        _api(world, f"agenda-items/{item}/publish/"),
        {"meaning": "You can book patients into them."},
        format="json",
    )
    assert published.status_code == 201 and published.json()["briefing"] is not None


def test_another_collectives_objects_are_not_found(world, ready, outsider):
    other = elsewhere(outsider, world)
    client = _client(other.convenor)
    for suffix in (
        f"series/{ready.series.pk}/",
        f"meetings/{ready.meeting.pk}/",
        f"agenda-items/{ready.items[0].pk}/",
        f"conversations/{ready.conversations[0].pk}/",
    ):
        assert client.get(_api(other, suffix)).status_code == 404, suffix
        assert client.delete(_api(other, suffix)).status_code == 404, suffix
    assert MeetingSeries.objects.filter(pk=ready.series.pk).exists()


def _count(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200, url
    return len(seen)


@pytest.mark.parametrize("suffix", ["meetings/", "series/", "meetings/{m}/", "agenda-items/{i}/"])
def test_each_endpoint_costs_the_same_queries_for_three_times_the_data(world, outsider, suffix):
    counts = []
    for place, items, talks in ((world, 1, 1), (elsewhere(outsider, world), 3, 3)):
        made = prepared(place, SOON, name="Place partnership")
        for n in range(items):
            item = AgendaItem.objects.create(meeting=made.meeting, title=f"Item {n}")
            for m in range(talks):
                who = stakeholder(place, f"Person {n} {m}", world.acute_trust)
                PrepConversation.objects.create(item=item, stakeholder=who, by=place.cd.user)
        SystemMeeting.objects.bulk_create(
            SystemMeeting(
                series=made.series,
                collective_id=place.collective.pk,
                starts_at=SOON + dt.timedelta(days=7 * (k + 1)),
            )
            for k in range(items * 5)
        )
        url = _api(place, suffix.format(m=made.meeting.pk, i=made.items[0].pk))
        counts.append(_count(_client(place.cd), url))
    assert counts[0] == counts[1]
