"""A mandate's limits are seen only by the leadership group: a member, an observer and a
guest never receive their text from any page, API response or export of the provider
voice (every route is walked, found from the routes themselves), nor from the
notifications or the briefing the outcome becomes; the audit log never holds it either."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from golden_thread.models import Briefing
from notifications.models import Notification
from system import services_voice as services
from system.api import voice as api_voice
from system.views import voice as page_voice

from .test_voice_fixtures import NOW, SECRET, make_mandate, raise_need, support


def _addresses(prefix, routes, need, mandate, practice):
    """Every route of the module, its ids filled in: a mandate's where the path is under
    mandates/, a need's elsewhere."""
    found = []
    for route in routes:
        text = str(route.pattern)
        pk = mandate.pk if "mandates/" in text else need.pk
        text = text.replace("c/<slug:slug>/", "").replace("collectives/<slug:slug>/", "")
        text = text.replace("<id:organisation>", str(practice)).replace("<id:pk>", str(pk))
        found.append(prefix + text)
    return found


@pytest.fixture
def negotiated(world):
    need = raise_need(world)
    support(world, need, 1, 2)
    mandate = make_mandate(world, need)
    services.negotiation_event_record(
        actor_membership=world.cd,
        mandate=mandate,
        kind="meeting",
        happened_on=NOW.date(),
        text="Met the ICB's Director of Strategy.",
        now=NOW,
    )
    return need, mandate


def _everything(client, world, need, mandate):
    slug = world.collective.slug
    practice = world.practices[0].pk
    pages = _addresses(f"/c/{slug}/", page_voice.routes, need, mandate, practice)
    api = _addresses(f"/api/v1/collectives/{slug}/", api_voice.routes, need, mandate, practice)
    answers = {}
    for address in pages + api:
        response = client.get(address)
        body = response.content
        if address.endswith(".xlsx") and response.status_code == 200:
            import io

            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(body))
            body = json.dumps(
                [[c.value for c in row] for sheet in book for row in sheet.iter_rows()],
                default=str,
            ).encode()
        answers[address] = (response.status_code, body.decode("utf-8", "replace"))
    return answers


def test_the_limits_reach_no_member_observer_or_guest_anywhere(world, negotiated):
    need, mandate = negotiated
    for someone in world.outsiders_of_leadership:
        client = APIClient()
        client.force_login(someone.user)
        answers = _everything(client, world, need, mandate)
        assert len(answers) == len(page_voice.routes) + len(api_voice.routes)
        for address, (status, body) in answers.items():
            assert SECRET not in body, (someone.role, address)
            assert "limits" not in body or status != 200 or "/api/" not in address, address
        if someone.role != "guest":
            seen = answers[
                f"/api/v1/collectives/{world.collective.slug}/system/mandates/{mandate.pk}/"
            ]
            assert seen[0] == 200 and "Phlebotomy clinics" in seen[1]
        else:
            assert {status for status, _ in answers.values()} <= {403, 405}


def test_the_leadership_group_does_see_them(world, negotiated):
    need, mandate = negotiated
    client = APIClient()
    client.force_login(world.federation_lead.user)
    answers = _everything(client, world, need, mandate)
    slug = world.collective.slug
    for address in (
        f"/c/{slug}/system/mandates/{mandate.pk}/",
        f"/c/{slug}/system/mandates/mandates.csv",
        f"/c/{slug}/system/mandates/mandates.xlsx",
        f"/c/{slug}/system/mandates/{mandate.pk}/edit/",
        f"/api/v1/collectives/{slug}/system/mandates/",
        f"/api/v1/collectives/{slug}/system/mandates/{mandate.pk}/",
    ):
        assert SECRET in answers[address][1], address


def test_the_outcome_its_notifications_and_the_audit_log_hold_no_limits(world, negotiated):
    _need, mandate = negotiated
    services.mandate_update(actor_membership=world.cd, mandate=mandate, limits=SECRET + "!")
    services.mandate_outcome_record(
        actor_membership=world.cd,
        mandate=mandate,
        status="concluded",
        outcome="The ICB will fund bloods until 4pm.",
        meaning="Book bloods until 4pm from April.",
        now=NOW,
    )
    for notification in Notification.objects.all():
        assert SECRET not in notification.subject + notification.body
    briefing = Briefing.objects.get()
    assert SECRET not in f"{briefing.title} {briefing.summary} {briefing.meaning}"
    for entry in AuditEntry.objects.all():
        assert SECRET not in json.dumps([entry.before, entry.after, entry.object_label])
