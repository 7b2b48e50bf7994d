"""The relationship-health API: the same rules as the pages, within the caller's collective
only; a contact's note only for the people who were in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_mint
from alliance.testing import MembershipFactory
from collectives.models import Membership, Role
from relationships import services
from relationships.models import Ask, AskStatus, Contact, Nudge, PutItRightResponse, Rhythm
from relationships.tests.conftest import Pair

JSON = "application/json"
pytestmark = pytest.mark.django_db


def _url(pair: Pair, name: str, *extra: Any) -> str:
    return reverse(f"api:{name}", args=[pair.collective.slug, *extra])


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type=JSON)


def _put(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, data, content_type=JSON)


def _ago(**kwargs: Any) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def _colleague(pair: Pair) -> Membership:
    """Someone else at Oakwood, who was in none of the contacts."""
    return MembershipFactory(
        collective=pair.collective, role=Role.MEMBER, organisation=pair.oakwood
    )


def _contact(pair: Pair, *, note: str = "", days: int = 1, mode: str = "phone", **kw: Any) -> Any:
    return services.contact_add(
        actor_membership=kw.pop("by", pair.oakwood_rep),
        organisations=kw.pop("organisations", pair.both),
        mode=mode,
        happened_at=_ago(days=days),
        note=note,
        **kw,
    )


def _nudge(pair: Pair, key: str, organisations: list[Any]) -> Nudge:
    nudge = Nudge.objects.create(
        collective=pair.collective, key=key, rule="email_only", text=f"Nudge {key}"
    )
    nudge.organisations.set(organisations)
    return nudge


def _ask(pair: Pair, to: list[int] | None = None) -> Ask:
    return services.ask_post(
        actor_membership=pair.oakwood_rep,
        what="Cover for a phlebotomist",
        to_organisations=to or [],
    )


def _put_right(pair: Pair) -> Any:
    return services.put_it_right_record(
        actor_membership=pair.oakwood_rep,
        mistake="We double-booked the room.",
        impact="Riverside's clinic was cancelled.",
        will_do="One shared booking sheet.",
        apologises_to=[pair.riverside.pk],
    )


def _rhythm(pair: Pair, starts_on: dt.date | None = None) -> Rhythm:
    return services.rhythm_agree(
        actor_membership=pair.oakwood_rep,
        name="Weekly call",
        scope="pair",
        organisations=pair.both,
        modes=["phone", "video"],
        period="weekly",
        starts_on=starts_on or timezone.localdate(),
    )


# Contacts and their notes ------------------------------------------------------------------


def test_a_contact_is_logged_and_its_note_is_shown_only_to_the_people_in_it(client, pair):
    client.force_login(pair.oakwood_rep.user)
    body = {
        "organisations": pair.both,
        "mode": "video",
        "happened_at": _ago(hours=2).isoformat(),
        "duration_minutes": 30,
        "participants": [pair.riverside_rep.user.pk],
        "note": "Ravi is worried about the rota.",
    }
    response = _post(client, _url(pair, "contacts"), body)
    assert response.status_code == 201, response.json()
    logged = response.json()
    assert logged["mode"] == "video"
    assert logged["duration_minutes"] == 30
    assert logged["note"] == "Ravi is worried about the rota."
    assert logged["is_participant"] is True
    assert sorted(o["name"] for o in logged["organisations"]) == [
        "Oakwood Surgery",
        "Riverside Practice",
    ]
    assert logged["participants"] == ["Olivia Oakwood", "Ravi Riverside"]
    pk = logged["id"]

    client.force_login(pair.riverside_rep.user)
    assert client.get(_url(pair, "contact", pk)).json()["note"] == body["note"]
    assert client.get(_url(pair, "contacts")).json()["results"][0]["note"] == body["note"]

    # A colleague at Oakwood who was not in it, and the convenor, see the contact, not the note.
    for outsider_to_it in (_colleague(pair), pair.convenor):
        client.force_login(outsider_to_it.user)
        detail = client.get(_url(pair, "contact", pk))
        assert detail.status_code == 200
        assert detail.json()["note"] is None
        assert detail.json()["is_participant"] is False
        listed = client.get(_url(pair, "contacts")).json()["results"]
        assert [(c["id"], c["note"]) for c in listed] == [(pk, None)]

    # Hillside was not in it: the contact is not theirs to see.
    client.force_login(pair.hillside_member.user)
    assert client.get(_url(pair, "contact", pk)).status_code == 404
    assert client.get(_url(pair, "contacts")).json()["results"] == []


def test_contacts_are_filtered_by_organisation_mode_and_dates(client, pair):
    phone = _contact(pair, days=2, mode="phone")
    email = _contact(pair, days=10, mode="email")
    with_hillside = _contact(pair, days=20, organisations=[pair.oakwood.pk, pair.hillside.pk])
    client.force_login(pair.oakwood_rep.user)

    def ids(**params: Any) -> list[int]:
        response = client.get(_url(pair, "contacts"), params)
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids() == [phone.pk, email.pk, with_hillside.pk]
    assert ids(organisation=pair.hillside.pk) == [with_hillside.pk]
    assert ids(mode="email") == [email.pk]
    # Days well clear of each contact, so no clock change near midnight moves one across.
    today = timezone.localdate()

    def day(n: int) -> str:
        return (today - dt.timedelta(days=n)).isoformat()

    assert ids(since=day(11)) == [phone.pk, email.pk]
    assert ids(until=day(5)) == [email.pk, with_hillside.pk]
    assert ids(since=day(15), until=day(5)) == [email.pk]
    assert ids(since=day(1), until=day(1)) == []


@pytest.mark.parametrize(
    "params,field",
    [
        ({"since": "last tuesday"}, "since"),
        ({"until": "2024-02-30"}, "until"),
        ({"mode": "fax"}, "mode"),
        ({"organisation": "oakwood"}, "organisation"),
        ({"organisation": 999999}, "organisation"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "until"),
    ],
)
def test_a_bad_contact_filter_is_refused_naming_it(client, pair, params, field):
    client.force_login(pair.oakwood_rep.user)
    response = client.get(_url(pair, "contacts"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"happened_at": "yesterday"}, "happened_at"),
        ({"happened_at": (timezone.now() + dt.timedelta(days=2)).isoformat()}, "happened_at"),
        ({"mode": "carrier_pigeon"}, "mode"),
        ({"organisations": [999998, 999999]}, "organisations"),
        ({"organisations": ["oakwood", "riverside"]}, "organisations"),
        ({"organisations": []}, "organisations"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"participants": [999999]}, "participants"),
    ],
)
def test_a_bad_contact_is_refused_naming_the_field(client, pair, change, field):
    client.force_login(pair.oakwood_rep.user)
    body = {"organisations": pair.both, "mode": "phone", "happened_at": _ago(hours=1).isoformat()}
    response = _post(client, _url(pair, "contacts"), {**body, **change})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Contact.objects.exists()


def test_nobody_logs_a_contact_for_other_organisations(client, pair):
    client.force_login(pair.hillside_member.user)
    body = {"organisations": pair.both, "mode": "phone", "happened_at": _ago(hours=1).isoformat()}
    response = _post(client, _url(pair, "contacts"), body)
    assert response.status_code == 403
    assert "your own organisation" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_a_practice_sets_its_weekly_count_of_emails_with_another(client, pair):
    client.force_login(pair.oakwood_rep.user)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    body = {
        "other_organisation": pair.riverside.pk,
        "week_of": (monday + dt.timedelta(days=3)).isoformat(),
        "count": 9,
    }
    response = _put(client, _url(pair, "contacts_email_counts"), body)
    assert response.status_code == 200, response.json()
    contact = Contact.objects.get()
    assert response.json() == {
        "other_organisation": pair.riverside.pk,
        "week_of": monday.isoformat(),
        "count": 9,
        "contact": contact.pk,
    }
    assert (contact.mode, contact.count) == ("email", 9)

    again = _put(client, _url(pair, "contacts_email_counts"), {**body, "count": 4})
    assert again.status_code == 200
    assert Contact.objects.get().count == 4

    removed = _put(client, _url(pair, "contacts_email_counts"), {**body, "count": 0})
    assert removed.json()["contact"] is None
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"count": 1001}, "count"),
        ({"count": -1}, "count"),
        ({"count": "lots"}, "count"),
        ({"week_of": "this week"}, "week_of"),
        ({"week_of": "2999-01-04"}, "week_of"),
        ({"other_organisation": 999999}, "other_organisation"),
        ({"other_organisation": "riverside"}, "other_organisation"),
    ],
)
def test_a_bad_email_count_is_refused_naming_the_field(client, pair, change, field):
    client.force_login(pair.oakwood_rep.user)
    body = {"other_organisation": pair.riverside.pk, "week_of": "2025-01-06", "count": 3}
    response = _put(client, _url(pair, "contacts_email_counts"), {**body, **change})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Contact.objects.exists()


# Rhythms ----------------------------------------------------------------------------------


def test_a_rhythm_is_agreed_and_shows_the_weeks_kept_and_missed(client, pair):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 21)
    client.force_login(pair.oakwood_rep.user)
    body = {
        "name": "Weekly call",
        "scope": "pair",
        "organisations": pair.both,
        "modes": ["phone", "video"],
        "period": "weekly",
        "starts_on": monday.isoformat(),
        "min_minutes": 15,
    }
    response = _post(client, _url(pair, "rhythms"), body)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["owner"] == "Olivia Oakwood"
    assert response.json()["modes"] == ["phone", "video"]
    # A 20-minute call in the second week keeps it.
    services.contact_add(
        actor_membership=pair.oakwood_rep,
        organisations=pair.both,
        mode="phone",
        happened_at=timezone.make_aware(
            dt.datetime.combine(monday + dt.timedelta(days=8), dt.time(12))
        ),
        duration_minutes=20,
    )

    listed = client.get(_url(pair, "rhythms")).json()["results"]
    assert [r["id"] for r in listed] == [pk]
    periods = listed[0]["periods"]
    assert [p["kept"] for p in periods] == [False, True, False, None]
    assert periods[1]["starts_on"] == (monday + dt.timedelta(days=7)).isoformat()
    assert periods[1]["ends_on"] == (monday + dt.timedelta(days=13)).isoformat()
    assert periods[1]["contacts"] == 1
    assert (listed[0]["kept"], listed[0]["missed"]) == (1, 2)
    assert client.get(_url(pair, "rhythm", pk)).json()["periods"] == periods

    # Hillside is not in it: it is not in Hillside's list, and Hillside cannot end it.
    client.force_login(pair.hillside_member.user)
    assert client.get(_url(pair, "rhythms")).json()["results"] == []
    refused = _post(client, _url(pair, "rhythm_end", pk), {"ends_on": today.isoformat()})
    assert refused.status_code == 403

    client.force_login(pair.riverside_rep.user)
    too_early = (monday - dt.timedelta(days=1)).isoformat()
    assert _post(client, _url(pair, "rhythm_end", pk), {"ends_on": too_early}).json() == {
        "ends_on": ["A rhythm cannot end before it starts."]
    }
    ended = _post(client, _url(pair, "rhythm_end", pk), {"ends_on": today.isoformat()})
    assert ended.status_code == 200
    assert ended.json()["ends_on"] == today.isoformat()
    assert Rhythm.objects.get().ends_on == today


@pytest.mark.parametrize(
    "change,field",
    [
        ({"modes": ["carrier_pigeon"]}, "modes"),
        ({"modes": []}, "modes"),
        ({"scope": "everyone"}, "scope"),
        ({"period": "yearly"}, "period"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"organisations": [999998, 999999]}, "organisations"),
        ({"organisations": []}, "organisations"),
        ({"organisations": "oakwood"}, "organisations"),
        ({"scope": "pcn"}, "pcn"),
        ({"scope": "pcn", "pcn": 999999}, "pcn"),
        ({"min_minutes": 0}, "min_minutes"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_rhythm_is_refused_naming_the_field(client, pair, change, field):
    client.force_login(pair.oakwood_rep.user)
    body = {
        "name": "Weekly call",
        "scope": "pair",
        "organisations": pair.both,
        "modes": ["phone"],
        "period": "weekly",
        "starts_on": timezone.localdate().isoformat(),
    }
    response = _post(client, _url(pair, "rhythms"), {**body, **change})
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Rhythm.objects.exists()


def test_nobody_agrees_a_rhythm_for_other_organisations(client, pair):
    client.force_login(pair.hillside_member.user)
    body = {
        "name": "Weekly call",
        "scope": "pair",
        "organisations": pair.both,
        "modes": ["phone"],
        "period": "weekly",
        "starts_on": timezone.localdate().isoformat(),
    }
    assert _post(client, _url(pair, "rhythms"), body).status_code == 403
    assert not Rhythm.objects.exists()


# Nudges -----------------------------------------------------------------------------------


def test_each_practice_sees_its_open_nudges_and_the_convenor_sees_all(client, pair):
    ours = _nudge(pair, "ours", [pair.oakwood, pair.riverside])
    theirs = _nudge(pair, "theirs", [pair.riverside, pair.hillside])
    client.force_login(pair.oakwood_rep.user)
    listed = client.get(_url(pair, "nudges")).json()["results"]
    assert [n["id"] for n in listed] == [ours.pk]
    assert listed[0]["text"] == "Nudge ours"
    assert sorted(o["id"] for o in listed[0]["organisations"]) == sorted(pair.both)

    client.force_login(pair.convenor.user)
    assert {n["id"] for n in client.get(_url(pair, "nudges")).json()["results"]} == {
        ours.pk,
        theirs.pk,
    }


def test_a_nudge_is_dismissed_or_snoozed_by_its_organisations(client, pair):
    ours = _nudge(pair, "ours", [pair.oakwood, pair.riverside])
    later = _nudge(pair, "later", [pair.oakwood, pair.riverside])
    client.force_login(pair.hillside_member.user)
    assert _post(client, _url(pair, "nudge_dismiss", ours.pk), {}).status_code == 403
    assert _post(client, _url(pair, "nudge_snooze", ours.pk), {"days": 7}).status_code == 403

    client.force_login(pair.oakwood_rep.user)
    dismissed = _post(client, _url(pair, "nudge_dismiss", ours.pk), {})
    assert dismissed.status_code == 200
    assert dismissed.json()["dismissed_at"] is not None
    for days in (0, 91, "a week"):
        refused = _post(client, _url(pair, "nudge_snooze", later.pk), {"days": days})
        assert refused.status_code == 400
        assert list(refused.json()) == ["days"]
    snoozed = _post(client, _url(pair, "nudge_snooze", later.pk), {"days": 14})
    assert snoozed.status_code == 200
    assert snoozed.json()["snoozed_until"] is not None
    assert client.get(_url(pair, "nudges")).json()["results"] == []


# Asks and offers --------------------------------------------------------------------------


def test_an_ask_reaches_only_those_it_is_addressed_to(client, pair):
    client.force_login(pair.oakwood_rep.user)
    body = {"what": "Cover for a phlebotomist", "to_organisations": [pair.riverside.pk]}
    response = _post(client, _url(pair, "asks"), body)
    assert response.status_code == 201, response.json()
    ask = response.json()
    assert ask["to_everyone"] is False
    assert [o["id"] for o in ask["addressed_to"]] == [pair.riverside.pk]
    assert ask["offers"] == []
    to_all = _ask(pair)

    client.force_login(pair.hillside_member.user)
    assert [a["id"] for a in client.get(_url(pair, "asks")).json()["results"]] == [to_all.pk]
    assert client.get(_url(pair, "ask", ask["id"])).status_code == 404
    assert _post(client, _url(pair, "ask_offers", ask["id"]), {"text": "Us!"}).status_code == 404

    client.force_login(pair.riverside_rep.user)
    listed = client.get(_url(pair, "asks")).json()["results"]
    assert [a["id"] for a in listed] == [to_all.pk, ask["id"]]
    assert client.get(_url(pair, "asks"), {"status": "answered"}).json()["results"] == []
    assert list(client.get(_url(pair, "asks"), {"status": "lost"}).json()) == ["status"]


def test_an_offer_is_made_and_the_asker_thanks_the_helper(client, pair):
    ask = _ask(pair)
    client.force_login(pair.riverside_rep.user)
    offered = _post(client, _url(pair, "ask_offers", ask.pk), {"text": "Our HCA can do Tuesdays."})
    assert offered.status_code == 201, offered.json()
    offer = offered.json()
    assert offer["organisation"]["id"] == pair.riverside.pk
    assert offer["offered_by"] == "Ravi Riverside"
    assert _post(client, _url(pair, "ask_offers", ask.pk), {"text": " "}).json() == {
        "text": ["Say how you can help."]
    }
    # Only the organisation that asked marks it answered.
    refused = _post(client, _url(pair, "ask_answer", ask.pk), {"offer": offer["id"]})
    assert refused.status_code == 403

    client.force_login(pair.oakwood_rep.user)
    unknown = _post(client, _url(pair, "ask_answer", ask.pk), {"offer": 999999})
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["offer"]
    answered = _post(
        client, _url(pair, "ask_answer", ask.pk), {"offer": offer["id"], "thanks": "Thank you!"}
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == "answered"
    assert answered.json()["helped_by"] == offer["id"]
    assert answered.json()["thanks"] == "Thank you!"
    assert [o["id"] for o in answered.json()["offers"]] == [offer["id"]]
    assert answered.json()["offers_count"] == 1
    assert Ask.objects.get().status == AskStatus.ANSWERED
    again = _post(client, _url(pair, "ask_answer", ask.pk), {})
    assert again.json() == {"non_field_errors": ["This ask is no longer open."]}


@pytest.mark.parametrize(
    "change,field",
    [
        ({"to_organisations": [999999]}, "to_organisations"),
        ({"to_organisations": "riverside"}, "to_organisations"),
        ({"needed_by": "2020-01-01"}, "needed_by"),
        ({"needed_by": "next week"}, "needed_by"),
        ({"what": ""}, "what"),
    ],
)
def test_a_bad_ask_is_refused_naming_the_field(client, pair, change, field):
    client.force_login(pair.oakwood_rep.user)
    response = _post(client, _url(pair, "asks"), {"what": "A hand", **change})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Ask.objects.exists()


# Put it right -----------------------------------------------------------------------------


def test_a_practice_puts_it_right_and_the_practice_it_apologises_to_responds(client, pair):
    client.force_login(pair.oakwood_rep.user)
    body = {
        "mistake": "We double-booked the room.",
        "impact": "Riverside's clinic was cancelled.",
        "will_do": "One shared booking sheet.",
        "apologises_to": [pair.riverside.pk],
    }
    response = _post(client, _url(pair, "put_it_rights"), body)
    assert response.status_code == 201, response.json()
    record = response.json()
    assert record["organisation"]["id"] == pair.oakwood.pk
    assert [o["id"] for o in record["apologises_to"]] == [pair.riverside.pk]
    assert record["decision"] is None
    assert record["responses"] == []
    pk = record["id"]

    client.force_login(pair.hillside_member.user)
    assert [r["id"] for r in client.get(_url(pair, "put_it_rights")).json()["results"]] == [pk]
    refused = _post(client, _url(pair, "put_it_right_responses", pk), {"text": "Fine."})
    assert refused.status_code == 403

    client.force_login(pair.riverside_rep.user)
    first = _post(client, _url(pair, "put_it_right_responses", pk), {"text": "Thank you."})
    assert first.status_code == 201, first.json()
    assert first.json()["organisation"]["id"] == pair.riverside.pk
    replaced = _post(client, _url(pair, "put_it_right_responses", pk), {"text": "Thanks again."})
    assert replaced.status_code == 200
    assert PutItRightResponse.objects.get().text == "Thanks again."
    detail = client.get(_url(pair, "put_it_right", pk)).json()
    assert [r["text"] for r in detail["responses"]] == ["Thanks again."]
    assert detail["responses_count"] == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"apologises_to": [999999]}, "apologises_to"),
        ({"apologises_to": []}, "apologises_to"),
        ({"apologises_to": "riverside"}, "apologises_to"),
        ({"decision": 999999}, "decision"),
        ({"decision": "the last one"}, "decision"),
        ({"mistake": " "}, "mistake"),
    ],
)
def test_a_bad_put_it_right_record_is_refused_naming_the_field(client, pair, change, field):
    client.force_login(pair.oakwood_rep.user)
    body = {
        "mistake": "We double-booked.",
        "impact": "A clinic was cancelled.",
        "will_do": "Share the sheet.",
        "apologises_to": [pair.riverside.pk],
    }
    response = _post(client, _url(pair, "put_it_rights"), {**body, **change})
    assert response.status_code == 400
    assert list(response.json()) == [field]


# Authentication, tenancy and the schema ----------------------------------------------------


def _every_call(pair: Pair) -> list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]:
    contact = _contact(pair, note="Private")
    rhythm = _rhythm(pair)
    nudge = _nudge(pair, "ours", [pair.oakwood, pair.riverside])
    ask = _ask(pair)
    record = _put_right(pair)
    today = timezone.localdate().isoformat()
    return [
        ("get", "contacts", (), {}),
        (
            "post",
            "contacts",
            (),
            {"organisations": pair.both, "mode": "phone", "happened_at": _ago(hours=1).isoformat()},
        ),
        ("get", "contact", (contact.pk,), {}),
        (
            "put",
            "contacts_email_counts",
            (),
            {"other_organisation": pair.riverside.pk, "week_of": today, "count": 3},
        ),
        ("get", "rhythms", (), {}),
        (
            "post",
            "rhythms",
            (),
            {
                "name": "Call",
                "scope": "pair",
                "organisations": pair.both,
                "modes": ["phone"],
                "period": "weekly",
                "starts_on": today,
            },
        ),
        ("get", "rhythm", (rhythm.pk,), {}),
        ("post", "rhythm_end", (rhythm.pk,), {"ends_on": today}),
        ("get", "nudges", (), {}),
        ("post", "nudge_dismiss", (nudge.pk,), {}),
        ("post", "nudge_snooze", (nudge.pk,), {"days": 3}),
        ("get", "asks", (), {}),
        ("post", "asks", (), {"what": "Help"}),
        ("get", "ask", (ask.pk,), {}),
        ("post", "ask_offers", (ask.pk,), {"text": "Us"}),
        ("post", "ask_answer", (ask.pk,), {}),
        ("get", "put_it_rights", (), {}),
        (
            "post",
            "put_it_rights",
            (),
            {"mistake": "m", "impact": "i", "will_do": "w", "apologises_to": [pair.riverside.pk]},
        ),
        ("get", "put_it_right", (record.pk,), {}),
        ("post", "put_it_right_responses", (record.pk,), {"text": "Thanks"}),
    ]


def _snapshot() -> tuple[int, ...]:
    return (
        Contact.objects.count(),
        Rhythm.objects.filter(ends_on__isnull=True).count(),
        Nudge.objects.filter(dismissed_at__isnull=True, snoozed_until__isnull=True).count(),
        Ask.objects.filter(status="open").count(),
        PutItRightResponse.objects.count(),
    )


def test_the_convenor_of_another_collective_finds_nothing(client, pair, outsider):
    calls = _every_call(pair)
    before = _snapshot()
    client.force_login(outsider.user)
    for method, name, args, body in calls:
        url = _url(pair, name, *args)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, body, content_type=JSON)
        assert response.status_code == 404, (method, name, response.status_code)
        # Nor A's objects under their own collective's address.
        own = reverse(f"api:{name}", args=[outsider.collective.slug, *args])
        if args:
            assert client.get(own).status_code in (404, 405), name
    assert _snapshot() == before


def test_anonymous_callers_get_401_and_a_token_works(client, pair):
    calls = _every_call(pair)
    for method, name, args, body in calls:
        url = _url(pair, name, *args)
        response = getattr(client, method)(url, body, content_type=JSON)
        assert response.status_code == 401, (method, name)
    key = api_token_mint(user=pair.riverside_rep.user, name="Test client").key
    contact = Contact.objects.get()
    response = client.get(_url(pair, "contact", contact.pk), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["note"] is None  # Ravi was not in it


def test_the_schema_describes_the_habits_endpoints(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    prefix = "/api/v1/collectives/{slug}/"
    for path in (
        "contacts/",
        "contacts/{id}/",
        "contacts/email-counts/",
        "rhythms/",
        "rhythms/{id}/",
        "rhythms/{id}/end/",
        "nudges/",
        "nudges/{id}/dismiss/",
        "nudges/{id}/snooze/",
        "asks/",
        "asks/{id}/",
        "asks/{id}/offers/",
        "asks/{id}/answer/",
        "put-it-right/",
        "put-it-right/{id}/",
        "put-it-right/{id}/responses/",
    ):
        assert prefix + path in schema["paths"], path
    assert "put" in schema["paths"][prefix + "contacts/email-counts/"]
    contacts = schema["paths"][prefix + "contacts/"]["get"]["parameters"]
    assert {"organisation", "mode", "since", "until"} <= {p["name"] for p in contacts}


# Queries ----------------------------------------------------------------------------------


def _grow(pair: Pair, n: int) -> None:
    for i in range(n):
        _contact(pair, days=i + 1, note=f"Note {i}", participants=[pair.riverside_rep.user])
        _nudge(pair, f"n{i}-{n}", [pair.oakwood, pair.riverside])
        ask = _ask(pair, to=[pair.riverside.pk, pair.hillside.pk])
        services.offer_make(actor_membership=pair.riverside_rep, ask=ask, text="Us")
        record = _put_right(pair)
        services.put_it_right_respond(
            actor_membership=pair.riverside_rep, record=record, text="Thanks"
        )
        _rhythm(pair, starts_on=timezone.localdate() - dt.timedelta(days=30 + i))


def _queries(client: Any, pair: Pair) -> dict[str, tuple[int, int]]:
    counts = {}
    for name in ("contacts", "rhythms", "nudges", "asks", "put_it_rights"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(pair, name))
        assert response.status_code == 200
        counts[name] = (response.json()["count"], len(queries))
    return counts


def test_the_lists_run_as_many_queries_for_many_rows_as_for_few(client, pair):
    client.force_login(pair.oakwood_rep.user)
    _grow(pair, 2)
    few = _queries(client, pair)
    _grow(pair, 5)
    many = _queries(client, pair)
    for name in few:
        assert (few[name][0], many[name][0]) == (2, 7), name
        assert few[name][1] == many[name][1], (name, few[name], many[name])


# The calendar import and the nudge thresholds (docs/api.md) ---------------------------------


def _weekly_export(pair: Pair, *, data: bytes | None = None) -> Any:
    """An upload of a weekly meeting since twelve weeks ago (the same file again when given
    its bytes: a new one would start a moment later, and be other occurrences)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from relationships.tests.calendars import weekly_calendar

    if data is None:
        data = weekly_calendar(
            title="Weekly PCN call",
            first=timezone.now() - dt.timedelta(weeks=12) + dt.timedelta(hours=1),
            organiser=pair.oakwood_rep.user.email,
            attendees=[pair.riverside_rep.user.email, "someone.new@example.org"],
        )
    return SimpleUploadedFile("weekly.ics", data, content_type="text/calendar")


