"""Background jobs for trust surveys. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from surveys.checks import results_check_all, results_publish_due
from surveys.models import SurveyRound
from surveys.reminders import reminders_send


@db_periodic_task(crontab(hour="8", minute="0"))
def send_survey_reminders() -> None:
    reminders_send()


@db_task()
def publish_round_results(survey_pk: int) -> None:
    from surveys.services import round_results_publish

    survey = SurveyRound.objects.filter(pk=survey_pk).select_related("collective").first()
    if survey is not None and survey.is_closed:
        round_results_publish(survey=survey)


@db_periodic_task(crontab(hour="2", minute="30"))
def publish_and_check_survey_results() -> None:
    """After midnight: publish rounds that closed yesterday, then check every round."""
    results_publish_due()
    results_check_all()
