"""Readiness in real Chromium: a practice's representative sees its placement and ticks
"share our readiness with the service lead"; the lead sees the counts and that practice;
the representative stops sharing after confirming. Every page passes axe-core and causes
no CSP violation or script error. Screenshots are kept as artefacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from shared_services.models import ReadinessShare
from shared_services.tests.test_readiness_support import (
    BUILD_CASE,
    BUILD_TRUST,
    READY,
    closed_round,
    make_world,
    place,
)

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "shared_services"


def _checked(page, label, found, shot=None):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]
    if shot:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"{shot}.png"), full_page=True)


def test_a_practice_and_the_lead_see_readiness_as_each_may(browser, site, transactional_db):
    world = make_world(4, names=["Oak Surgery", "Ash Surgery", "Elm Surgery", "Yew Surgery"])
    survey = closed_round(world, title="Autumn trust survey")
    for practice, answers in zip(
        world.practices, (READY, BUILD_TRUST, BUILD_CASE, READY), strict=True
    ):
        place(world, survey, practice, answers)
    url = f"{site.url}{world.page()}"
    found: list[str] = []

    rep = new_page(browser)
    sign_in(rep, site.url, world.rep(1).user.email)
    rep.goto(url)
    assert rep.get_by_role("heading", name="Ash Surgery").is_visible()
    assert rep.locator(".nhsuk-tag").first.inner_text().strip() == "Build trust"
    assert rep.get_by_text("Your trust in each organisation you rated").is_visible()
    _checked(rep, "the practice's readiness", found, "readiness-practice")
    rep.get_by_label("Share our readiness with the service lead").check()
    rep.get_by_role("button", name="Save").click()
    rep.wait_for_load_state()
    assert "is shared with the service's lead and the convenors" in rep.content()
    _checked(rep, "shared", found)

    lead = new_page(browser)
    sign_in(lead, site.url, world.lead.user.email)
    lead.goto(url)
    counts = lead.get_by_role(
        "table", name="Practices that have not shared their readiness, in each of the four"
    )
    assert "Ready" in counts.inner_text() and "2" in counts.inner_text()
    shared = lead.get_by_role("table", name="Practices that share their readiness")
    assert "Ash Surgery" in shared.inner_text() and "Build trust" in shared.inner_text()
    assert "Oak Surgery" not in lead.content()
    _checked(lead, "the lead's readiness", found, "readiness-lead")

    rep.get_by_role("link", name="Stop sharing").click()
    rep.wait_for_load_state()
    _checked(rep, "stop sharing", found)
    rep.get_by_role("button", name="Stop sharing").click()
    rep.wait_for_load_state()
    assert ReadinessShare.objects.get().revoked_at is not None
    lead.reload()
    assert "Ash Surgery" not in lead.content()
    _checked(lead, "after revoking", found)
    assert found == []
