"""A Clinical Director in real Chromium adds the ICB's Director of Strategy from the directory,
logs a first meeting with what was learned about their agenda, marks them as a key
relationship, assesses them twice and keeps a note; a sixth key relationship is refused,
naming the five. Every page is checked with axe-core and for CSP violations and script
errors; screenshots go to test-results/system/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from relationships.models import Contact
from system import services_stakeholders as services
from system.models import KeyRelationship, Stakeholder

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"stakeholders-{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def _assess(page, warmth: str, sway: str) -> None:
    page.get_by_role("link", name="Assess their warmth and sway").click()
    page.get_by_label(warmth).check()
    page.get_by_label(sway).check()
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("The assessment is recorded.")).to_be_visible()


def test_a_clinical_director_keeps_the_icbs_director_of_strategy_warm(
    browser, site, transactional_db, world
):
    base = f"{site.url}/c/{world.collective.slug}/system/stakeholders"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, world.cd.user.email)

    page.goto(base + "/")
    expect(page.get_by_text("No stakeholder is recorded yet.")).to_be_visible()
    _checked(page, "empty list", found)
    page.get_by_role("button", name="Add a stakeholder").click()
    page.get_by_role("textbox", name="Their organisation").fill("Hampshire")
    page.get_by_role("button", name="Find the organisation").click()
    _checked(page, "organisation search", found)
    page.get_by_role("link", name="NHS Hampshire and Isle of Wight ICB").click()
    page.get_by_label("Their name").fill("Dana Strategy")
    page.get_by_label("Job title (optional)").fill("Director of Strategy")
    page.get_by_label("E-mail address (optional)").fill("dana.strategy@nhs.example")
    _checked(page, "person form", found)
    page.get_by_role("button", name="Add the stakeholder").click()
    expect(page.get_by_role("heading", level=1, name="Dana Strategy")).to_be_visible()

    # The first meeting is for listening: what we learned goes on their page.
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_label("In-person meeting").check()
    page.get_by_label("What did we learn about their agenda? (optional)").fill(
        "Moving care out of hospital; worried about winter discharge."
    )
    _checked(page, "contact form", found)
    page.get_by_role("button", name="Log the contact").click()
    expect(page.get_by_text("The contact is in the contact log.")).to_be_visible()
    expect(page.get_by_text("worried about winter discharge").first).to_be_visible()

    page.get_by_role("link", name="Make them one of your key relationships").click()
    _checked(page, "key relationship confirmation", found)
    page.get_by_role("button", name="Make them a key relationship").click()
    expect(page.get_by_text("is one of your key relationships.").first).to_be_visible()

    _assess(page, "3: Neutral", "2: Some")
    _checked(page, "after the first assessment", found)
    _assess(page, "4: Friendly", "3: Real: what they back often happens")
    expect(page.get_by_text("warmth 3 → 4, sway 2 → 3").first).to_be_visible()

    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Note").fill("Prefers a one-page brief before any meeting.")
    _checked(page, "note form", found)
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Prefers a one-page brief before any meeting.")).to_be_visible()
    _checked(page, "stakeholder page", found)
    _shot(page, "stakeholder")

    stakeholder = Stakeholder.objects.get(person__name="Dana Strategy")
    assert stakeholder.agenda_learned.startswith("Moving care out of hospital")
    assert Contact.objects.count() == 1
    assert KeyRelationship.objects.filter(owner=world.cd.user).count() == 1

    # Four more key relationships, then a sixth is refused, naming the five.
    for n in range(5):
        other = services.stakeholder_add(
            actor_membership=world.cd, organisation=world.community_trust.pk, name=f"Lead {n}"
        )
        if n < 4:
            services.key_relationship_mark(actor_membership=world.cd, stakeholder=other)
    page.goto(f"{base}/{other.pk}/key/")
    page.get_by_role("button", name="Make them a key relationship").click()
    refusal = page.locator(".nhsuk-error-summary")
    expect(refusal).to_contain_text("You already have 5 key relationships")
    expect(refusal).to_contain_text("Dana Strategy, NHS Hampshire and Isle of Wight ICB")
    _checked(page, "sixth key relationship refused", found)
    _shot(page, "sixth-refused")

    page.goto(base + "/")
    expect(page.get_by_text("You keep 5 of at most 5.")).to_be_visible()
    page.get_by_label("Search", exact=True).fill("strategy")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 stakeholder")).to_be_visible()
    _checked(page, "list", found)
    _shot(page, "list")

    assert found == []
