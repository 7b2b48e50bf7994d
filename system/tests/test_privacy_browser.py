"""Privacy in real Chromium: the owner of a cold key relationship sees its nudge and snoozes
it until a date; a GP leader reads a stakeholder's subject access page, the notes due for
review, and erases the stakeholder after the page naming what goes. Every page is checked
with axe-core and for CSP violations; screenshots go to test-results/system/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from relationships.models import Nudge
from system.models import Stakeholder
from system.nudges import cold_nudges_refresh

from .test_privacy import NAME, NOTE, make_dana

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_a_gp_leader_snoozes_a_cold_nudge_reads_and_erases_a_stakeholder(
    browser, site, transactional_db, world, django_capture_on_commit_callbacks
):
    dana = make_dana(world)
    with django_capture_on_commit_callbacks(execute=True):
        cold_nudges_refresh(collective=world.collective, now=timezone.now())
    base = f"{site.url}/c/{world.collective.slug}"
    page = new_page(browser)
    found: list[str] = []
    sign_in(page, site.url, world.cd.user.email)

    page.goto(f"{base}/relationships/nudges/")
    expect(page.get_by_text("no contact in").first).to_be_visible()
    expect(page.get_by_text("For you alone")).to_be_visible()
    _checked(page, "nudges", found)
    _shot(page, "cold-relationship-nudge")
    until = timezone.localdate() + dt.timedelta(days=21)
    page.get_by_label("Or until a date").fill(until.isoformat())
    page.get_by_role("button", name="Snooze").click()
    expect(page.get_by_text(f"Nudge snoozed until {until:%-d %B %Y}.")).to_be_visible()
    snoozed = Nudge.objects.get(user=world.cd.user).snoozed_until
    assert snoozed is not None and timezone.localtime(snoozed).date() == until

    s = dana.stakeholder
    page.goto(f"{base}/system/stakeholders/{s.pk}/subject-access/")
    expect(page.get_by_role("heading", name=f"Everything held about {NAME}")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    _checked(page, "subject access", found)
    _shot(page, "subject-access")

    page.goto(f"{base}/system/notes-review/")
    expect(page.get_by_text("1 note is due for review.")).to_be_visible()
    _checked(page, "notes review", found)
    _shot(page, "notes-review")

    page.goto(f"{base}/system/stakeholders/{s.pk}/erase/")
    expect(page.get_by_role("heading", name=f"Erase {NAME}'s personal data?")).to_be_visible()
    _checked(page, "erase", found)
    _shot(page, "erase")
    page.get_by_role("button", name="Erase their personal data").click()
    expect(page.get_by_text("Their personal data is erased.")).to_be_visible()
    assert Stakeholder.objects.get(pk=s.pk).erased_at is not None
    assert found == []
