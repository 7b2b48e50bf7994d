"""Background jobs for the golden thread. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from golden_thread.chasers import chasers_send


@db_periodic_task(crontab(hour="9", minute="30"))
def send_chasers() -> None:
    """Daily: practices not reached 7 days after publication are chased through their PCN's
    Clinical Director, and 10 days after, directly. Each chase is recorded on its thread, so
    a repeated run sends nothing twice."""
    chasers_send()
