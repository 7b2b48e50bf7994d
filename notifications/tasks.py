"""Background jobs for notifications. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notifications.models import Frequency
from notifications.services import digests_send, immediate_send


@db_task(retries=3, retry_delay=60)
def send_immediate(keys: list[str], user_ids: list[int]) -> None:
    """Queued after commit by notify(); each notification is e-mailed at most once."""
    immediate_send(keys=keys, user_ids=user_ids)


@db_periodic_task(crontab(hour="7", minute="0"))
def send_daily_digests() -> None:
    digests_send(frequency=Frequency.DAILY)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
def send_weekly_digests() -> None:
    """Mondays at 07:00 (the site's time zone): last week's updates in one e-mail."""
    digests_send(frequency=Frequency.WEEKLY)
