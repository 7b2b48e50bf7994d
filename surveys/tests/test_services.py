import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from surveys import results, services
from surveys.models import Response, TieRating


def test_answers_save_as_you_go_and_can_change_until_the_round_closes(survey):
    oak, ash = survey.reps[0], survey.reps[1]
    services.rating_save(
        membership=oak, survey=survey.round, ratee=ash.organisation, values={"reliability": 2}
    )
    rating = TieRating.objects.get()
    assert rating.reliability == 2 and not rating.is_complete
    survey.answer(oak, ash, trust=4)
    rating.refresh_from_db()
    assert rating.reliability == 4 and rating.is_complete
    survey.close()
    with pytest.raises(ValidationError, match="not open"):
        survey.answer(oak, ash, trust=1)
    assert TieRating.objects.get().reliability == 4


def test_finishing_needs_complete_answers(survey):
    oak, ash = survey.reps[0], survey.reps[1]
    services.rating_save(
        membership=oak, survey=survey.round, ratee=ash.organisation, values={"reliability": 2}
    )
    with pytest.raises(ValidationError) as error:
        services.response_submit(membership=oak, survey=survey.round)
    assert "finish your answers about Ash Surgery" in str(error.value)
    assert "three questions about your own organisation" in str(error.value)
    survey.answer(oak, ash)
    survey.finish(oak)
    assert Response.objects.get().submitted_at is not None


def test_only_representatives_answer_in_representative_mode(survey, member):
    assert not services.can_answer(member, survey.round)
    with pytest.raises(PermissionDenied):
        services.rating_save(
            membership=member,
            survey=survey.round,
            ratee=survey.reps[0].organisation,
            values={"reliability": 2},
        )


def test_an_organisation_does_not_rate_itself_or_outsiders(survey, practice):
    oak = survey.reps[0]
    with pytest.raises(ValidationError, match="does not rate itself"):
        services.rating_save(membership=oak, survey=survey.round, ratee=oak.organisation, values={})
    with pytest.raises(ValidationError, match="not taking part"):
        services.rating_save(
            membership=oak, survey=survey.round, ratee=practice.organisation, values={}
        )


def test_out_of_range_answers_are_refused_by_name(survey):
    with pytest.raises(ValidationError) as error:
        services.rating_save(
            membership=survey.reps[0],
            survey=survey.round,
            ratee=survey.reps[1].organisation,
            values={"reliability": 5, "rc_timely": 0},
        )
    assert error.value.message_dict == {
        "reliability": ["Choose a whole number from 1 to 4."],
        "rc_timely": ["Choose a whole number from 1 to 5."],
    }


def test_a_round_needs_three_member_organisations_and_sane_dates(convenor, practice):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.round_open(
            actor_membership=convenor,
            title="x",
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
            participants=[practice.organisation],
        )
    assert "closes_on" in error.value.message_dict
    assert "at least 3" in error.value.message_dict["participants"][0]


def test_extend_and_close_are_audited_and_for_convenors_only(survey):
    with pytest.raises(PermissionDenied):
        services.round_close(actor_membership=survey.reps[0], survey=survey.round)
    new_date = survey.round.closes_on + dt.timedelta(days=7)
    services.round_extend(actor_membership=survey.convenor, survey=survey.round, closes_on=new_date)
    with pytest.raises(ValidationError, match="after the current closing date"):
        services.round_extend(
            actor_membership=survey.convenor, survey=survey.round, closes_on=new_date
        )
    survey.close()
    actions = list(
        AuditEntry.objects.filter(action__startswith="survey_round.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "survey_round.results_published",
        "survey_round.closed",
        "survey_round.extended",
        "survey_round.opened",
    ]


def test_no_audit_entry_carries_a_rating(survey):
    survey.answer(survey.reps[0], survey.reps[1], trust=1)
    survey.finish(survey.reps[0])
    from surveys.models import RATING_ITEMS

    for entry in AuditEntry.objects.all():
        keys = set(entry.before or {}) | set(entry.after or {})
        assert not keys & set(RATING_ITEMS), entry.action


def test_results_appear_only_when_the_round_closes(survey):
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee)
    assert results.round_results(survey=survey.round) is None
    survey.close()
    found = results.round_results(survey=survey.round)
    assert found.structure["ties"] == 12 and found.structure["density"] == 1.0


def test_changing_the_k_rule_is_audited(survey):
    services.min_raters_change(actor_membership=survey.convenor, min_raters=4)
    entry = AuditEntry.objects.get(action="collective.min_raters_changed")
    assert (entry.before, entry.after) == ({"min_raters": 3}, {"min_raters": 4})
    with pytest.raises(ValidationError):
        services.min_raters_change(actor_membership=survey.convenor, min_raters=1)
