"""Raw answers go only to those who may answer for the organisation (PRODUCT.md §4), on
every page and endpoint that shows or changes them, and every read is audited.

The walk: each role, placed in the organisation whose answers are at stake (Oak), in another
organisation taking part (Elm), in a member organisation not taking part (the PCN) or in
none, in both kinds of round. Oak's representative has already answered about Ash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from audit.models import AuditEntry
from collectives.models import ORGANISATION_ROLES, Role
from surveys import services
from surveys.models import RATING_ITEMS, AnswerMode, Response, TieRating

SECRET = "Only Oak may read this"
REP, STAFF = AnswerMode.REPRESENTATIVE, AnswerMode.STAFF

# Who may see and change Oak's answers, written out rather than taken from the rule.
ALLOWED = {
    (REP, "oak", Role.REPRESENTATIVE),
    (REP, "oak", Role.DEPUTY),
    (REP, "elm", Role.REPRESENTATIVE),  # for Elm's own answers, never Oak's
    (REP, "elm", Role.DEPUTY),
    (STAFF, "oak", Role.REPRESENTATIVE),  # each reads only what they gave themselves
    (STAFF, "oak", Role.DEPUTY),
    (STAFF, "oak", Role.MEMBER),
    (STAFF, "elm", Role.REPRESENTATIVE),
    (STAFF, "elm", Role.DEPUTY),
    (STAFF, "elm", Role.MEMBER),
}
PERSONAS = [
    (mode, where, role)
    for mode in (REP, STAFF)
    for where in ("oak", "elm", "pcn", "none")
    for role in Role
    if not (where == "none" and role in ORGANISATION_ROLES)  # they must name one
]


def _values(level: int) -> dict[str, int]:
    return dict.fromkeys(RATING_ITEMS[:13], level) | {"now": 1, "wanted": 1}


def _state() -> list[Any]:
    """Every raw answer in the database, to show a refusal changed nothing."""
    return [
        list(Response.objects.order_by("pk").values()),
        list(TieRating.objects.order_by("pk").values()),
    ]


@pytest.fixture
def at_stake(survey):
    """A round of the given mode in which Oak's representative has answered about Ash."""

    def make(mode: str) -> Any:
        today = timezone.localdate()
        survey.round = services.round_open(
            actor_membership=survey.convenor,
            title=f"{mode} round",
            opens_on=today,
            closes_on=today + dt.timedelta(days=5),
            answer_mode=mode,
            participants=[r.organisation for r in survey.reps],
        )
        oak, ash = survey.reps[:2]
        services.rating_save(
            membership=oak,
            survey=survey.round,
            ratee=ash.organisation,
            values=_values(1),
            comment=SECRET,
        )
        services.self_assessment_save(
            membership=oak,
            survey=survey.round,
            values={"sustainable_alone": 1, "joint_difference": 5, "knows_leadership": 5},
        )
        return survey

    return make


