"""Golden-thread pages: what facilitators, practice managers, Clinical Directors and
convenors see, the errors each form shows, and a fixed number of queries per page however
many practices there are."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from alliance.testing import MembershipFactory, page_queries
from collectives.models import Role
from decisions.models import Decision
from golden_thread import services, who_we_are
from golden_thread.models import AboutPage, Briefing, Channel, Question, Thread, Touch
from golden_thread.readability import measure
from golden_thread.tests.conftest import HARD, PLAIN, Collective, build_collective
from notifications.models import Frequency, Notification, NotificationPreference

TODAY = timezone.localdate
#: What a browser posts from a form whose fields are all left empty: only the CSRF token.
#: (The test client does not check it, but an empty POST would leave the form unbound.)
EMPTY = {"csrfmiddlewaretoken": "from-the-page"}


def _slug(area: Collective) -> str:
    return area.convenor.collective.slug


def _base(area: Collective) -> str:
    return f"/c/{_slug(area)}"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _due() -> str:
    return (TODAY() + dt.timedelta(days=28)).isoformat()


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _draft(area: Collective, text: dict[str, str] = PLAIN, decision: Decision | None = None):
    return services.briefing_save(
        actor_membership=area.convenor,
        decision=decision or area.decision,
        summary=text["summary"],
        meaning=text["meaning"],
        action=text["action"],
        action_by=TODAY() + dt.timedelta(days=28) if text["action"] else None,
    )


def _published(area: Collective, text: dict[str, str] = PLAIN, decision: Decision | None = None):
    briefing = _draft(area, text, decision)
    return services.briefing_publish(
        actor_membership=area.convenor, briefing=briefing, confirm_hard=True
    )


def _thread(briefing: Briefing, practice: Any) -> Thread:
    return Thread.objects.select_related("briefing__decision__proposal", "practice").get(
        briefing=briefing, practice=practice
    )


def _problem(page: str, message: str, field: str | None = None) -> None:
    """The error summary lists the message, linked to the field it is about."""
    assert "There is a problem" in page
    assert message in page
    if field is not None:
        assert re.search(rf'href="#id_{field}(_0)?"', page), f"no link to {field}"


# Writing and publishing ------------------------------------------------------------------


def test_a_hard_briefing_shows_why_it_reads_hard_once_saved(client, area):
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/decisions/{area.decision.pk}/briefing/"
    page = _text(client.get(url))
    assert "Write the briefing" in page and "One phlebotomy service" in page
    response = client.post(url, {**HARD, "action_by": ""})
    briefing = Briefing.objects.get(decision=area.decision)
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/publish/"
    page = _text(client.get(response["Location"]))
    assert "The briefing is saved. Check it, then publish it." in page
    assert "Hard to read: reading ease" in page
    assert "Longest sentences: split them" in page
    assert HARD["summary"] in page  # the longest sentence, to split
    assert "Hardest words: use plainer ones where you can" in page
    assert "<strong>heterogeneity</strong>" in page
    assert "Publish it as it is, although it reads hard" in page


def test_publishing_a_hard_briefing_needs_the_confirmation(client, area):
    briefing = _draft(area, HARD)
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/briefings/{briefing.pk}/publish/"
    page = _text(client.post(url, EMPTY))
    _problem(page, "The briefing reads hard (reading ease")
    assert "Rewrite it, or confirm that you want to publish it as it is." in page
    briefing.refresh_from_db()
    assert not briefing.is_published and not Thread.objects.exists()

    response = client.post(url, {"confirm_hard": "on"})
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/thread/"
    briefing.refresh_from_db()
    assert briefing.is_published and briefing.published_below_threshold
    assert Thread.objects.filter(briefing=briefing).count() == 20
    assert "The briefing is published" in _text(client.get(response["Location"]))
    # Published, it cannot be republished or rewritten.
    assert client.get(url)["Location"] == f"{_base(area)}/briefings/{briefing.pk}/"
    write = f"{_base(area)}/decisions/{area.decision.pk}/briefing/"
    assert client.get(write)["Location"] == f"{_base(area)}/briefings/{briefing.pk}/"


def test_a_plain_briefing_publishes_without_confirmation(client, area):
    client.force_login(area.convenor.user)
    write = f"{_base(area)}/decisions/{area.decision.pk}/briefing/"
    response = client.post(write, {**PLAIN, "action_by": _due()})
    page = _text(client.get(response["Location"]))
    assert "Plain English: reading ease" in page
    assert "Publish it as it is, although it reads hard" not in page
    assert "Publishing sends it to all 20 practices of the collective" in page
    response = client.post(response["Location"], EMPTY)
    briefing = Briefing.objects.get()
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/thread/"
    assert briefing.is_published and not briefing.published_below_threshold


def test_only_the_facilitator_or_a_convenor_writes_and_publishes(client, area):
    briefing = _draft(area)
    for member in (area.managers[0], area.cds[0]):
        client.force_login(member.user)
        write = f"{_base(area)}/decisions/{area.decision.pk}/briefing/"
        assert client.get(write).status_code == 403
        assert client.get(f"{_base(area)}/briefings/{briefing.pk}/publish/").status_code == 404


def test_the_briefing_form_names_each_missing_field(client, area):
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/decisions/{area.decision.pk}/briefing/"
    page = _text(client.post(url, {"summary": "", "meaning": "", "action": "", "action_by": ""}))
    _problem(page, "Say in plain English what the group decided.", "summary")
    _problem(page, "Say what the decision means for a practice.", "meaning")
    page = _text(client.post(url, {**PLAIN, "action_by": ""}))
    _problem(page, "Say by when practices need to do it.", "action_by")
    page = _text(client.post(url, {**PLAIN, "action_by": "next week"}))
    _problem(page, "Enter a valid date.", "action_by")
    assert not Briefing.objects.exists()


def test_the_readability_fragment_measures_the_posted_text(client, area):
    client.force_login(area.managers[0].user)  # any member may measure a text
    url = f"{_base(area)}/briefings/readability/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"summary": HARD["summary"], "meaning": HARD["meaning"]})
    page = _text(response)
    assert response.status_code == 200 and "<html" not in page
    expected = measure(HARD["summary"] + "\n\n" + HARD["meaning"])
    assert f'data-reading-ease="{expected.reading_ease:.1f}"' in page
    assert f"Grade {expected.grade:.1f}" in page
    assert "Hard to read" in page and "<strong>heterogeneity</strong>" in page
    page = _text(client.post(url, PLAIN))
    assert "Plain English: reading ease" in page and "Hardest words" not in page
    assert "Nothing to measure yet." in _text(client.post(url, {}))


# Members and the briefing ------------------------------------------------------------------


def test_drafts_are_hidden_from_members_and_published_briefings_shown(client, area):
    briefing = _draft(area)
    url = f"{_base(area)}/briefings/{briefing.pk}/"
    for member in (area.managers[0], area.cds[0]):
        client.force_login(member.user)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}thread/").status_code == 404
    client.force_login(area.convenor.user)
    page = _text(client.get(url))
    assert "Draft briefing" in page and "Check and publish it" in page
    assert client.get(f"{url}thread/")["Location"] == f"{url}publish/"

    _published(area)
    manager = area.managers[0]
    client.force_login(manager.user)
    page = _text(client.get(url))
    assert "Decision briefing, published" in page
    assert PLAIN["summary"] in page and PLAIN["meaning"] in page and PLAIN["action"] in page
    assert "Your practice has not acknowledged this yet" in page
    assert f"Tell the group it reached {area.practices[0].name}." in page
    client.force_login(area.cds[0].user)  # a CD speaks for a PCN, not for a practice
    page = _text(client.get(url))
    assert PLAIN["summary"] in page and "Acknowledge it" not in page
    client.force_login(MembershipFactory(role=Role.CONVENOR).user)  # another collective
    assert client.get(url).status_code == 404


def test_a_practice_manager_acknowledges_it_was_discussed(client, area):
    briefing = _published(area)
    manager = area.managers[0]
    client.force_login(manager.user)
    url = f"{_base(area)}/briefings/{briefing.pk}/acknowledge/"
    page = _text(client.get(url))
    assert "Did it reach your practice?" in page and area.practices[0].name in page

    page = _text(client.post(url, EMPTY))
    _problem(page, "Choose discussed, understood or we have questions.", "acknowledgement")
    page = _text(client.post(url, {"acknowledgement": "discussed", "discussed_on": ""}))
    _problem(page, "Give the date of the practice meeting.", "discussed_on")
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    page = _text(client.post(url, {"acknowledgement": "discussed", "discussed_on": tomorrow}))
    _problem(page, "The date cannot be in the future.", "discussed_on")
    last_year = (TODAY() - dt.timedelta(days=365)).isoformat()
    page = _text(client.post(url, {"acknowledgement": "discussed", "discussed_on": last_year}))
    _problem(page, f"The briefing was published on {TODAY():%d %B %Y}.", "discussed_on")
    assert not _thread(briefing, area.practices[0]).reached

    response = client.post(url, {"acknowledgement": "discussed", "discussed_on": TODAY()})
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/"
    page = _text(client.get(response["Location"]))
    assert "Thank you: the group knows the decision reached your practice." in page
    assert (
        f"{area.practices[0].name}: Discussed at our practice meeting on {_long_date(TODAY())}"
        in page
    )
    assert "Your practice has not acknowledged this yet" not in page
    assert Touch.objects.filter(channel=Channel.PRACTICE_MEETING).count() == 1


def test_a_practice_manager_acknowledges_with_a_question(client, area):
    briefing = _published(area)
    client.force_login(area.managers[0].user)
    url = f"{_base(area)}/briefings/{briefing.pk}/acknowledge/"
    page = _text(client.post(url, {"acknowledgement": "questions", "question": " "}))
    _problem(page, "Write your question.", "question")
    client.post(url, {"acknowledgement": "questions", "question": "Who books housebound?"})
    page = _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/"))
    assert f"{area.practices[0].name}: We have questions" in page
    assert "Your practice asked “Who books housebound?”: waiting for an answer." in page
    # Others see only answered questions; the facilitator sees it waiting.
    client.force_login(area.managers[1].user)
    page = _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/"))
    assert "Who books housebound?" not in page and "No questions answered yet." in page
    client.force_login(area.convenor.user)
    page = _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/"))
    assert "Who books housebound?" in page and "Waiting for your answer" in page


def test_an_observer_at_a_practice_sees_its_open_questions_neither_on_the_page_nor_the_api(
    client, area
):
    briefing = _published(area)
    services.question_ask(
        membership=area.managers[0], thread=_thread(briefing, area.practices[0]), text="Who books?"
    )
    observer = MembershipFactory(
        collective=area.convenor.collective, role=Role.OBSERVER, organisation=area.practices[0]
    )
    page_url = f"{_base(area)}/briefings/{briefing.pk}/"
    api_url = f"/api/v1/collectives/{_slug(area)}/briefings/{briefing.pk}/questions/"
    client.force_login(observer.user)
    assert "Who books?" not in _text(client.get(page_url))
    assert client.get(api_url).json() == []
    client.force_login(area.managers[0].user)
    assert "Your practice asked “Who books?”: waiting for an answer." in _text(client.get(page_url))
    assert [q["text"] for q in client.get(api_url).json()] == ["Who books?"]


def test_a_facilitator_who_is_not_a_convenor_finds_their_draft_on_the_dashboard(client, area):
    facilitator = area.cds[0]
    decision = area.decide("A shared rota", facilitator=facilitator.user)
    services.briefing_save(
        actor_membership=facilitator, decision=decision, summary="Plain.", meaning="Plain."
    )
    client.force_login(facilitator.user)
    assert "Check and publish: A shared rota" in _text(client.get(f"{_base(area)}/briefings/"))
    client.force_login(area.cds[1].user)
    assert "Check and publish: A shared rota" not in _text(client.get(f"{_base(area)}/briefings/"))


def test_only_a_practices_own_people_acknowledge_for_it(client, area):
    briefing = _published(area)
    for member in (area.cds[0], area.convenor):
        client.force_login(member.user)
        assert client.get(f"{_base(area)}/briefings/{briefing.pk}/acknowledge/").status_code == 403
        assert client.get(f"{_base(area)}/briefings/{briefing.pk}/action/").status_code == 403


def test_a_practice_manager_reports_the_action_and_an_exception_needs_a_reason(client, area):
    briefing = _published(area)
    client.force_login(area.managers[0].user)
    url = f"{_base(area)}/briefings/{briefing.pk}/action/"
    assert "Is the action in place?" in _text(client.get(url))
    page = _text(client.post(url, EMPTY))
    _problem(page, "Choose in place or exception.", "status")
    page = _text(client.post(url, {"status": "exception", "reason": ""}))
    _problem(page, "Say why the practice is an exception.", "reason")
    response = client.post(url, {"status": "exception", "reason": "No room for a clinic."})
    page = _text(client.get(response["Location"]))
    assert "Thank you: the action is reported." in page
    assert re.search(r"Exception\s*</strong> No room for a clinic\.", page)
    client.post(url, {"status": "in_place"})
    assert _thread(briefing, area.practices[0]).action_status == "in_place"
    assert re.search(
        r"In place\s*</strong>", _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/"))
    )


def test_an_action_cannot_be_reported_when_none_was_asked(client, area):
    briefing = _published(area, HARD)  # HARD asks for no action
    client.force_login(area.managers[0].user)
    page = _text(
        client.post(f"{_base(area)}/briefings/{briefing.pk}/action/", {"status": "in_place"})
    )
    _problem(page, "This decision asks practices to do nothing.")


def test_a_clinical_director_records_the_pcn_meeting_for_their_practices_only(client, area):
    briefing = _published(area)
    cd, pcn = area.cds[0], area.pcns[0]
    own = [p for p in area.practices if p.name.startswith("Practice A")]
    other = next(p for p in area.practices if p.name.startswith("Practice B"))
    client.force_login(cd.user)
    url = f"{_base(area)}/briefings/{briefing.pk}/touches/"
    page = _text(client.get(url))
    assert "Record how it reached practices" in page
    assert all(f'value="{p.pk}" checked' in page for p in own)  # all ticked to start
    assert f'value="{other.pk}"' not in page and "Practice B1" not in page
    assert 'value="pcn_meeting" checked' in page

    form = {"channel": "pcn_meeting", "happened_on": TODAY().isoformat(), "note": "March"}
    page = _text(client.post(url, {**form, "practices": [own[0].pk, other.pk]}))
    _problem(page, f"Select a valid choice. {other.pk} is not one of the available choices.")
    page = _text(client.post(url, form))
    _problem(page, "Choose at least one practice.", "practices")
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    page = _text(client.post(url, {**form, "happened_on": tomorrow, "practices": own[0].pk}))
    _problem(page, "The date cannot be in the future.", "happened_on")
    page = _text(client.post(url, {**form, "happened_on": "", "practices": own[0].pk}))
    _problem(page, "Give the date it reached them.", "happened_on")
    page = _text(client.post(url, {**form, "channel": "", "practices": own[0].pk}))
    _problem(page, "Choose how the briefing reached them.", "channel")
    assert not Touch.objects.filter(channel=Channel.PCN_MEETING).exists()

    response = client.post(url, {**form, "practices": [p.pk for p in own]})
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/thread/"
    assert "Recorded for 5 practices." in _text(client.get(response["Location"]))
    met = Touch.objects.filter(channel=Channel.PCN_MEETING)
    assert sorted(t.thread.practice_id for t in met) == sorted(p.pk for p in own)
    assert {t.thread.pcn_id for t in met} == {pcn.pk}


def test_a_practice_manager_records_touches_for_their_own_practice_only(client, area):
    briefing = _published(area)
    client.force_login(area.managers[0].user)
    url = f"{_base(area)}/briefings/{briefing.pk}/touches/"
    page = _text(client.get(url))
    assert area.practices[0].name in page and area.practices[1].name not in page
    assert 'value="practice_meeting" checked' in page
    guest = MembershipFactory(
        collective=area.convenor.collective, role=Role.OBSERVER, user__full_name="Gus Guest"
    )
    client.force_login(guest.user)
    assert client.get(url).status_code == 403


def test_the_facilitators_answer_shows_on_the_briefing_to_every_member(client, area):
    briefing = _published(area)
    thread = _thread(briefing, area.practices[0])
    question = services.question_ask(
        membership=area.managers[0], thread=thread, text="Who books housebound patients?"
    )
    url = f"{_base(area)}/briefings/{briefing.pk}/questions/{question.pk}/answer/"
    client.force_login(area.managers[0].user)
    assert client.get(url).status_code == 403
    client.force_login(area.convenor.user)
    page = _text(client.get(url))
    assert f"Answer {area.practices[0].name}" in page
    assert "Who books housebound patients?" in page
    missing = f"{_base(area)}/briefings/{briefing.pk}/questions/999999/answer/"
    assert client.get(missing).status_code == 404
    page = _text(client.post(url, {"answer": "  "}))
    _problem(page, "Write the answer.", "answer")

    response = client.post(url, {"answer": "The district nurses book them."})
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/#question-{question.pk}"
    for member in (area.managers[0], area.managers[19], area.cds[3], area.convenor):
        client.force_login(member.user)
        page = re.sub(
            r"</?strong>", "", _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/"))
        )
        assert f'id="question-{question.pk}"' in page
        assert f"{area.practices[0].name} asked: Who books housebound patients?" in page
        assert "Answer: The district nurses book them." in page


def test_a_practice_manager_asks_a_question_from_the_briefing(client, area):
    briefing = _published(area)
    client.force_login(area.managers[0].user)
    url = f"{_base(area)}/briefings/{briefing.pk}/questions/"
    assert "Ask a question" in _text(client.get(url))
    page = _text(client.post(url, {"text": ""}))
    _problem(page, "Write your question.", "text")
    response = client.post(url, {"text": "When does it start?"})
    page = _text(client.get(response["Location"]))
    assert "Your question is with the facilitator." in page
    assert Question.objects.get().text == "When does it start?"


def test_the_thread_page_shows_the_figures_and_every_practice_by_pcn(client, area):
    briefing = _published(area)
    services.acknowledge(
        membership=area.managers[0],
        thread=_thread(briefing, area.practices[0]),
        acknowledgement="understood",
    )
    services.action_report(
        membership=area.managers[0],
        thread=_thread(briefing, area.practices[0]),
        status="in_place",
    )
    services.question_ask(
        membership=area.managers[6], thread=_thread(briefing, area.practices[6]), text="When?"
    )
    client.force_login(area.managers[0].user)
    page = _text(client.get(f"{_base(area)}/briefings/{briefing.pk}/thread/"))
    figure = {
        k: v.strip() for k, v in re.findall(r'data-figure="([a-z-]+)">(.*?)</dd>', page, re.S)
    }
    assert set(figure) == {"reach", "touches", "index", "not-reached", "actions", "questions"}
    assert (
        figure["reach"].startswith("5% ") and "(1 of 20 practices acknowledged)" in figure["reach"]
    )
    assert figure["touches"].startswith("1.00 ")  # the e-mail sent on publishing
    assert "0.50" in figure["index"] and "below 1: too little" in figure["index"]
    assert figure["not-reached"] == "0"
    assert figure["actions"].startswith("5% ") and "(1 in place, 0 exceptions)" in figure["actions"]
    assert figure["questions"] == "1"

    headings = re.findall(r'<h2 class="nhsuk-heading-m">(.*?)</h2>', page)
    assert headings == ["PCN A", "PCN B", "PCN C", "PCN D"]
    rows = re.findall(r'data-practice="([^"]+)"', page)
    assert rows == [p.name for p in area.practices]  # A1..A5, B1..B5, ...
    sections = re.split(r'<h2 class="nhsuk-heading-m">', page)[1:]
    assert [re.findall(r'data-practice="([^"]+)"', s) for s in sections] == [
        [p.name for p in area.practices[i * 5 : i * 5 + 5]] for i in range(4)
    ]
    assert "Reach 20%, 1.00 touches per practice." in sections[0]
    # The CD is offered the PCN meeting; others record how it reached practices.
    assert "Record how it reached practices" in page
    client.force_login(area.cds[0].user)
    assert "Record the PCN meeting" in _text(
        client.get(f"{_base(area)}/briefings/{briefing.pk}/thread/")
    )


def test_the_dashboard_lists_briefings_with_figures_and_searches(client, area):
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/briefings/"
    page = _text(client.get(url))
    assert "No briefing has been published yet." in page
    assert "Write the briefing: One phlebotomy service" in page
    assert page.count('data-figure="') == 6  # the collective's figures, all empty
    assert "Practice A1" in page and "Practice D5" in page  # each practice's own page

    briefing = _published(area)
    services.acknowledge(
        membership=area.managers[0],
        thread=_thread(briefing, area.practices[0]),
        acknowledgement="understood",
    )
    _draft(area, decision=area.decide("Shared winter rota"))
    page = _text(client.get(url))
    assert "1 published briefing" in page
    assert f'href="{url}{briefing.pk}/thread/">One phlebotomy service</a>' in page
    assert "Check and publish: Shared winter rota" in page
    row = re.search(r"<tbody.*?</tbody>", page, re.S)
    assert row is not None and "5%" in row.group(0) and "0.50" in row.group(0)
    totals = dict(re.findall(r'data-figure="([a-z-]+)">(.*?)</dd>', page, re.S))
    assert "(1 of 20 practices acknowledged)" in totals["reach"]

    assert "1 published briefing" in _text(client.get(url, {"q": "PHLEBOTOMY"}))
    page = _text(client.get(url, {"q": "zzz"}))
    assert "No published briefing matches your search." in page
    # Members see the figures, not the drafts.
    client.force_login(area.managers[0].user)
    page = _text(client.get(url))
    assert "One phlebotomy service" in page and "Shared winter rota" not in page
    assert "To write and publish" not in page


def test_the_dashboard_paginates_at_25(client, convenor):
    small = build_collective(convenor, pcns=1, per_pcn=1)
    _published(small)
    for n in range(25):
        _published(small, decision=small.decide(f"Decision number {n + 1:02d}"))
    client.force_login(small.managers[0].user)
    url = f"{_base(small)}/briefings/"
    page = _text(client.get(url))
    assert "26 published briefings, showing 1 to 25" in page
    assert page.count('<tr class="nhsuk-table__row">') == 26  # header and 25 rows
    page = _text(client.get(url, {"page": 2}))
    assert "showing 26 to 26" in page
    assert page.count('<tr class="nhsuk-table__row">') == 2
    page = _text(client.get(url, {"q": "number", "page": 2}))
    assert "25 published briefings</p>" in page  # 25 fit on one page: no page 2
    assert "Decision number 01" in page


def test_the_practice_page_shows_each_decision_and_where_it_stands(client, area):
    practice = area.practices[0]
    url = f"{_base(area)}/briefings/practices/{practice.pk}/"
    client.force_login(area.cds[0].user)
    page = _text(client.get(url))
    assert f"The golden thread to {practice.name}" in page
    assert f"No briefing has been published to {practice.name} yet." in page
    briefing = _published(area)
    services.acknowledge(
        membership=area.managers[0],
        thread=_thread(briefing, practice),
        acknowledgement="understood",
    )
    page = _text(client.get(url))
    assert "1 decision" in page
    assert f'href="{_base(area)}/briefings/{briefing.pk}/">One phlebotomy service</a>' in page
    assert re.search(r"Understood\s*</strong>", page) and "Not reported yet" in page
    other = _text(client.get(f"{_base(area)}/briefings/practices/{area.practices[1].pk}/"))
    assert re.search(r"Not yet\s*</strong>", other)
    assert client.get(f"{_base(area)}/briefings/practices/{area.pcns[0].pk}/").status_code == 404
    assert client.get(f"{_base(area)}/briefings/practices/999999/").status_code == 404


# Who we are ---------------------------------------------------------------------------------


def test_who_we_are_shows_the_leadership_and_recent_decisions(client, area):
    client.force_login(area.managers[0].user)
    url = f"{_base(area)}/who-we-are/"
    page = _text(client.get(url))
    for pcn in area.pcns:
        assert f"<strong>{pcn.name}</strong>: Dr CD of {pcn.name} (representative)" in page
    assert "No decisions have been briefed to practices yet." in page
    assert "Edit “Who we are”" not in page
    assert "No closed trust survey has asked this yet." in page
    briefing = _published(area)
    page = _text(client.get(url))
    assert f'href="{_base(area)}/briefings/{briefing.pk}/">One phlebotomy service</a>' in page
    assert PLAIN["summary"] in page


def test_who_we_are_is_edited_by_convenors_only(client, area):
    url = f"{_base(area)}/who-we-are/edit/"
    for member in (area.managers[0], area.cds[0]):
        client.force_login(member.user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"text": "Ours.", "publish": "1"}).status_code == 403
    assert not AboutPage.objects.exists()


def test_a_hard_who_we_are_needs_confirmation_to_publish(client, area):
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/who-we-are/edit/"
    assert "Edit “Who we are”" in _text(client.get(url))
    page = _text(client.post(url, {"text": "", "publish": "1"}))
    _problem(page, "Say what the leadership group is and what it does.", "text")
    hard = HARD["summary"]
    page = _text(client.post(url, {"text": hard, "publish": "1"}))
    _problem(page, "The text reads hard (reading ease")
    assert "Hard to read" in page and "Publish it as it is, although it reads hard" in page
    assert AboutPage.objects.get().published_at is None  # saved, not published
    client.force_login(area.managers[0].user)
    assert hard not in _text(client.get(f"{_base(area)}/who-we-are/"))

    client.force_login(area.convenor.user)
    response = client.post(url, {"text": hard, "publish": "1", "confirm_hard": "on"})
    assert response["Location"] == f"{_base(area)}/who-we-are/"
    assert "“Who we are” is published." in _text(client.get(response["Location"]))
    page_row = AboutPage.objects.get()
    assert page_row.published_at is not None and page_row.published_below_threshold
    client.force_login(area.managers[0].user)
    assert hard in _text(client.get(f"{_base(area)}/who-we-are/"))


def test_a_plain_who_we_are_publishes_and_a_draft_stays_with_convenors(client, area):
    client.force_login(area.convenor.user)
    url = f"{_base(area)}/who-we-are/edit/"
    text = "We are the GP leaders of the island. We meet each month. We decide together."
    response = client.post(url, {"text": text})
    assert "Saved as a draft." in _text(client.get(response["Location"]))
    page = _text(client.get(f"{_base(area)}/who-we-are/"))
    assert text in page and "Draft: only convenors see this" in page
    client.force_login(area.managers[0].user)
    assert text not in _text(client.get(f"{_base(area)}/who-we-are/"))
    client.force_login(area.convenor.user)
    client.post(url, {"text": text, "publish": "1"})
    client.force_login(area.managers[0].user)
    page = _text(client.get(f"{_base(area)}/who-we-are/"))
    assert text in page and "Draft: only convenors see this" not in page


# Notifications --------------------------------------------------------------------------------


def test_the_inbox_lists_each_persons_notifications(client, area):
    url = f"{_base(area)}/notifications/"
    client.force_login(area.managers[0].user)
    page = _text(client.get(url))
    assert "Nothing yet. When a decision is published to your practice" in page
    _published(area)
    page = _text(client.get(url))
    assert "1 notification" in page
    assert "New decision for your practice: One phlebotomy service" in page
    assert "Mark all 1 as read" in page and re.search(r"New\s*</strong>", page)
    assert "Please take to your next PCN meeting" not in page
    client.force_login(area.cds[0].user)
    page = _text(client.get(url))
    assert "Please take to your next PCN meeting: One phlebotomy service" in page
    assert "New decision for your practice" not in page
    # Opening one marks it read and goes to the briefing.
    briefing = Briefing.objects.get()
    notification = Notification.objects.get(user=area.cds[0].user)
    response = client.post(f"{url}{notification.pk}/")
    assert response["Location"] == f"{_base(area)}/briefings/{briefing.pk}/"
    assert "New</strong>" not in _text(client.get(url))
    client.force_login(area.managers[0].user)
    assert client.post(f"{url}{notification.pk}/").status_code == 404  # not theirs
    response = client.post(f"{url}read-all/")
    page = _text(client.get(response["Location"]))
    assert "All notifications are marked as read." in page and "Mark all" not in page


def test_notification_preferences_are_chosen_and_validated(client, area):
    client.force_login(area.managers[0].user)
    url = "/account/notifications/"
    page = _text(client.get(url))
    assert "How often should we e-mail you?" in page
    page = _text(client.post(url, EMPTY))
    _problem(page, "Choose how often we e-mail you.", "frequency")
    page = _text(client.post(url, {"frequency": "hourly-ish"}))
    _problem(page, "Select a valid choice.", "frequency")
    choice = Frequency.values[-1]
    response = client.post(url, {"frequency": choice})
    assert response["Location"] == url
    assert f"Saved: {Frequency(choice).label}" in _text(client.get(url))
    assert NotificationPreference.objects.get(user=area.managers[0].user).frequency == choice


# Queries ----------------------------------------------------------------------------------------


def _activity(area: Collective) -> Briefing:
    """A published briefing with something on every row: acknowledgements, touches,
    questions asked and answered, actions reported; a draft and a decision to brief; and a
    "who we are" page."""
    briefing = _published(area)
    for i, (practice, manager) in enumerate(zip(area.practices, area.managers, strict=True)):
        thread = _thread(briefing, practice)
        services.acknowledge(
            membership=manager,
            thread=thread,
            acknowledgement="discussed",
            discussed_on=TODAY(),
        )
        services.action_report(
            membership=manager,
            thread=thread,
            status="exception" if i % 2 else "in_place",
            reason="No room." if i % 2 else "",
        )
        question = services.question_ask(membership=manager, thread=thread, text=f"Q{i}?")
        if i % 2:
            services.question_answer(actor_membership=area.convenor, question=question, answer="A")
    for pcn, cd in zip(area.pcns, area.cds, strict=True):
        services.pcn_meeting_record(
            actor_membership=cd, briefing=briefing, pcn_id=pcn.pk, met_on=TODAY()
        )
    _draft(area, decision=area.decide("Shared winter rota"))
    area.decide("Extended hours")
    who_we_are.about_save(actor_membership=area.convenor, text=PLAIN["summary"])
    who_we_are.about_publish(actor_membership=area.convenor, confirm_hard=True)
    return briefing


def _pages(area: Collective, briefing: Briefing) -> dict[str, tuple[Any, str]]:
    """Each page by name: who looks at it, and its address."""
    base, pk = _base(area), briefing.pk
    draft = Briefing.objects.get(collective=area.convenor.collective, published_at__isnull=True)
    question = Question.objects.filter(thread__briefing=briefing).order_by("pk").first()
    assert question is not None
    manager, cd, convenor = area.managers[0], area.cds[0], area.convenor
    return {
        "dashboard": (convenor, f"{base}/briefings/"),
        "dashboard, member": (manager, f"{base}/briefings/"),
        "dashboard, search": (convenor, f"{base}/briefings/?q=phlebotomy"),
        "write": (convenor, f"{base}/decisions/{draft.decision_id}/briefing/"),
        "publish": (convenor, f"{base}/briefings/{draft.pk}/publish/"),
        "briefing, facilitator": (convenor, f"{base}/briefings/{pk}/"),
        "briefing, manager": (manager, f"{base}/briefings/{pk}/"),
        "briefing, CD": (cd, f"{base}/briefings/{pk}/"),
        "thread": (convenor, f"{base}/briefings/{pk}/thread/"),
        "thread, CD": (cd, f"{base}/briefings/{pk}/thread/"),
        "acknowledge": (manager, f"{base}/briefings/{pk}/acknowledge/"),
        "action": (manager, f"{base}/briefings/{pk}/action/"),
        "question": (manager, f"{base}/briefings/{pk}/questions/"),
        "answer": (convenor, f"{base}/briefings/{pk}/questions/{question.pk}/answer/"),
        "touches, facilitator": (convenor, f"{base}/briefings/{pk}/touches/"),
        "touches, CD": (cd, f"{base}/briefings/{pk}/touches/"),
        "touches, manager": (manager, f"{base}/briefings/{pk}/touches/"),
        "practice": (cd, f"{base}/briefings/practices/{area.practices[0].pk}/"),
        "who we are": (manager, f"{base}/who-we-are/"),
        "who we are, edit": (convenor, f"{base}/who-we-are/edit/"),
        "inbox, manager": (manager, f"{base}/notifications/"),
        "inbox, convenor": (convenor, f"{base}/notifications/"),
        "preferences": (manager, "/account/notifications/"),
    }


def _counts(client: Any, pages: dict[str, tuple[Any, str]]) -> dict[str, int]:
    counts = {}
    for name, (member, url) in pages.items():
        client.force_login(member.user)
        counts[name] = page_queries(client, url)
    return counts


@pytest.mark.django_db
def test_every_page_runs_the_same_queries_for_4_practices_as_for_20(
    client, django_assert_max_num_queries
):
    few = build_collective(MembershipFactory(role=Role.CONVENOR), pcns=1, per_pcn=4)
    for m in few.cds + few.managers:  # build_collective gives every area the same e-mails
        EmailAddress.objects.filter(user=m.user).update(email=f"few-{m.user.email}")
        m.user.email = f"few-{m.user.email}"
        m.user.save(update_fields=["email"])
    many = build_collective(MembershipFactory(role=Role.CONVENOR), pcns=4, per_pcn=5)
    few_pages = _pages(few, _activity(few))
    many_pages = _pages(many, _activity(many))
    assert _counts(client, many_pages) == _counts(client, few_pages)
    for name, (member, url) in many_pages.items():
        client.force_login(member.user)
        client.get(url)
        with django_assert_max_num_queries(25, info=name):
            assert client.get(url).status_code == 200


def test_a_practice_of_another_collective_gets_404_on_every_briefing_page_and_endpoint(
    client, area
):
    """The people of a practice in collective B see nothing of A's golden thread, on A's
    URLs or on A's objects under B's own URL."""
    briefing = _published(area)
    question = services.question_ask(
        membership=area.managers[0], thread=_thread(briefing, area.practices[0]), text="Why?"
    )
    from alliance.testing import MemberOrganisationFactory

    practice_b = MemberOrganisationFactory().organisation
    manager_b = MembershipFactory(role=Role.MEMBER, organisation=practice_b)
    client.force_login(manager_b.user)
    pk, q = briefing.pk, question.pk
    practice = area.practices[0].pk
    paths = [
        f"briefings/{pk}/",
        f"briefings/{pk}/thread/",
        f"briefings/{pk}/publish/",
        f"briefings/{pk}/acknowledge/",
        f"briefings/{pk}/action/",
        f"briefings/{pk}/touches/",
        f"briefings/{pk}/questions/",
        f"briefings/{pk}/questions/{q}/answer/",
        f"briefings/practices/{practice}/",
        f"decisions/{area.decision.pk}/briefing/",
    ]
    api = [
        f"briefings/{pk}/",
        f"briefings/{pk}/threads/",
        f"briefings/{pk}/touches/",
        f"briefings/{pk}/questions/",
        f"briefings/{pk}/acknowledgement/",
    ]
    for slug in (_slug(area), manager_b.collective.slug):
        for path in paths:
            for method in (client.get, client.post):
                assert method(f"/c/{slug}/{path}").status_code == 404, (slug, path)
        for path in api:
            url = f"/api/v1/collectives/{slug}/{path}"
            assert client.get(url).status_code in (404, 405), url
            assert client.put(url, {}, content_type="application/json").status_code in (
                404,
                405,
            ), url
    assert client.get(f"/c/{_slug(area)}/briefings/").status_code == 404
    assert client.get(f"/c/{_slug(area)}/who-we-are/").status_code == 404
    own = _text(client.get(f"/c/{manager_b.collective.slug}/briefings/"))
    assert "One phlebotomy service" not in own
    assert Thread.objects.filter(acknowledged_at__isnull=False).count() == 0
