"""Background jobs for the habits. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from relationships.nudges import nudges_raise_and_notify


@db_periodic_task(crontab(hour="6", minute="0"))
def raise_nudges() -> None:
    """Daily, before the 07:00 digests: raise the nudges the rules find in every collective
    and tell the people of the organisations concerned about each new one. A nudge is raised
    once per key and a notification recorded once per person and nudge, so a repeated run
    raises and sends nothing twice."""
    nudges_raise_and_notify()
