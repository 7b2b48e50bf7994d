"""Closing is final, k is frozen, shared views need both sides, and the nightly check holds
back any results it finds leaking (issue 12)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.testing import UserFactory
from audit.models import AuditEntry
from collectives.models import Collective
from notifications.models import Notification
from surveys import checks, results, selectors, services
from surveys.models import RoundPublication, SurveyRound


def _everyone_rates_everyone(survey, **values) -> None:
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee, **values)


def _closed_by_date(survey) -> None:
    today = timezone.localdate()
    SurveyRound.objects.filter(pk=survey.round.pk).update(
        opens_on=today - dt.timedelta(days=14), closes_on=today - dt.timedelta(days=1)
    )
    survey.round.refresh_from_db()


def _page(survey, path: str = "") -> str:
    return f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}/{path}"


# Closing is final ------------------------------------------------------------------------


@pytest.mark.parametrize("closed", ["by hand", "by date"])
def test_it_refuses_to_extend_or_reopen_a_closed_round(client, survey, closed):
    _everyone_rates_everyone(survey)
    if closed == "by hand":
        survey.close()
    else:
        _closed_by_date(survey)
    later = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="cannot be extended or reopened"):
        services.round_extend(
            actor_membership=survey.convenor, survey=survey.round, closes_on=later
        )
    client.force_login(survey.convenor.user)
    page = client.get(_page(survey, "extend/")).content.decode()
    assert "cannot be extended or reopened" in page and "<form" not in page.split("<main")[1]
    response = client.post(_page(survey, "extend/"), {"closes_on": later.isoformat()})
    assert "cannot be extended or reopened" in response.content.decode()
    survey.round.refresh_from_db()
    assert survey.round.closes_on < later and survey.round.is_closed
    api = f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/"
    for method in (client.patch, client.put):
        answer = method(api, {"closes_on": later.isoformat()}, content_type="application/json")
        assert answer.status_code == 405
    # The API's one way to extend refuses as the page does.
    extend = client.post(
        api + "extend/", {"closes_on": later.isoformat()}, content_type="application/json"
    )
    assert extend.status_code == 400
    assert "cannot be extended or reopened" in extend.json()["closes_on"][0]
    survey.round.refresh_from_db()
    assert survey.round.closes_on < later and survey.round.is_closed
    assert not AuditEntry.objects.filter(action="survey_round.extended").exists()


def test_an_open_round_can_still_be_extended(survey):
    later = survey.round.closes_on + dt.timedelta(days=7)
    services.round_extend(actor_membership=survey.convenor, survey=survey.round, closes_on=later)
    survey.round.refresh_from_db()
    assert survey.round.closes_on == later


# k ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 1, 2, 21])
def test_it_refuses_a_k_outside_3_to_20(survey, k):
    with pytest.raises(ValidationError, match="from 3 to 20"):
        services.min_raters_change(actor_membership=survey.convenor, min_raters=k)
    assert Collective.objects.get(pk=survey.round.collective_id).min_raters == 3


def test_the_database_refuses_a_k_below_three(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        Collective.objects.filter(pk=survey.round.collective_id).update(min_raters=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRound.objects.filter(pk=survey.round.pk).update(min_raters=2)


def test_k_applies_to_open_rounds_and_is_frozen_in_closed_ones(survey):
    _everyone_rates_everyone(survey)
    survey.close()
    assert RoundPublication.objects.get(round=survey.round).min_raters == 3
    today = timezone.localdate()
    next_round = services.round_open(
        actor_membership=survey.convenor,
        title="Next",
        opens_on=today,
        closes_on=today + dt.timedelta(days=5),
        participants=[r.organisation for r in survey.reps],
    )
    services.min_raters_change(actor_membership=survey.convenor, min_raters=4)
    survey.round.refresh_from_db()
    next_round.refresh_from_db()
    assert survey.round.min_raters == 3 and next_round.min_raters == 4
    assert RoundPublication.objects.get(round=survey.round).min_raters == 3
    # Three raters of each organisation: still shown in the closed round, under its k.
    oak = survey.reps[0].organisation.pk
    assert results.round_results(survey=survey.round).received_by(oak).shown


# Sharing a pair's views --------------------------------------------------------------------


def test_views_show_to_the_pair_only_when_both_agreed_and_the_round_closed(client, survey):
    oak, ash, elm, _yew = survey.reps
    _everyone_rates_everyone(survey)
    services.pair_consent_give(membership=oak, survey=survey.round, partner=ash.organisation)
    [view] = [
        v
        for v in selectors.pair_views(survey=survey.round, organisation=oak.organisation)
        if v.partner == ash.organisation
    ]
    assert view.we_agreed and not view.they_agreed and view.theirs is None
    services.pair_consent_give(membership=ash, survey=survey.round, partner=oak.organisation)
    open_view = next(
        v
        for v in selectors.pair_views(survey=survey.round, organisation=oak.organisation)
        if v.partner == ash.organisation
    )
    assert open_view.shared and open_view.theirs is None  # nothing until the round closes
    survey.close()
    closed_view = next(
        v
        for v in selectors.pair_views(survey=survey.round, organisation=oak.organisation)
        if v.partner == ash.organisation
    )
    assert closed_view.theirs.rater == ash.organisation.pk
    api = (
        f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/pair-views/"
    )
    client.force_login(oak.user)
    body = client.get(api).json()
    row = next(r for r in body if r["partner"] == ash.organisation.pk)
    assert row["theirs"]["trust"] == 3.0 and row["ours"]["now"] == 2
    elm_row = next(r for r in body if r["partner"] == elm.organisation.pk)
    assert elm_row["theirs"] is None and elm_row["ours"] is None
    read = AuditEntry.objects.get(action="survey_pair_views.read")
    assert read.after["partners"] == [ash.organisation.pk] and read.actor == oak.user


def test_people_who_do_not_speak_for_the_organisation_see_no_views(client, survey, member):
    survey.round.round_participants.create(organisation=member.organisation)
    client.force_login(member.user)
    assert client.get(_page(survey, "our-relationships/")).status_code == 403
    api = (
        f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/pair-views/"
    )
    assert client.get(api).status_code == 403
    client.force_login(survey.convenor.user)
    assert client.get(_page(survey, "our-relationships/")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.pair_consent_give(
            membership=member, survey=survey.round, partner=survey.reps[0].organisation
        )


def test_an_agreement_after_closing_that_would_reveal_a_third_rating_is_refused(client, survey):
    """Oak is rated by Ash, Elm and Yew; its received mean is shown. Had Oak both Ash's and
    Elm's views, it would subtract them from the mean and have Yew's rating."""
    oak, ash, elm, _yew = survey.reps
    _everyone_rates_everyone(survey)
    for partner in (ash, elm):
        services.pair_consent_give(
            membership=oak, survey=survey.round, partner=partner.organisation
        )
    services.pair_consent_give(membership=ash, survey=survey.round, partner=oak.organisation)
    survey.close()
    assert results.round_results(survey=survey.round).received_by(oak.organisation.pk).shown
    with pytest.raises(ValidationError, match="cannot be shared with Oak Surgery"):
        services.pair_consent_give(membership=elm, survey=survey.round, partner=oak.organisation)
    assert selectors.round_leaks(survey=survey.round) == []
    client.force_login(elm.user)
    page = client.post(
        _page(survey, "our-relationships/"),
        {"partner": oak.organisation.pk, "share": "yes"},
        follow=True,
    ).content.decode()
    assert "cannot be shared with Oak Surgery" in page


def test_an_agreement_can_be_taken_back_until_both_views_are_shown(survey):
    oak, ash, *_ = survey.reps
    _everyone_rates_everyone(survey)
    services.pair_consent_give(membership=oak, survey=survey.round, partner=ash.organisation)
    services.pair_consent_withdraw(membership=oak, survey=survey.round, partner=ash.organisation)
    services.pair_consent_give(membership=oak, survey=survey.round, partner=ash.organisation)
    services.pair_consent_give(membership=ash, survey=survey.round, partner=oak.organisation)
    survey.close()
    with pytest.raises(ValidationError, match="cannot be undone"):
        services.pair_consent_withdraw(
            membership=oak, survey=survey.round, partner=ash.organisation
        )
    actions = list(
        AuditEntry.objects.filter(action__startswith="pair_consent.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "pair_consent.given",
        "pair_consent.given",
        "pair_consent.given",
        "pair_consent.withdrawn",
    ]


# The nightly check -------------------------------------------------------------------------


def test_the_nightly_job_publishes_rounds_closed_by_date(survey):
    _everyone_rates_everyone(survey)
    _closed_by_date(survey)
    assert [r.pk for r in checks.results_publish_due()] == [survey.round.pk]
    assert RoundPublication.objects.filter(round=survey.round).exists()
    assert checks.results_publish_due() == []


def test_a_leak_found_at_night_holds_the_results_back_and_tells_the_convenors(
    client, survey, mailbox, django_capture_on_commit_callbacks
):
    _everyone_rates_everyone(survey)
    survey.close()
    assert checks.results_check_all() == []
    # A defect slips a one-rating figure into the published ledger.
    stored = RoundPublication.objects.get(round=survey.round)
    oak, ash = survey.reps[0].organisation.pk, survey.reps[1].organisation.pk
    stored.ledger = [*stored.ledger, ["bad", "trust", [[oak, ash]]]]
    stored.save()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes after the commit
        [finding] = checks.results_check_all()
    assert any(leak.keys == frozenset({(oak, ash)}) for leak in finding.leaks)
    stored.refresh_from_db()
    assert stored.held_at is not None
    assert Notification.objects.filter(
        user=survey.convenor.user, key=f"survey-results-held-{survey.round.pk}"
    ).exists()
    assert any(
        f"Results of {survey.round.title} are held back" in m["Subject"] for m in mailbox.messages
    )
    client.force_login(survey.reps[2].user)
    assert "Results held back" in client.get(_page(survey)).content.decode()
    assert client.get(_page(survey, "results.csv")).status_code == 404
    assert client.get(_page(survey, "map/")).status_code == 404
    # A data steward releases them only once the check finds nothing.
    steward = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.round_results_release(actor=survey.convenor.user, survey=survey.round)
    with pytest.raises(ValidationError, match="still finds"):
        services.round_results_release(actor=steward, survey=survey.round)
    stored.ledger = stored.ledger[:-1]
    stored.save()
    services.round_results_release(actor=steward, survey=survey.round)
    assert "Mean trust" in client.get(_page(survey)).content.decode()
    assert AuditEntry.objects.filter(action="survey_round.results_released").exists()


def test_the_disclosure_check_command_reports_and_can_show_what_the_rules_prevent(survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(oak, yew, trust=1)  # Yew's only rater: the old total-minus-parts attack
    for rep in (ash, elm, yew):
        survey.answer(rep, oak)
    survey.close()
    out = io.StringIO()
    call_command("disclosure_check", str(survey.round.pk), "--without-rules", stdout=out)
    text = out.getvalue()
    assert "With the rules: no participant can work out any rating." in text
    assert "Without the rules:" in text and "can work out rating" in text
    with pytest.raises(CommandError, match="no survey round 999999"):
        call_command("disclosure_check", "999999", stdout=io.StringIO())
