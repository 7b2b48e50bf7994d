"""The survey API: own answers only, aggregates under the same rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from surveys import results, services
from surveys.models import AnswerMode, Response, RoundParticipant, RoundPublication, SurveyRound


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


# Opening, extending and closing rounds -----------------------------------------------------

JSON = "application/json"


def _rounds(survey):
    return f"/api/v1/collectives/{survey.round.collective.slug}/surveys/"


def _actions(prefix):
    return list(
        AuditEntry.objects.filter(action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


def _new_round(survey, **changes):
    today = timezone.localdate()
    return {
        "title": "Spring trust survey",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        "answer_mode": "staff",
        "participants": [r.organisation.pk for r in survey.reps[:3]],
        **changes,
    }


def test_a_convenor_opens_a_round(client, survey):
    client.force_login(survey.convenor.user)
    response = client.post(_rounds(survey), _new_round(survey), content_type=JSON)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["title"], created["answer_mode"], created["status"]) == (
        "Spring trust survey",
        "staff",
        "open",
    )
    listed = client.get(_rounds(survey)).json()
    assert {r["title"] for r in listed} == {"Autumn trust survey", "Spring trust survey"}
    taking_part = RoundParticipant.objects.filter(round_id=created["id"])
    assert sorted(taking_part.values_list("organisation_id", flat=True)) == sorted(
        r.organisation.pk for r in survey.reps[:3]
    )
    entry = AuditEntry.objects.filter(action="survey_round.opened").latest("id")
    assert entry.actor_label == survey.convenor.user.email and entry.object_id == str(created["id"])


def test_only_a_convenor_opens_a_round_and_outsiders_find_nothing(client, survey, outsider):
    body = _new_round(survey)
    assert client.post(_rounds(survey), body, content_type=JSON).status_code == 401
    for who, status in ((survey.reps[0], 403), (outsider, 404)):
        client.force_login(who.user)
        assert client.post(_rounds(survey), body, content_type=JSON).status_code == status
    assert SurveyRound.objects.count() == 1


def test_bad_rounds_get_a_400_naming_the_field(client, survey, outsider):
    theirs = MemberOrganisationFactory(collective=outsider.collective).organisation
    today = timezone.localdate()
    reps = [r.organisation.pk for r in survey.reps]
    client.force_login(survey.convenor.user)
    for changes, field in (
        ({"title": "x" * 151}, "title"),
        ({"opens_on": "next week"}, "opens_on"),
        ({"closes_on": (today - dt.timedelta(days=1)).isoformat()}, "closes_on"),
        ({"answer_mode": "everyone"}, "answer_mode"),
        ({"participants": reps[:2]}, "participants"),
        ({"participants": [0, *reps[:3]]}, "participants"),
        ({"participants": [2**63, *reps[:3]]}, "participants"),
        ({"participants": [theirs.pk, *reps[:3]]}, "participants"),
        ({"participants": "all"}, "participants"),
    ):
        response = client.post(_rounds(survey), _new_round(survey, **changes), content_type=JSON)
        assert response.status_code == 400, changes
        assert list(response.json()) == [field], (changes, response.json())
        assert theirs.name not in response.content.decode()
    assert SurveyRound.objects.count() == 1
    # An organisation named twice takes part once.
    twice = client.post(
        _rounds(survey), _new_round(survey, participants=[*reps, reps[0]]), content_type=JSON
    )
    assert twice.status_code == 201
    assert RoundParticipant.objects.filter(round_id=twice.json()["id"]).count() == 4


def test_a_convenor_extends_an_open_round(client, survey):
    later = survey.round.closes_on + dt.timedelta(days=7)
    client.force_login(survey.convenor.user)
    response = client.post(
        _url(survey, "extend/"), {"closes_on": later.isoformat()}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert client.get(_url(survey)).json()["closes_on"] == later.isoformat()
    assert _actions("survey_round.extended") == ["survey_round.extended"]
    # Not to an earlier date, nor without one.
    for body in ({"closes_on": survey.round.closes_on.isoformat()}, {}, {"closes_on": "soon"}):
        response = client.post(_url(survey, "extend/"), body, content_type=JSON)
        assert response.status_code == 400 and list(response.json()) == ["closes_on"], body


def test_a_convenor_closes_a_round_and_its_results_are_published(
    client, survey, django_capture_on_commit_callbacks
):
    client.force_login(survey.convenor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(survey, "close/"), content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert RoundPublication.objects.filter(round=survey.round).exists()
    assert client.get(_url(survey, "results/")).status_code == 200
    # Closing again changes nothing, and the round is never extended again.
    assert client.post(_url(survey, "close/"), content_type=JSON).status_code == 200
    later = (survey.round.closes_on + dt.timedelta(days=7)).isoformat()
    extend = client.post(_url(survey, "extend/"), {"closes_on": later}, content_type=JSON)
    assert extend.status_code == 400 and list(extend.json()) == ["closes_on"]
    assert _actions("survey_round.") == [
        "survey_round.opened",
        "survey_round.closed",
        "survey_round.results_published",
    ]


@pytest.mark.parametrize("verb", ["extend/", "close/"])
def test_only_a_convenor_extends_or_closes_and_outsiders_find_nothing(
    client, survey, outsider, verb
):
    later = {"closes_on": (survey.round.closes_on + dt.timedelta(days=7)).isoformat()}
    assert client.post(_url(survey, verb), later, content_type=JSON).status_code == 401
    for who, status in ((survey.reps[0], 403), (outsider, 404)):
        client.force_login(who.user)
        assert client.post(_url(survey, verb), later, content_type=JSON).status_code == status
    # Nor under the outsider's own collective.
    own = f"/api/v1/collectives/{outsider.collective.slug}/surveys/{survey.round.pk}/{verb}"
    assert client.post(own, later, content_type=JSON).status_code == 404
    survey.round.refresh_from_db()
    assert survey.round.status == "open" and survey.round.closes_on < dt.date.fromisoformat(
        later["closes_on"]
    )
    assert _actions("survey_round.") == ["survey_round.opened"]


# The self-assessment, and "I have finished" -------------------------------------------------

SELF = {"sustainable_alone": 2, "joint_difference": 4, "knows_leadership": 5}


def test_a_representative_answers_about_its_own_organisation_and_finishes(client, survey):
    oak, ash = survey.reps[:2]
    client.force_login(oak.user)
    assert client.get(_url(survey, "self-assessment/")).json() == {
        **dict.fromkeys(SELF),
        "finished_at": None,
    }
    response = client.put(_url(survey, "self-assessment/"), SELF, content_type=JSON)
    assert response.status_code == 200, response.json()
    # A later save names only what changes.
    client.put(_url(survey, "self-assessment/"), {"knows_leadership": 3}, content_type=JSON)
    read = client.get(_url(survey, "self-assessment/")).json()
    assert read == {**SELF, "knows_leadership": 3, "finished_at": None}
    # Finishing needs a rating of someone it works with.
    refused = client.post(_url(survey, "finish/"), content_type=JSON)
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["Rate at least one organisation you work with before finishing."]
    }
    survey.answer(oak, ash)
    finished = client.post(_url(survey, "finish/"), content_type=JSON)
    assert finished.status_code == 200 and finished.json()["finished_at"] is not None
    assert client.get(_url(survey, "self-assessment/")).json()["finished_at"] is not None
    assert _actions("survey_") == [
        "survey_round.opened",
        "survey_answers.read",
        "survey_self_assessment.saved",
        "survey_self_assessment.saved",
        "survey_answers.read",
        "survey_rating.saved",
        "survey_response.finished",
        "survey_answers.read",
    ]
    assert not AuditEntry.objects.filter(after__has_key="sustainable_alone").exists()


def test_only_those_who_answer_for_the_organisation_answer_it(client, survey, outsider):
    staff = MembershipFactory(
        collective=survey.round.collective,
        role=Role.MEMBER,
        organisation=survey.reps[0].organisation,
    )
    for method, tail in (
        ("put", "self-assessment/"),
        ("get", "self-assessment/"),
        ("post", "finish/"),
    ):
        url = _url(survey, tail)
        body = SELF if method != "get" else None  # a GET's data would be its query string
        assert getattr(client, method)(url, body, content_type=JSON).status_code == 401
        for who, status in ((survey.convenor, 403), (staff, 403), (outsider, 404)):
            client.force_login(who.user)
            response = getattr(client, method)(url, body, content_type=JSON)
            assert response.status_code == status, (method, tail, who.role)
        client.logout()
    assert not Response.objects.exists()


def test_bad_self_assessments_get_a_400_naming_the_field(client, survey):
    client.force_login(survey.reps[0].user)
    for body in ({"sustainable_alone": 6}, {"sustainable_alone": "lots"}, {"sustainable_alone": 0}):
        response = client.put(_url(survey, "self-assessment/"), body, content_type=JSON)
        assert response.status_code == 400 and list(response.json()) == ["sustainable_alone"]
    survey.close()
    closed = client.put(_url(survey, "self-assessment/"), SELF, content_type=JSON)
    assert closed.status_code == 400
    assert closed.json() == {
        "non_field_errors": ["This round is not open, so answers cannot change."]
    }


def test_the_schema_describes_the_rounds_writes(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    prefix = "/api/v1/collectives/{slug}/surveys/"
    paths = schema["paths"]
    assert "post" in paths[prefix]
    for verb in ("extend/", "close/", "finish/"):
        assert "post" in paths[prefix + "{id}/" + verb], verb
    assert {"get", "put"} <= set(paths[prefix + "{id}/self-assessment/"])
    assert not {"put", "patch"} & set(paths[prefix + "{id}/"])  # changed only by its verbs
    assert {"RoundInput", "ExtendInput", "SelfAssessmentIO"} <= set(schema["components"]["schemas"])
