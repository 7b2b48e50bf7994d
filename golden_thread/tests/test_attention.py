"""'What needs your attention' from the golden thread, as each person sees it on the
collective's home page."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from collectives.models import Membership
from golden_thread import services
from golden_thread.attention import briefings_needing_you
from golden_thread.models import Question, Thread
from golden_thread.tests.conftest import PLAIN


def _publish(area, decision=None, *, action=True, by=None):
    texts = PLAIN if action else {**PLAIN, "action": ""}
    briefing = services.briefing_save(
        actor_membership=by or area.convenor,
        decision=decision or area.decision,
        **texts,
        action_by=dt.date(2031, 9, 1) if action else None,
    )
    return services.briefing_publish(actor_membership=by or area.convenor, briefing=briefing)


def _home(client, membership):
    client.force_login(membership.user)
    response = client.get(f"/c/{membership.collective.slug}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _thread(briefing, practice):
    return Thread.objects.get(briefing=briefing, practice=practice)


def test_a_practice_manager_is_asked_to_acknowledge_then_to_report_the_action(area, client):
    briefing = _publish(area)
    practice = area.practices[0]
    manager = area.manager_of(practice)
    page = _home(client, manager)
    assert "Acknowledge: One phlebotomy service" in page
    assert f'href="{briefing.get_absolute_url()}"' in page
    assert "Is it in place?" not in page
    services.acknowledge(
        membership=manager, thread=_thread(briefing, practice), acknowledgement="understood"
    )
    page = _home(client, manager)
    assert "Acknowledge: One phlebotomy service" not in page
    assert "Is it in place? One phlebotomy service" in page
    assert "due 01 September 2031" in page
    services.action_report(
        membership=manager, thread=_thread(briefing, practice), status="in_place"
    )
    page = _home(client, manager)
    assert "One phlebotomy service" not in page
    # Another practice still has it to do.
    assert "Acknowledge: One phlebotomy service" in _home(client, area.managers[1])


def test_with_no_action_asked_acknowledging_is_enough(area, client):
    briefing = _publish(area, action=False)
    practice = area.practices[0]
    manager = area.manager_of(practice)
    assert "Acknowledge: One phlebotomy service" in _home(client, manager)
    services.acknowledge(
        membership=manager, thread=_thread(briefing, practice), acknowledgement="understood"
    )
    page = _home(client, manager)
    assert "One phlebotomy service" not in page
    assert "Is it in place?" not in page


def test_an_unpublished_briefing_asks_nothing_of_practices(area, client):
    services.briefing_save(
        actor_membership=area.convenor,
        decision=area.decision,
        **PLAIN,
        action_by=dt.date(2031, 9, 1),
    )
    assert "Acknowledge:" not in _home(client, area.managers[0])
    assert "not reached" not in _home(client, area.cds[0])


def test_a_clinical_director_sees_how_many_of_their_practices_are_not_reached(area, client):
    briefing = _publish(area)
    cd = area.cds[0]
    page = _home(client, cd)
    assert "5 practices of your PCN not reached: One phlebotomy service" in page
    dashboard = reverse("golden_thread:briefing_thread", args=[cd.collective.slug, briefing.pk])
    assert f'href="{dashboard}"' in page
    for practice in area.practices[:4]:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(briefing, practice),
            acknowledgement="understood",
        )
    page = _home(client, cd)
    assert "1 practice of your PCN not reached: One phlebotomy service" in page
    # Another PCN's CD still sees all five of theirs.
    assert "5 practices of your PCN not reached" in _home(client, area.cds[1])
    services.acknowledge(
        membership=area.manager_of(area.practices[4]),
        thread=_thread(briefing, area.practices[4]),
        acknowledgement="understood",
    )
    assert "of your PCN not reached" not in _home(client, cd)


def test_the_facilitator_sees_questions_to_answer(area, client):
    briefing = _publish(area)
    for practice, text in ((area.practices[0], "Who books?"), (area.practices[7], "Where?")):
        services.question_ask(
            membership=area.manager_of(practice), thread=_thread(briefing, practice), text=text
        )
    page = _home(client, area.convenor)
    assert "2 questions to answer: One phlebotomy service" in page
    # A practice does not see them.
    assert "questions to answer" not in _home(client, area.managers[0])
    first = Question.objects.order_by("id").first()
    assert first is not None
    services.question_answer(actor_membership=area.convenor, question=first, answer="Reception.")
    assert "1 question to answer: One phlebotomy service" in _home(client, area.convenor)
    second = Question.objects.order_by("id").last()
    assert second is not None
    services.question_answer(actor_membership=area.convenor, question=second, answer="The hub.")
    assert "question to answer: One phlebotomy service" not in _home(client, area.convenor)
    assert "questions to answer" not in _home(client, area.convenor)


def test_a_facilitator_who_is_not_a_convenor_sees_only_their_decisions_questions(area, client):
    cd = area.cds[2]
    own = _publish(area, area.decide("Shared rota", facilitator=cd.user), by=cd)
    theirs = _publish(area)
    for briefing in (own, theirs):
        services.question_ask(
            membership=area.managers[0],
            thread=_thread(briefing, area.practices[0]),
            text="Why?",
        )
    page = _home(client, cd)
    assert "1 question to answer: Shared rota" in page
    assert "question to answer: One phlebotomy service" not in page
    page = _home(client, area.convenor)
    assert "1 question to answer: Shared rota" in page
    assert "1 question to answer: One phlebotomy service" in page


@pytest.mark.parametrize("briefings", [1, 4])
def test_the_provider_runs_at_most_three_queries_however_many_briefings(
    area, briefings, django_assert_max_num_queries
):
    published = [_publish(area)]
    for i in range(briefings - 1):
        published.append(_publish(area, area.decide(f"Decision {i + 2}")))
    for briefing in published:
        services.question_ask(
            membership=area.managers[0],
            thread=_thread(briefing, area.practices[0]),
            text="Why?",
        )
        services.acknowledge(
            membership=area.managers[1],
            thread=_thread(briefing, area.practices[1]),
            acknowledgement="understood",
        )
    people = [area.managers[0], area.managers[1], area.cds[0], area.convenor]
    for person in people:
        membership = Membership.objects.select_related("collective").get(pk=person.pk)
        with django_assert_max_num_queries(3):
            items = briefings_needing_you(membership)
        assert len(items) == briefings