def test_a_member_imports_a_weekly_meeting_once_per_occurrence_and_again_adds_nothing(client, pair):
    client.force_login(pair.oakwood_rep.user)
    url = _url(pair, "contacts_calendar_import")
    export = _weekly_export(pair)
    data = export.read()
    export.seek(0)
    answer = client.post(url, {"file": export})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert len(body["created"]) == 12
    assert body["repeating"] == ["Weekly PCN call: 12 occurrences"]
    assert body["unmatched"] == ["someone.new@example.org"]
    assert Contact.objects.filter(collective=pair.collective).count() == 12
    again = client.post(url, {"file": _weekly_export(pair, data=data)})
    assert again.status_code == 201 and again.json()["created"] == []
    assert len(again.json()["already_logged"]) == 12
    assert Contact.objects.filter(collective=pair.collective).count() == 12
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="contact.calendar_imported").count() == 2


def test_a_calendar_import_names_what_is_wrong_with_the_file_or_the_matches(client, pair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(pair.oakwood_rep.user)
    url = _url(pair, "contacts_calendar_import")
    broken = SimpleUploadedFile("broken.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    answer = client.post(url, {"file": broken})
    assert answer.status_code == 400 and "file" in answer.json()
    answer = client.post(url, {"file": _weekly_export(pair), "matches": '{"a@b.org": "x"}'})
    assert answer.status_code == 400 and "matches" in answer.json()
    assert client.post(url, {}).status_code == 400
    assert Contact.objects.count() == 0


def test_observers_and_outsiders_cannot_import_a_calendar(client, pair):
    observer = MembershipFactory(collective=pair.collective, role=Role.OBSERVER)
    client.force_login(observer.user)
    url = _url(pair, "contacts_calendar_import")
    assert client.post(url, {"file": _weekly_export(pair)}).status_code == 403
    client.logout()
    assert client.post(url, {"file": _weekly_export(pair)}).status_code == 401
    assert Contact.objects.count() == 0


def test_a_convenor_changes_the_nudge_thresholds_and_members_read_them(client, pair):
    url = _url(pair, "nudge_thresholds")
    client.force_login(pair.oakwood_rep.user)
    assert client.get(url).json()["weeks"] == 8
    refused = client.patch(url, {"weeks": 10}, content_type=JSON)
    assert refused.status_code == 403
    client.force_login(pair.convenor.user)
    changed = client.patch(url, {"weeks": 10, "email_share_amber": 0.5}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["weeks"] == 10 and changed.json()["email_share_amber"] == 0.5
    assert changed.json()["min_emails"] == 5  # left out, kept
    bad = client.patch(url, {"weeks": 0, "missed_in_a_row": 99}, content_type=JSON)
    assert bad.status_code == 400 and {"weeks", "missed_in_a_row"} <= set(bad.json())
    client.force_login(pair.oakwood_rep.user)
    assert client.get(url).json()["weeks"] == 10
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="habit_settings.changed").count() == 1


HUGE = 40839100722065191206912  # a schemathesis-generated id, past SQLite's 64-bit integers


@pytest.mark.parametrize(
    "name,body,field",
    [
        ("contacts", {"organisations": [HUGE, HUGE + 1], "mode": "video"}, "organisations"),
        ("contacts", {"organisations": [1, 2], "participants": [HUGE]}, "participants"),
        ("contacts", {"organisations": list(range(1, 502))}, "organisations"),
        ("rhythms", {"organisations": [HUGE], "pcn": HUGE}, "organisations"),
        ("rhythms", {"pcn": HUGE}, "pcn"),
        ("asks", {"what": "Help", "to_organisations": [0]}, "to_organisations"),
    ],
    ids=["huge organisation", "huge person", "501 organisations", "huge list", "huge pcn", "zero"],
)
def test_an_id_outside_the_databases_range_is_a_400_naming_the_field(
    client, pair, name, body, field
):
    client.force_login(pair.oakwood_rep.user)
    response = _post(client, _url(pair, name), body)
    assert response.status_code == 400
    assert field in response.json()


def test_a_contact_filter_by_an_id_past_the_databases_range_is_a_400_naming_it(client, pair):
    # Found by `make fuzz`: the filter reached SQLite, which raised OverflowError (a 500).
    client.force_login(pair.oakwood_rep.user)
    response = client.get(_url(pair, "contacts"), {"organisation": HUGE})
    assert response.status_code == 400
    assert "organisation" in response.json()
