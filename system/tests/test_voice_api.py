"""The provider voice's API: the same rules as the pages (an API client cannot do what the
person could not), every object scoped to the caller's collective, and a fixed number of
queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from golden_thread.models import Briefing
from system.models import Mandate, Need

from .test_voice_fixtures import SECRET, grow, make_mandate, patients, raise_need, support


def _client(membership):
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def _api(world, suffix=""):
    return f"/api/v1/collectives/{world.collective.slug}/system/{suffix}"


def test_a_practice_raises_a_need_and_others_support_it(world):
    made = _client(world.representatives[0]).post(
        _api(world, "needs/"), {"title": "No phlebotomy capacity after 1pm"}, format="json"
    )
    assert made.status_code == 201
    need = made.json()
    assert (need["practice"]["name"], need["practices"], need["status"]) == (
        "Practice A Surgery",
        1,
        "raised",
    )
    refused = _client(world.member).post(_api(world, "needs/"), {"title": "x"}, format="json")
    assert refused.status_code == 403
    empty = _client(world.representatives[0]).post(_api(world, "needs/"), {}, format="json")
    assert empty.status_code == 400 and "title" in empty.json()
    url = _api(world, f"needs/{need['id']}/support/")
    bad = _client(world.representatives[1]).put(url, {"evidence": ""}, format="json")
    assert bad.status_code == 400 and "evidence" in bad.json()
    done = _client(world.representatives[1]).put(url, {"evidence": "We see it."}, format="json")
    assert done.status_code == 200 and done.json()["practices"] == 2
    assert done.json()["supporters"][0]["evidence"] == "We see it."
    own = _client(world.representatives[0]).put(url, {"evidence": "Ours."}, format="json")
    assert own.status_code == 403
    taken_back = _client(world.representatives[1]).delete(url)
    assert taken_back.status_code == 200 and taken_back.json()["practices"] == 1


def test_the_list_ranks_pages_filters_and_shows_patients(world):
    need = raise_need(world, 0)
    support(world, need, 1, 2)
    raise_need(world, 3, "Hospital letters arrive late")
    patients(world, {0: 5000, 1: 4000})
    listed = _client(world.observer).get(_api(world, "needs/")).json()
    assert [(n["title"], n["practices"], n["patients"]) for n in listed["results"]] == [
        ("No phlebotomy capacity after 1pm", 3, 9000),
        ("Hospital letters arrive late", 1, None),
    ]
    found = _client(world.observer).get(_api(world, "needs/?q=letters&status=raised")).json()
    assert [n["title"] for n in found["results"]] == ["Hospital letters arrive late"]
    assert _client(world.observer).get(_api(world, "needs/?status=nonsense")).status_code == 400
    assert _client(world.guest).get(_api(world, "needs/")).status_code == 403


def test_the_leadership_prioritises_negotiates_and_records_the_outcome(world):
    need = raise_need(world)
    support(world, need, 1)
    rep = _client(world.representatives[0])
    lead = _client(world.cd)
    body = {"decision": "prioritised", "priority": 1, "reason": "Most practices."}
    url = _api(world, f"needs/{need.pk}/prioritise/")
    assert rep.post(url, body, format="json").status_code == 403
    assert lead.post(url, body, format="json").json()["priority"] == 1
    mandate_body = {
        "need": need.pk,
        "ask": "Clinics until 6pm.",
        "of_whom": world.icb.pk,
        "opening_position": "6pm",
        "limits": SECRET,
    }
    assert rep.post(_api(world, "mandates/"), mandate_body, format="json").status_code == 403
    made = lead.post(_api(world, "mandates/"), mandate_body, format="json")
    assert made.status_code == 201 and made.json()["limits"] == SECRET
    pk = made.json()["id"]
    changed = lead.patch(
        _api(world, f"mandates/{pk}/"), {"ask": "Clinics until 5pm."}, format="json"
    )
    assert changed.json()["ask"] == "Clinics until 5pm."
    event = lead.post(
        _api(world, f"mandates/{pk}/events/"),
        {"kind": "offer", "happened_on": "2026-01-10", "text": "The ICB offers 3pm."},
        format="json",
    )
    assert event.status_code == 201 and event.json()["kind"] == "offer"
    assert (
        rep.post(
            _api(world, f"mandates/{pk}/events/"),
            {"kind": "note", "happened_on": "2026-01-10", "text": "x"},
            format="json",
        ).status_code
        == 403
    )
    outcome = lead.post(
        _api(world, f"mandates/{pk}/outcome/"),
        {
            "status": "concluded",
            "outcome": "The ICB will fund bloods until 4pm.",
            "meaning": "Book bloods until 4pm from April.",
        },
        format="json",
    )
    assert outcome.status_code == 200
    assert outcome.json()["status"] == "concluded"
    assert outcome.json()["briefing"] == Briefing.objects.get().pk
    assert [e["text"] for e in outcome.json()["history"]] == ["The ICB offers 3pm."]
    ours = rep.get(_api(world, f"needs/practices/{world.practices[0].pk}/")).json()
    assert [(r["how"], r["need"]["status"], r["need"]["outcome"]) for r in ours["results"]] == [
        ("raised", "closed", "The ICB will fund bloods until 4pm.")
    ]
    theirs = rep.get(_api(world, f"needs/practices/{world.practices[1].pk}/")).json()
    assert theirs["results"][0]["how"] == "supported"


def test_members_and_observers_read_mandates_without_the_limits_field(world):
    mandate = make_mandate(world, raise_need(world))
    for someone in (world.member, world.observer, world.representatives[0]):
        detail = _client(someone).get(_api(world, f"mandates/{mandate.pk}/")).json()
        assert "limits" not in detail and detail["ask"].startswith("Phlebotomy")
        listed = _client(someone).get(_api(world, "mandates/")).json()["results"]
        assert "limits" not in listed[0]
    assert (
        _client(world.federation_lead).get(_api(world, "mandates/")).json()["results"][0]["limits"]
        == SECRET
    )


def test_another_collectives_objects_are_not_found(world, outsider):
    need = raise_need(world)
    mandate = make_mandate(world, need)
    client = _client(outsider)
    for suffix in (
        f"needs/{need.pk}/",
        f"mandates/{mandate.pk}/",
        f"needs/practices/{world.practices[0].pk}/",
    ):
        assert client.get(_api(world, suffix)).status_code == 404, suffix
        theirs = f"/api/v1/collectives/{outsider.collective.slug}/system/{suffix}"
        assert client.get(theirs).status_code == 404, suffix
    theirs = f"/api/v1/collectives/{outsider.collective.slug}/system/"
    assert (
        client.post(
            theirs + "mandates/",
            {
                "need": need.pk,
                "ask": "a",
                "of_whom": world.icb.pk,
                "opening_position": "b",
                "limits": "c",
            },
            format="json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            theirs + f"mandates/{mandate.pk}/outcome/",
            {"status": "abandoned", "outcome": "a", "meaning": "b"},
            format="json",
        ).status_code
        == 404
    )
    assert Mandate.objects.get().status == "open" and Need.objects.count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200, url
    return len(seen)


def test_the_endpoints_cost_the_same_queries_whatever_the_size(world):
    needs = grow(world, 2)
    mandate = Mandate.objects.get(need=needs[0])
    urls = [
        _api(world, "needs/"),
        _api(world, f"needs/{needs[0].pk}/"),
        _api(world, f"needs/practices/{world.practices[0].pk}/"),
        _api(world, "mandates/"),
        _api(world, f"mandates/{mandate.pk}/"),
    ]
    for someone in (world.cd, world.member):
        client = _client(someone)
        for url in urls:
            client.get(url)  # England's figures are worked out once, then kept
        small = [_queries(client, url) for url in urls]
        grow(world, 4)
        assert [_queries(client, url) for url in urls] == small
