"""A meeting with a stakeholder, imported from a calendar export, is logged with them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relationships import services as relationships
from relationships.models import ContactParticipant
from system import services_stakeholders
from system.tests.conftest import World

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//EN
BEGIN:VEVENT
UID:coffee-with-the-icb@example.org
DTSTART:{start}
DTEND:{end}
SUMMARY:Coffee with the ICB
ORGANIZER:mailto:{organiser}
ATTENDEE:mailto:sam.strategy@example.nhs.uk
END:VEVENT
END:VCALENDAR
"""


def test_a_calendar_meeting_with_a_stakeholder_is_logged_with_them(world: World) -> None:
    stakeholder = services_stakeholders.stakeholder_add(
        actor_membership=world.cd,
        organisation=world.icb.pk,
        name="Sam Strategy",
        job_title="Director of Strategy",
        email="sam.strategy@example.nhs.uk",
    )
    start = timezone.now() - dt.timedelta(days=3)
    data = CALENDAR.format(
        start=start.strftime("%Y%m%dT%H%M%SZ"),
        end=(start + dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ"),
        organiser=world.cd.user.email,
    ).replace("\n", "\r\n")
    done = relationships.calendar_import(
        actor_membership=world.cd, data=data.encode(), filename="outlook.ics"
    )
    assert len(done.created) == 1, done
    assert "sam.strategy@example.nhs.uk" not in done.unmatched
    assert ContactParticipant.objects.filter(
        contact=done.created[0], person_id=stakeholder.person_id
    ).exists()
