"""Background jobs for whole-system working. Thin: they call the domain layer."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from system.nudges import cold_nudges_raise_and_notify


@db_periodic_task(crontab(hour="6", minute="10"))
def raise_cold_relationship_nudges() -> None:
    """Daily, before the 07:00 digests: in every collective, nudge the owner of each key
    relationship that has gone cold and close the nudges of those that warmed up. A nudge
    is raised once per cold spell and its owner told once, so a repeated run does nothing
    twice."""
    cold_nudges_raise_and_notify()
