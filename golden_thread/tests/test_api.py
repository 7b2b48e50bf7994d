"""The golden-thread API: the same rules as the pages, within the caller's collective only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_mint
from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from audit.models import AuditEntry
from collectives.models import Role
from golden_thread import services, who_we_are
from golden_thread.models import AboutPage, Briefing, Thread, Touch
from golden_thread.tests.conftest import HARD, PLAIN, build_collective

JSON = "application/json"


def _url(area, name, *extra):
    return reverse(f"api:{name}", args=[area.convenor.collective.slug, *extra])


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def _put(client, url, data):
    return client.put(url, data, content_type=JSON)


def _in_a_month():
    return timezone.localdate() + dt.timedelta(days=30)


def _today():
    return timezone.localdate().isoformat()


def _published(area, decision=None, now=None, text=PLAIN):
    briefing = services.briefing_save(
        actor_membership=area.convenor,
        decision=decision or area.decision,
        **text,
        action_by=_in_a_month() if text["action"] else None,
    )
    return services.briefing_publish(
        actor_membership=area.convenor, briefing=briefing, confirm_hard=True, now=now
    )


def test_the_facilitator_writes_a_draft_and_sees_how_plainly_it_reads(client, area):
    client.force_login(area.convenor.user)
    body = {"decision": area.decision.pk, **PLAIN, "action_by": _in_a_month().isoformat()}
    response = _post(client, _url(area, "briefings"), body)
    assert response.status_code == 201, response.json()
    written = response.json()
    briefing = Briefing.objects.get()
    assert written["id"] == briefing.pk
    assert written["decision"] == {"id": area.decision.pk, "title": "One phlebotomy service"}
    assert written["summary"] == PLAIN["summary"]
    assert written["action_by"] == _in_a_month().isoformat()
    assert written["published_at"] is None
    assert written["readability"]["below_threshold"] is False
    assert written["readability"]["reading_ease"] == pytest.approx(briefing.reading_ease)
    assert written["readability"]["hardest_words"] == []
    assert written["figures"]["practices"] == 0

    rewritten = _post(client, _url(area, "briefings"), {**body, "summary": "One service."})
    assert rewritten.status_code == 200
    assert rewritten.json()["id"] == briefing.pk
    assert rewritten.json()["summary"] == "One service."


def test_only_the_facilitator_or_a_convenor_writes_the_briefing(client, area):
    client.force_login(area.cds[0].user)
    response = _post(client, _url(area, "briefings"), {"decision": area.decision.pk, **HARD})
    assert response.status_code == 403
    assert "facilitator" in response.json()["detail"]
    assert not Briefing.objects.exists()


def test_a_hard_briefing_is_published_only_when_the_author_confirms(client, area):
    client.force_login(area.convenor.user)
    written = _post(client, _url(area, "briefings"), {"decision": area.decision.pk, **HARD})
    assert written.status_code == 201
    readability = written.json()["readability"]
    assert readability["below_threshold"] is True
    assert readability["threshold"] == 60
    assert "heterogeneity" in readability["hardest_words"]
    assert readability["longest_sentences"][0].startswith("Notwithstanding")
    pk = written.json()["id"]

    refused = _post(client, _url(area, "briefing_publish", pk), {})
    assert refused.status_code == 400
    assert list(refused.json()) == ["confirm_hard"]
    assert "reads hard" in refused.json()["confirm_hard"][0]
    assert "confirm_hard: true" in refused.json()["confirm_hard"][0]
    assert Briefing.objects.get().published_at is None
    assert not Thread.objects.exists()

    published = _post(client, _url(area, "briefing_publish", pk), {"confirm_hard": True})
    assert published.status_code == 200, published.json()
    assert published.json()["published_at"] is not None
    # Every practice is on the thread, and each was e-mailed: one touch each.
    assert published.json()["figures"]["practices"] == 20
    assert published.json()["figures"]["touches"] == 20
    assert Briefing.objects.get().published_below_threshold is True

    again = _post(client, _url(area, "briefing_publish", pk), {"confirm_hard": True})
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This briefing is already published."]}


def test_a_plain_briefing_is_published_without_confirming(client, area):
    briefing = services.briefing_save(
        actor_membership=area.convenor, decision=area.decision, **PLAIN, action_by=_in_a_month()
    )
    client.force_login(area.convenor.user)
    response = _post(client, _url(area, "briefing_publish", briefing.pk), {})
    assert response.status_code == 200
    assert response.json()["published_at"] is not None


def test_a_draft_is_not_found_by_who_cannot_publish_it(client, area):
    briefing = services.briefing_save(
        actor_membership=area.convenor, decision=area.decision, **HARD
    )
    manager = area.managers[0]
    client.force_login(manager.user)
    assert client.get(_url(area, "briefing", briefing.pk)).status_code == 404
    assert _post(client, _url(area, "briefing_publish", briefing.pk), {}).status_code == 404
    assert client.get(_url(area, "briefings")).json()["results"] == []

    client.force_login(area.convenor.user)
    assert client.get(_url(area, "briefing", briefing.pk)).status_code == 200
    assert [b["id"] for b in client.get(_url(area, "briefings")).json()["results"]] == [briefing.pk]


def test_the_list_is_paginated_newest_first_with_drafts_first_for_the_facilitator(client, area):
    older = _published(area, now=timezone.now() - dt.timedelta(days=2))
    newer = _published(area, decision=area.decide("One pathology courier"))
    draft = services.briefing_save(
        actor_membership=area.convenor,
        decision=area.decide("One winter plan"),
        **HARD,
    )
    client.force_login(area.managers[0].user)
    listed = client.get(_url(area, "briefings")).json()
    assert listed["count"] == 2 and listed["next"] is None
    assert [b["id"] for b in listed["results"]] == [newer.pk, older.pk]
    assert listed["results"][0]["decision"]["title"] == "One pathology courier"
    assert listed["results"][0]["figures"]["practices"] == 20
    assert listed["results"][0]["figures"]["touches"] == 20
    assert listed["results"][0]["figures"]["reach"] == 0

    client.force_login(area.convenor.user)
    listed = client.get(_url(area, "briefings")).json()
    assert [b["id"] for b in listed["results"]] == [draft.pk, newer.pk, older.pk]
    assert listed["results"][0]["figures"]["practices"] == 0
    assert listed["results"][0]["figures"]["reach"] is None


def test_it_works_with_a_token_and_not_without_one(client, area):
    briefing = _published(area)
    key = api_token_mint(user=area.managers[0].user, name="Test client").key
    response = client.get(_url(area, "briefing", briefing.pk), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["summary"] == PLAIN["summary"]
    assert client.get(_url(area, "briefing", briefing.pk)).status_code == 401


# Touches, acknowledgements and figures -----------------------------------------------------


def test_the_figures_count_touches_and_acknowledgements(client, area):
    briefing = _published(area)
    pcn_a, pcn_a_practices = area.pcns[0], area.practices[:5]

    # The Clinical Director of PCN A takes it to the PCN meeting: a touch for each practice.
    client.force_login(area.cd_of(pcn_a).user)
    response = _post(
        client,
        _url(area, "briefing_touches", briefing.pk),
        {
            "channel": "pcn_meeting",
            "happened_on": _today(),
            "practices": [p.pk for p in pcn_a_practices],
            "note": "Item 3.",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["recorded"] == 5

    # Two practices discussed it at their practice meeting (each a touch), one understood it.
    for practice, answer in zip(
        area.practices[:3], ["discussed", "discussed", "understood"], strict=True
    ):
        client.force_login(area.manager_of(practice).user)
        body = {"acknowledgement": answer, "discussed_on": _today()}
        if answer == "understood":
            body["discussed_on"] = None
        response = _put(client, _url(area, "briefing_acknowledgement", briefing.pk), body)
        assert response.status_code == 200, response.json()
        assert response.json()["acknowledgement"] == answer

    # 20 e-mails at publication + 5 at the PCN meeting + 2 practice meetings.
    touches, practices, acknowledged = 20 + 5 + 2, 20, 3
    expected = {
        "practices": practices,
        "acknowledged": acknowledged,
        "reach": pytest.approx(acknowledged / practices),  # 0.15
        "touches": touches,
        "touches_per_practice": pytest.approx(touches / practices),  # 1.35
        "over_communication_index": pytest.approx(touches / practices / 2),  # 0.675
        "index_below_one": True,
        "not_reached_after_7_days": 0,
        "actions_due": 20,
        "actions_in_place": 0,
        "actions_exception": 0,
        "actions_in_place_share": 0,
        "questions_open": 0,
    }
    client.force_login(area.managers[10].user)
    assert client.get(_url(area, "briefings_figures")).json() == expected
    assert client.get(_url(area, "briefing", briefing.pk)).json()["figures"] == expected
    assert client.get(_url(area, "briefings")).json()["results"][0]["figures"] == expected

    rows = client.get(_url(area, "briefing_threads", briefing.pk)).json()
    assert len(rows) == 20
    first = rows[0]
    assert first["practice"] == {
        "id": area.practices[0].pk,
        "name": "Practice A1",
        "ods_code": area.practices[0].ods_code,
    }
    assert first["pcn"] == {"id": pcn_a.pk, "name": "PCN A"}
    assert first["touches"] == 3  # e-mail, PCN meeting, practice meeting
    assert first["acknowledgement"] == "discussed"
    assert first["discussed_on"] == _today()
    assert first["acknowledged_at"] is not None
    assert first["action_status"] == ""
    assert first["questions_open"] == 0
    assert first["overdue"] is False
    assert [r["touches"] for r in rows] == [3, 3, 2, 2, 2] + [1] * 15
    assert [r["acknowledgement"] for r in rows][:4] == ["discussed", "discussed", "understood", ""]

    touches_listed = client.get(_url(area, "briefing_touches", briefing.pk)).json()
    assert touches_listed["count"] == touches
    channels = [t["channel"] for t in touches_listed["results"]]
    assert channels.count("email") == 20
    assert channels.count("pcn_meeting") == 5
    assert channels.count("practice_meeting") == 2


def test_a_practice_sees_its_own_thread_on_the_briefing(client, area):
    briefing = _published(area)
    manager = area.manager_of(area.practices[7])
    client.force_login(manager.user)
    _put(
        client,
        _url(area, "briefing_acknowledgement", briefing.pk),
        {"acknowledgement": "understood"},
    )
    own = client.get(_url(area, "briefing", briefing.pk)).json()["own_thread"]
    assert own["practice"]["id"] == area.practices[7].pk
    assert own["pcn"]["name"] == "PCN B"
    assert own["acknowledgement"] == "understood"
    assert own["touches"] == 1

    client.force_login(area.cds[0].user)  # a CD speaks for a PCN, not a practice
    assert client.get(_url(area, "briefing", briefing.pk)).json()["own_thread"] is None


def test_a_practice_cannot_acknowledge_or_record_touches_for_another(client, area):
    briefing = _published(area)
    # A practice that joined after publication is not on the thread.
    late = OrganisationFactory(name="Late Surgery")
    MemberOrganisationFactory(collective=area.convenor.collective, organisation=late)
    latecomer = MembershipFactory(
        collective=area.convenor.collective, role=Role.MEMBER, organisation=late
    )
    for who in (latecomer, area.cds[0], area.convenor):
        client.force_login(who.user)
        response = _put(
            client,
            _url(area, "briefing_acknowledgement", briefing.pk),
            {"acknowledgement": "understood"},
        )
        assert response.status_code == 403, who
        assert "practice" in response.json()["detail"]
    assert not Thread.objects.filter(acknowledged_at__isnull=False).exists()

    client.force_login(area.manager_of(area.practices[0]).user)
    response = _post(
        client,
        _url(area, "briefing_touches", briefing.pk),
        {"channel": "huddle", "happened_on": _today(), "practices": [area.practices[1].pk]},
    )
    assert response.status_code == 403
    assert "Practice A2" in response.json()["detail"]
    assert Touch.objects.count() == 20


def test_a_clinical_director_records_the_pcn_meeting_for_the_pcns_practices_only(client, area):
    briefing = _published(area)
    pcn_b = area.pcns[1]
    mine = [p.pk for p in area.practices[5:10]]
    client.force_login(area.cd_of(pcn_b).user)
    response = _post(
        client,
        _url(area, "briefing_touches", briefing.pk),
        {"channel": "pcn_meeting", "happened_on": _today(), "practices": mine},
    )
    assert response.status_code == 201
    recorded = response.json()["touches"]
    assert sorted(t["practice"]["id"] for t in recorded) == sorted(mine)
    assert {t["channel"] for t in recorded} == {"pcn_meeting"}
    assert {t["recorded_by"] for t in recorded} == {"Dr CD of PCN B"}

    refused = _post(
        client,
        _url(area, "briefing_touches", briefing.pk),
        {"channel": "pcn_meeting", "happened_on": _today(), "practices": [area.practices[0].pk]},
    )
    assert refused.status_code == 403
    assert "Practice A1" in refused.json()["detail"]

    rows = client.get(_url(area, "briefing_threads", briefing.pk)).json()
    by_practice = {r["practice"]["id"]: r["touches"] for r in rows}
    assert [by_practice[p] for p in mine] == [2] * 5
    assert sum(by_practice.values()) == 25


def test_a_practice_reports_the_action(client, area):
    briefing = _published(area)
    client.force_login(area.managers[0].user)
    url = _url(area, "briefing_action", briefing.pk)
    missing = _put(client, url, {"status": "exception"})
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Say why the practice is an exception."]}
    response = _put(client, url, {"status": "in_place"})
    assert response.status_code == 200
    assert response.json()["action_status"] == "in_place"
    figures = client.get(_url(area, "briefings_figures")).json()
    assert figures["actions_due"] == 20 and figures["actions_in_place"] == 1
    assert figures["actions_in_place_share"] == pytest.approx(1 / 20)

    client.force_login(area.cds[0].user)
    assert _put(client, url, {"status": "in_place"}).status_code == 403


# Questions ---------------------------------------------------------------------------------


def test_a_question_is_asked_answered_and_then_seen_by_every_practice(client, area):
    briefing = _published(area)
    asker, other = area.manager_of(area.practices[0]), area.manager_of(area.practices[19])
    client.force_login(asker.user)
    asked = _post(
        client,
        _url(area, "briefing_questions", briefing.pk),
        {"text": "Can housebound patients still have home visits?"},
    )
    assert asked.status_code == 201, asked.json()
    question = asked.json()
    assert question["practice"] == {"id": area.practices[0].pk, "name": "Practice A1"}
    assert question["answer"] == "" and question["answered_at"] is None
    # The asker sees their open question; another practice does not, yet.
    assert [q["id"] for q in client.get(_url(area, "briefing_questions", briefing.pk)).json()] == [
        question["id"]
    ]
    client.force_login(other.user)
    assert client.get(_url(area, "briefing_questions", briefing.pk)).json() == []
    assert client.get(_url(area, "briefings_figures")).json()["questions_open"] == 1
    refused = _post(
        client,
        _url(area, "briefing_question_answer", briefing.pk, question["id"]),
        {"answer": "Yes."},
    )
    assert refused.status_code == 403

    client.force_login(area.convenor.user)
    assert [q["id"] for q in client.get(_url(area, "briefing_questions", briefing.pk)).json()] == [
        question["id"]
    ]
    answered = _post(
        client,
        _url(area, "briefing_question_answer", briefing.pk, question["id"]),
        {"answer": "Yes: the district nurses take the bloods."},
    )
    assert answered.status_code == 200
    assert answered.json()["answer"] == "Yes: the district nurses take the bloods."
    assert answered.json()["answered_at"] is not None

    client.force_login(other.user)
    seen = client.get(_url(area, "briefing_questions", briefing.pk)).json()
    assert [(q["text"], q["answer"]) for q in seen] == [
        (
            "Can housebound patients still have home visits?",
            "Yes: the district nurses take the bloods.",
        )
    ]
    detail = client.get(_url(area, "briefing", briefing.pk)).json()
    assert [q["id"] for q in detail["questions"]] == [question["id"]]
    assert client.get(_url(area, "briefings_figures")).json()["questions_open"] == 0


def test_acknowledging_with_questions_asks_the_question(client, area):
    briefing = _published(area)
    client.force_login(area.managers[3].user)
    url = _url(area, "briefing_acknowledgement", briefing.pk)
    assert _put(client, url, {"acknowledgement": "questions"}).json() == {
        "question": ["Write your question."]
    }
    response = _put(client, url, {"acknowledgement": "questions", "question": "Who pays?"})
    assert response.status_code == 200
    assert response.json()["questions_open"] == 1


# Wrong input -------------------------------------------------------------------------------


def test_wrong_types_give_a_400_naming_the_field(client, area):
    briefing = _published(area)
    touches = _url(area, "briefing_touches", briefing.pk)
    good_touch = {
        "channel": "huddle",
        "happened_on": _today(),
        "practices": [area.practices[0].pk],
    }
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.force_login(area.convenor.user)
    cases = [
        (touches, {**good_touch, "happened_on": "last Tuesday"}, "happened_on"),
        (touches, {**good_touch, "happened_on": tomorrow}, "happened_on"),
        (touches, {**good_touch, "channel": "carrier_pigeon"}, "channel"),
        (touches, {**good_touch, "practices": ["Practice A1"]}, "practices"),
        (touches, {**good_touch, "practices": 7}, "practices"),
        (touches, {**good_touch, "practices": []}, "practices"),
        (touches, {**good_touch, "practices": [area.practices[0].pk, 999999]}, "practices"),
        (touches, {**good_touch, "note": "x" * 301}, "note"),
        (
            _url(area, "briefing_publish", briefing.pk),
            {"confirm_hard": "perhaps"},
            "confirm_hard",
        ),
        (_url(area, "briefings"), {"decision": "the last one", **PLAIN}, "decision"),
        (_url(area, "briefings"), {"decision": 999999, **PLAIN}, "decision"),
        (
            _url(area, "briefings"),
            {"decision": area.decision.pk, **PLAIN, "action_by": "soon"},
            "action_by",
        ),
        (_url(area, "briefings"), {"decision": area.decision.pk, "meaning": "m"}, "summary"),
        (
            _url(area, "briefing_question_answer", briefing.pk, _question(area, briefing)),
            {"answer": "   "},
            "answer",
        ),
    ]
    for url, body, field in cases:
        response = _post(client, url, body)
        assert response.status_code == 400, (body, response.status_code)
        assert field in response.json(), (body, response.json())
    assert Touch.objects.count() == 20

    client.force_login(area.managers[0].user)
    ack = _url(area, "briefing_acknowledgement", briefing.pk)
    action = _url(area, "briefing_action", briefing.pk)
    cases = [
        (ack, {"acknowledgement": "maybe"}, "acknowledgement"),
        (ack, {"acknowledgement": "discussed"}, "discussed_on"),
        (ack, {"acknowledgement": "discussed", "discussed_on": "Monday"}, "discussed_on"),
        (ack, {"acknowledgement": "discussed", "discussed_on": tomorrow}, "discussed_on"),
        (action, {"status": "done"}, "status"),
        (action, {}, "status"),
    ]
    for url, body, field in cases:
        response = _put(client, url, body)
        assert response.status_code == 400, (body, response.status_code)
        assert field in response.json(), (body, response.json())
    questions = _url(area, "briefing_questions", briefing.pk)
    assert "text" in _post(client, questions, {"text": " "}).json()
    assert "text" in _post(client, questions, {}).json()


def _question(area, briefing):
    thread = Thread.objects.get(briefing=briefing, practice=area.practices[0])
    return services.question_ask(
        membership=area.manager_of(area.practices[0]), thread=thread, text="Why?"
    ).pk


# "Who we are" ------------------------------------------------------------------------------

ABOUT = (
    "We are the leaders of the practices in our area. We meet once a month. We decide "
    "things together and tell every practice what we decided."
)


def _about_actions():
    return list(
        AuditEntry.objects.filter(action__startswith="about_page.")
        .order_by("pk")
        .values_list("action", "actor_id")
    )


def test_a_convenor_writes_who_we_are_and_publishes_it(client, area):
    convenor, manager = area.convenor, area.managers[0]
    url = _url(area, "about")
    client.force_login(convenor.user)
    response = _put(client, url, {"text": " " + ABOUT})
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == ABOUT and body["published_at"] is None
    assert body["readability"]["below_threshold"] is False
    assert body["reading_ease"] == pytest.approx(body["readability"]["reading_ease"])
    assert client.get(url).json()["text"] == ABOUT  # the draft, for convenors
    client.force_login(manager.user)
    assert client.get(url).status_code == 404  # but for no one else yet

    client.force_login(convenor.user)
    published = _post(client, _url(area, "about_publish"), {})
    assert published.status_code == 200
    assert published.json()["published_at"] is not None
    assert published.json()["published_below_threshold"] is False
    client.force_login(manager.user)
    assert client.get(url).json()["text"] == ABOUT

    client.force_login(convenor.user)
    changed = _put(client, url, {"text": ABOUT + " Welcome."})
    assert changed.status_code == 200 and changed.json()["published_at"] is None
    assert _about_actions() == [
        ("about_page.created", convenor.user_id),
        ("about_page.published", convenor.user_id),
        ("about_page.changed", convenor.user_id),
    ]
    assert AboutPage.objects.get().collective == convenor.collective


def test_a_hard_who_we_are_is_published_only_with_confirm_hard(client, area):
    hard = " ".join(HARD.values()).strip()
    client.force_login(area.convenor.user)
    written = _put(client, _url(area, "about"), {"text": hard})
    readability = written.json()["readability"]
    assert readability["below_threshold"] is True and readability["hardest_words"]
    url = _url(area, "about_publish")
    response = _post(client, url, {})
    assert response.status_code == 400
    [message] = response.json()["confirm_hard"]
    assert message.startswith("The text reads hard (reading ease")
    assert message.endswith("To publish it as it is, send confirm_hard: true.")
    assert AboutPage.objects.get().published_at is None
    assert _post(client, url, {"confirm_hard": "perhaps"}).json() == {
        "confirm_hard": ["Must be a valid boolean."]
    }
    response = _post(client, url, {"confirm_hard": True})
    assert response.status_code == 200
    assert response.json()["published_below_threshold"] is True
    assert [a for a, _ in _about_actions()] == ["about_page.created", "about_page.published"]


def test_who_we_are_without_text_is_a_400_naming_the_field(client, area):
    client.force_login(area.convenor.user)
    response = _put(client, _url(area, "about"), {"text": "  "})
    assert response.status_code == 400
    assert response.json() == {"text": ["Say what the leadership group is and what it does."]}
    assert _put(client, _url(area, "about"), {}).json() == {"text": ["This field is required."]}
    response = _post(client, _url(area, "about_publish"), {"confirm_hard": True})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Write the text first."]}
    assert not AboutPage.objects.exists() and _about_actions() == []


def test_only_convenors_write_or_publish_who_we_are(client, area):
    who_we_are.about_save(actor_membership=area.convenor, text=ABOUT)
    for someone in (area.cds[0], area.managers[0]):
        client.force_login(someone.user)
        response = _put(client, _url(area, "about"), {"text": "Ours."})
        assert response.status_code == 403
        assert response.json() == {"detail": "Only a convenor of the collective can do that."}
        assert _post(client, _url(area, "about_publish"), {}).status_code == 403
    page = AboutPage.objects.get()
    assert (page.text, page.published_at) == (ABOUT, None)
    assert [a for a, _ in _about_actions()] == ["about_page.created"]


def test_anonymous_callers_cannot_read_or_write_who_we_are(client, area):
    assert client.get(_url(area, "about")).status_code == 401
    assert _put(client, _url(area, "about"), {"text": "Ours."}).status_code == 401
    assert _post(client, _url(area, "about_publish"), {}).status_code == 401
    assert not AboutPage.objects.exists()


# Tenancy and the schema --------------------------------------------------------------------


def test_the_convenor_of_another_collective_finds_nothing(client, area, outsider):
    briefing = _published(area)
    question = _question(area, briefing)
    pk = briefing.pk
    calls = [
        ("get", "briefings", ()),
        ("post", "briefings", ()),
        ("get", "briefings_figures", ()),
        ("get", "briefing", (pk,)),
        ("post", "briefing_publish", (pk,)),
        ("get", "briefing_threads", (pk,)),
        ("get", "briefing_touches", (pk,)),
        ("post", "briefing_touches", (pk,)),
        ("put", "briefing_acknowledgement", (pk,)),
        ("put", "briefing_action", (pk,)),
        ("get", "briefing_questions", (pk,)),
        ("post", "briefing_questions", (pk,)),
        ("post", "briefing_question_answer", (pk, question)),
        ("get", "about", ()),
        ("put", "about", ()),
        ("post", "about_publish", ()),
    ]
    bodies = {
        "briefings": {"decision": area.decision.pk, **PLAIN},
        "briefing_publish": {"confirm_hard": True},
        "briefing_touches": {
            "channel": "huddle",
            "happened_on": _today(),
            "practices": [area.practices[0].pk],
        },
        "briefing_acknowledgement": {"acknowledgement": "understood"},
        "briefing_action": {"status": "in_place"},
        "briefing_questions": {"text": "Why?"},
        "briefing_question_answer": {"answer": "Because."},
        "about": {"text": "Ours now."},
        "about_publish": {"confirm_hard": True},
    }
    who_we_are.about_save(actor_membership=area.convenor, text=ABOUT)
    who_we_are.about_publish(actor_membership=area.convenor)
    client.force_login(outsider.user)
    for method, name, args in calls:
        url = _url(area, name, *args)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, bodies[name], content_type=JSON)
        assert response.status_code == 404, (method, name, response.status_code)
    # Nor under their own collective's address.
    own = reverse("api:briefing", args=[outsider.collective.slug, pk])
    assert client.get(own).status_code == 404
    assert Touch.objects.count() == 20
    assert not Thread.objects.filter(acknowledged_at__isnull=False).exists()
    assert AboutPage.objects.get().text == ABOUT


def test_the_schema_describes_the_golden_thread(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    prefix = "/api/v1/collectives/{slug}/briefings/"
    for path in (
        "",
        "figures/",
        "{id}/",
        "{id}/publish/",
        "{id}/threads/",
        "{id}/touches/",
        "{id}/acknowledgement/",
        "{id}/action/",
        "{id}/questions/",
        "{id}/questions/{item_pk}/answer/",
    ):
        assert prefix + path in schema["paths"], path
    assert "put" in schema["paths"][prefix + "{id}/acknowledgement/"]
    about = "/api/v1/collectives/{slug}/who-we-are/"
    put = schema["paths"][about]["put"]
    assert put["requestBody"]["content"][JSON]["schema"] == {
        "$ref": "#/components/schemas/AboutInput"
    }
    assert {"200", "201"} <= set(put["responses"])
    publish = schema["paths"][about + "publish/"]["post"]
    assert publish["requestBody"]["content"][JSON]["schema"] == {
        "$ref": "#/components/schemas/PublishInput"
    }
    assert publish["responses"]["200"]["content"][JSON]["schema"] == {
        "$ref": "#/components/schemas/AboutOutput"
    }
    assert "FiguresOutput" in schema["components"]["schemas"]


# Queries -----------------------------------------------------------------------------------


def _threads_queries(client, group):
    briefing = _published(group)
    for practice in group.practices[:3]:
        services.acknowledge(
            membership=group.manager_of(practice),
            thread=Thread.objects.get(briefing=briefing, practice=practice),
            acknowledgement="questions",
            question="Who pays?",
        )
    client.force_login(group.convenor.user)
    url = reverse("api:briefing_threads", args=[group.convenor.collective.slug, briefing.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.json()), len(queries)


class _Measured(Exception):
    pass


def _measured(client, convenor, **size):
    """Rows and queries of the threads endpoint for a collective of this size, built and
    then rolled back (build_collective's e-mail addresses are fixed, so two cannot live in
    one database at once)."""
    try:
        with transaction.atomic():
            raise _Measured(_threads_queries(client, build_collective(convenor, **size)))
    except _Measured as measured:
        return measured.args[0]


def test_the_threads_endpoint_runs_as_many_queries_for_12_practices_as_for_4(client, convenor):
    rows_small, queries_small = _measured(client, convenor, pcns=1, per_pcn=4)
    rows_large, queries_large = _measured(client, convenor, pcns=3, per_pcn=4)
    assert (rows_small, rows_large) == (4, 12)
    assert queries_small == queries_large
