"""The survey API: own answers only, aggregates under the same rules as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alliance.testing import MembershipFactory
from collectives.models import Role
from surveys import results, services
from surveys.models import AnswerMode


def _url(survey, tail=""):
    return f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/{tail}"


def test_a_representative_saves_and_reads_back_only_its_own_answers(client, survey):
    oak, ash, elm = survey.reps[:3]
    survey.answer(elm, ash, trust=1)  # someone else's answer
    client.force_login(oak.user)
    response = client.put(
        _url(survey, f"answers/{ash.organisation.pk}/"),
        {"reliability": 4, "comment": "Good partners"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["reliability"] == 4 and response.json()["complete"] is False
    answers = client.get(_url(survey, "answers/")).json()
    assert [a["ratee"] for a in answers] == [ash.organisation.pk]
    assert answers[0]["comment"] == "Good partners"


def test_bad_values_get_a_400_naming_the_field(client, survey):
    client.force_login(survey.reps[0].user)
    response = client.put(
        _url(survey, f"answers/{survey.reps[1].organisation.pk}/"),
        {"reliability": 7},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"reliability": ["Choose a whole number from 1 to 4."]}
    response = client.put(
        _url(survey, f"answers/{survey.reps[1].organisation.pk}/"),
        {"reliability": "lots"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "reliability" in response.json()


def test_results_wait_for_the_close_and_follow_the_k_rule(client, survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(ash, oak, trust=1)
    survey.answer(elm, oak, trust=2)
    client.force_login(yew.user)
    assert client.get(_url(survey, "results/")).status_code == 404
    survey.close()
    body = client.get(_url(survey, "results/")).json()
    oak_row = next(r for r in body["received"] if r["organisation"] == oak.organisation.pk)
    # Two raters: held back, and without the number of raters beside it.
    assert oak_row == {
        "organisation": oak.organisation.pk,
        "name": "Oak Surgery",
        "received": {"shown": False, "reason": "Not enough responses", "values": {}},
    }
    assert body["mutual_pairs"] == []  # no pair rated each other
    assert body["round"] == {"shown": False, "reason": "Not enough responses", "values": {}}


def test_rounds_are_listed_for_members(client, survey):
    client.force_login(survey.reps[0].user)
    rounds = client.get(f"/api/v1/collectives/{survey.round.collective.slug}/surveys/").json()
    assert [r["title"] for r in rounds] == ["Autumn trust survey"]
    assert rounds[0]["status"] == "open"


def test_in_staff_mode_several_staff_are_averaged_as_one_organisation(survey):
    today = timezone.localdate()
    staff_round = services.round_open(
        actor_membership=survey.convenor,
        title="Staff round",
        opens_on=today,
        closes_on=today + dt.timedelta(days=3),
        answer_mode=AnswerMode.STAFF,
        participants=[r.organisation for r in survey.reps],
    )
    survey.round = staff_round
    oak, ash, elm, yew = survey.reps
    second_at_ash = MembershipFactory(
        collective=ash.collective, role=Role.MEMBER, organisation=ash.organisation
    )
    survey.answer(ash, oak, trust=1, value=1)
    survey.answer(second_at_ash, oak, trust=3, value=3)  # Ash averages to 2
    survey.answer(elm, oak, trust=2, value=2)
    survey.answer(yew, oak, trust=2, value=2)
    survey.close()
    received = results.round_results(survey=staff_round).received_by(oak.organisation.pk)
    assert received.values["raters"] == 3 and received.values["trust"] == 2.0
