"""Background jobs for trust surveys. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from relationships.reminders import reminders_send


@db_periodic_task(crontab(hour="8", minute="0"))
def send_survey_reminders() -> None:
    reminders_send()
