"""Background jobs for consensus decisions. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from decisions.reminders import reminders_send, review_reminders_send


@db_periodic_task(crontab(minute="0"))
def send_proposal_reminders() -> None:
    """Hourly; each reminder is recorded, so a run that repeats one sends nothing twice."""
    reminders_send()


@db_periodic_task(crontab(hour="8", minute="15"))
def send_review_reminders() -> None:
    """Daily: facilitators of decisions whose review date is today."""
    review_reminders_send()