@pytest.mark.parametrize(
    ("mode", "where", "role"), PERSONAS, ids=[f"{m}-round-{r}-at-{w}" for m, w, r in PERSONAS]
)
def test_it_gives_raw_answers_only_to_those_who_answer_for_the_organisation(
    client, at_stake, mode, where, role
):
    survey = at_stake(mode)
    oak, ash, elm = survey.reps[:3]
    organisation = {"oak": oak.organisation, "elm": elm.organisation, "pcn": survey.pcn}.get(where)
    person = MembershipFactory(collective=oak.collective, role=role, organisation=organisation)
    allowed = (mode, where, role) in ALLOWED
    sees_oaks_answers = allowed and mode == REP and where == "oak"
    slug, pk = survey.round.collective.slug, survey.round.pk
    page = f"/c/{slug}/surveys/{pk}/answer/"
    rate = f"{page}{ash.organisation.pk}/"
    api = f"/api/v1/collectives/{slug}/surveys/{pk}/answers/"
    api_rate = f"{api}{ash.organisation.pk}/"
    client.force_login(person.user)

    # Reading: the answer page, the rate page and the API.
    reads = [client.get(page), client.get(rate), client.get(api)]
    assert [r.status_code for r in reads] == ([200] * 3 if allowed else [403] * 3)
    answer_html, rate_html, api_body = (r.content.decode() for r in reads)
    assert (SECRET in rate_html) is sees_oaks_answers
    assert (SECRET in api_body) is sees_oaks_answers
    assert ('value="5" checked' in answer_html) is sees_oaks_answers  # Oak's self-assessment
    if allowed:
        assert ("Done" in answer_html) is sees_oaks_answers  # Oak's rating of Ash
    read = AuditEntry.objects.filter(action="survey_answers.read", actor=person.user)
    assert read.count() == (3 if allowed else 0)
    assert all(
        e.after == {"round": pk, "organisation": organisation.pk}
        and e.collective_id == oak.collective_id
        for e in read
    )

    # Writing: the rate page (a rating, and 'we do not work with them'), the answer page and
    # the API. Refused, nothing changes.
    before = _state()
    writes = [
        client.post(rate, {"reliability": "4", "comment": "Taken over"}),
        client.post(page, {"sustainable_alone": "3"}),
        client.put(api_rate, {"reliability": 4}, content_type="application/json"),
        client.post(rate, {"not_working_with": "1"}),
    ]
    assert [w.status_code for w in writes] == ([302, 302, 200, 302] if allowed else [403] * 4)
    if not allowed:
        assert _state() == before
        assert not AuditEntry.objects.filter(actor=person.user).exists()
    else:
        saved = AuditEntry.objects.filter(actor=person.user, action__startswith="survey_")
        assert sorted(saved.values_list("action", flat=True)) == [
            "survey_answers.read",
            "survey_answers.read",
            "survey_answers.read",
            "survey_rating.removed",
            "survey_rating.saved",
            "survey_rating.saved",
            "survey_self_assessment.saved",
        ]
    if not sees_oaks_answers:  # Oak's own answers are still Oak's
        assert TieRating.objects.get(response__respondent=oak.user).comment == SECRET


def test_it_refuses_people_of_another_collective_with_404(client, survey):
    oak, ash = survey.reps[:2]
    survey.answer(oak, ash, comment=SECRET)
    other_practice = MemberOrganisationFactory()
    stranger = MembershipFactory(
        collective=other_practice.collective,
        role=Role.REPRESENTATIVE,
        organisation=other_practice.organisation,
    )
    client.force_login(stranger.user)
    slug, pk = survey.round.collective.slug, survey.round.pk
    for url in (
        f"/c/{slug}/surveys/{pk}/answer/",
        f"/c/{slug}/surveys/{pk}/answer/{ash.organisation.pk}/",
        f"/api/v1/collectives/{slug}/surveys/{pk}/answers/",
    ):
        assert client.get(url).status_code == 404, url
    put = client.put(
        f"/api/v1/collectives/{slug}/surveys/{pk}/answers/{ash.organisation.pk}/",
        {"reliability": 4},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert not AuditEntry.objects.filter(actor=stranger.user).exists()


def test_it_audits_each_save_once_and_each_read_without_a_value(client, survey):
    oak, ash, elm = survey.reps[:3]
    client.force_login(oak.user)
    base = f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}/answer/"
    for level in ("1", "2", "3"):
        client.post(f"{base}{ash.organisation.pk}/", {"reliability": level, "comment": SECRET})
    client.post(f"{base}{elm.organisation.pk}/", {"reliability": "4"})
    assert client.get(base).status_code == 200
    actions = list(
        AuditEntry.objects.filter(actor=oak.user)
        .exclude(action="survey_round.opened")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["survey_rating.saved"] * 4 + ["survey_answers.read"]
    [read] = AuditEntry.objects.filter(action="survey_answers.read")
    assert read.object_type == "surveys.response"
    assert read.object_label == f"{oak.organisation} in {survey.round.title}"
    for entry in AuditEntry.objects.filter(actor=oak.user).exclude(action="survey_round.opened"):
        carried = f"{entry.object_label} {entry.before} {entry.after}"
        assert SECRET not in carried
        # never whom Oak rated: that is part of its answer (a one-way tie)
        assert entry.after == {"round": survey.round.pk, "organisation": oak.organisation.pk}


def test_it_audits_a_read_before_any_answer_against_the_round(client, survey):
    oak = survey.reps[0]
    client.force_login(oak.user)
    url = f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/answers/"
    assert client.get(url).json() == []
    [read] = AuditEntry.objects.filter(action="survey_answers.read")
    assert (read.object_type, read.object_id) == ("surveys.surveyround", str(survey.round.pk))
    assert read.actor == oak.user
