"""Trust survey pages: what people see, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.testing import (
    MemberOrganisationFactory,
    MembershipFactory,
    page_queries,
    summary_list,
    table_rows,
)
from collectives.models import Role
from surveys.reminders import reminders_send


def _base(survey):
    return f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}"


def _all_answer(survey):
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee)
        survey.finish(rater)


def test_a_representative_answers_in_steps_and_finishes(client, survey):
    oak, ash = survey.reps[0], survey.reps[1]
    client.force_login(oak.user)
    base = _base(survey)
    page = client.get(f"{base}/answer/").content.decode()
    assert "Ash Surgery" in page and "Not rated" in page
    response = client.post(f"{base}/answer/{ash.organisation.pk}/", {"reliability": "3"})
    assert response.status_code == 302
    assert "In progress" in client.get(f"{base}/answer/").content.decode()
    page = client.post(f"{base}/answer/", {"finish": "1"}).content.decode()
    assert "finish your answers about Ash Surgery" in page
    form = client.get(f"{base}/answer/{ash.organisation.pk}/").content.decode()
    assert 'value="3" checked' in form  # the respondent sees its own answers


def test_a_form_with_nonsense_names_the_field(client, survey):
    client.force_login(survey.reps[0].user)
    page = client.post(
        f"{_base(survey)}/answer/{survey.reps[1].organisation.pk}/", {"reliability": "9"}
    ).content.decode()
    assert "There is a problem" in page
    assert "Select a valid choice. 9 is not one of the available choices." in page


def test_an_unanswered_round_waits_in_what_needs_your_attention(client, survey):
    oak = survey.reps[0]
    client.force_login(oak.user)
    home = f"/c/{survey.round.collective.slug}/"
    assert "Answer the trust survey: Autumn trust survey" in client.get(home).content.decode()
    for other in survey.reps[1:]:
        survey.answer(oak, other)
    survey.finish(oak)
    assert "Answer the trust survey" not in client.get(home).content.decode()


def test_results_pages_show_after_closing(client, survey):
    _all_answer(survey)
    client.force_login(survey.reps[0].user)
    assert client.get(f"{_base(survey)}/map/").status_code == 404
    survey.close()
    page = client.get(f"{_base(survey)}/").content.decode()
    assert "4 of 4 organisations answered (100%)" in page
    assert summary_list(page)["Mean trust (1 to 4)"] == "3.0"
    pcn = client.get(f"{_base(survey)}/pcns/{survey.pcn.pk}/").content.decode()
    assert "In 0% of the 6 pairs" in pcn
    us = client.get(f"{_base(survey)}/us/").content.decode()
    assert "3 organisations rated you." in us
    csv_text = client.get(f"{_base(survey)}/results.csv").content.decode()
    assert "mean trust (1 to 4),3.0" in csv_text


def test_survey_pages_run_a_fixed_number_of_queries(client, survey, django_assert_max_num_queries):
    _all_answer(survey)
    survey.close()
    client.force_login(survey.reps[0].user)
    base = _base(survey)
    urls = [
        f"{base}/",
        f"{base}/map/",
        f"{base}/us/",
        f"{base}/results.csv",
        f"{base}/results.xlsx",
        f"{base}/our-relationships/",
        f"{base}/pcns/{survey.pcn.pk}/",
        f"/c/{survey.round.collective.slug}/surveys/trends/",
        f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/pair-views/",
        f"{base}/answer/",
        f"{base}/answer/{survey.reps[1].organisation.pk}/",
        f"/c/{survey.round.collective.slug}/surveys/",
        f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/results/",
    ]
    survey.round.closed_at = None
    survey.round.save()
    few = {u: page_queries(client, u) for u in urls if "answer" in u}
    survey.close()
    few |= {u: page_queries(client, u) for u in urls if "answer" not in u}
    # A bigger round: twelve more organisations, all rating each other.
    from surveys.models import RoundParticipant

    more = []
    for _i in range(12):
        practice = MemberOrganisationFactory(collective=survey.round.collective)
        RoundParticipant.objects.create(round=survey.round, organisation=practice.organisation)
        more.append(
            MembershipFactory(
                collective=survey.round.collective,
                role=Role.REPRESENTATIVE,
                organisation=practice.organisation,
            )
        )
    survey.reps.extend(more)
    survey.round.closed_at = None
    survey.round.save()
    _all_answer(survey)
    many = {u: page_queries(client, u) for u in urls if "answer" in u}
    survey.close()
    many |= {u: page_queries(client, u) for u in urls if "answer" not in u}
    assert many == few
    for url in urls:
        # 20 before the golden thread and the habits; their attention items (briefings for
        # the person's practice, questions for a facilitator; nudges and asks for the
        # person's organisation) add two queries each to every collective page.
        with django_assert_max_num_queries(24):
            client.get(url)


def test_reminders_go_3_days_and_1_day_before_closing_once(survey, mailbox):
    oak = survey.reps[0]
    for other in survey.reps[1:]:
        survey.answer(oak, other)
    survey.finish(oak)
    closes = survey.round.closes_on
    assert reminders_send(today=closes - dt.timedelta(days=5)) == 0
    assert reminders_send(today=closes - dt.timedelta(days=3)) == 3
    assert reminders_send(today=closes - dt.timedelta(days=3)) == 0  # a retried job
    assert reminders_send(today=closes - dt.timedelta(days=1)) == 3
    recipients = sorted(m["To"] for m in mailbox.messages)
    assert oak.user.email not in recipients
    assert recipients.count(survey.reps[1].user.email) == 2
    message = mailbox.messages[0]
    assert message["Subject"].startswith("Reminder: Autumn trust survey closes")
    assert "/answer/" in message.get_body(("plain",)).get_content()


def test_only_convenors_open_extend_and_close(client, survey):
    client.force_login(survey.reps[0].user)
    slug = survey.round.collective.slug
    assert client.get(f"/c/{slug}/surveys/new/").status_code == 403
    assert client.post(f"{_base(survey)}/close/").status_code == 403


def test_a_convenor_opens_a_round_from_the_page(client, survey):
    client.force_login(survey.convenor.user)
    slug = survey.round.collective.slug
    today = timezone.localdate()
    response = client.post(
        f"/c/{slug}/surveys/new/",
        {
            "title": "Spring survey",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=14)).isoformat(),
            "answer_mode": "staff",
            "participants": [r.organisation.pk for r in survey.reps[:3]],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Spring survey" in page and "0 of 3 organisations have finished" in page


@pytest.mark.parametrize("days", [-1])
def test_a_round_closing_in_the_past_is_refused_with_a_message(client, survey, days):
    client.force_login(survey.convenor.user)
    today = timezone.localdate()
    page = client.post(
        f"/c/{survey.round.collective.slug}/surveys/new/",
        {
            "title": "Late",
            "opens_on": (today - dt.timedelta(days=5)).isoformat(),
            "closes_on": (today + dt.timedelta(days=days)).isoformat(),
            "answer_mode": "staff",
            "participants": [r.organisation.pk for r in survey.reps[:3]],
        },
    ).content.decode()
    assert "The closing date is in the past." in page


def test_trends_show_each_closed_round_and_the_change(client, survey):
    _all_answer(survey)
    survey.close()
    client.force_login(survey.convenor.user)
    slug = survey.round.collective.slug
    page = client.get(f"/c/{slug}/surveys/trends/").content.decode()
    assert "Trends appear once two survey rounds have closed. One has so far." in page
    [autumn] = [row for row in table_rows(page) if row[0] == "Autumn trust survey"]
    assert autumn[2] == "3.0"  # mean trust
    from surveys import services

    today = timezone.localdate()
    second = services.round_open(
        actor_membership=survey.convenor,
        title="Spring survey",
        opens_on=today,
        closes_on=today,
        participants=[r.organisation for r in survey.reps],
    )
    survey.round = second
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee, trust=4)
    survey.close()
    page = client.get(f"/c/{slug}/surveys/trends/").content.decode()
    assert "What changed since the round before" in page
    assert "Between 4 and 4 organisations answered" in page
    assert "Trust: +1.00" in page
    assert "<svg" in page and "<circle" in page
