"""The provider voice end to end in real Chromium: a practice raises a need, four others
support it, the leadership group prioritises it, turns it into a mandate, records a meeting
and the outcome, and the raising practice sees what happened; a member reads the mandate
without its limits. Every page is checked with axe-core and for CSP violations;
screenshots go to test-results/system/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.testing import MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Role
from golden_thread.models import Briefing
from system.models import Mandate, Need, NeedSupport
from system.tests.conftest import make_world

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"
LIMITS = "We could accept 2pm if the ICB pays for it"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"voice-{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_a_need_is_raised_supported_negotiated_and_its_outcome_goes_back(
    browser, site, transactional_db
):
    world = make_world(MembershipFactory(role=Role.CONVENOR, user__full_name="Priya Shah"))
    base = f"{site.url}/c/{world.collective.slug}/system"
    found: list[str] = []

    # Practice A raises the need.
    raiser = new_page(browser)
    sign_in(raiser, site.url, world.representatives[0].user.email)
    raiser.goto(f"{base}/needs/")
    _checked(raiser, "needs, empty", found)
    raiser.get_by_role("button", name="Raise a need for Practice A Surgery").click()
    raiser.get_by_label("The need, in a line").fill("No phlebotomy capacity after 1pm")
    raiser.get_by_label("More detail (optional)").fill("Patients go to the hospital for bloods.")
    _checked(raiser, "raise form", found)
    raiser.get_by_role("button", name="Raise the need").click()
    expect(raiser.get_by_role("heading", level=1)).to_have_text("No phlebotomy capacity after 1pm")
    _checked(raiser, "need, raised", found)
    need = Need.objects.get()

    # Four other practices support it, each with a line of evidence.
    for index in (1, 2, 3, 4):
        rep = world.representatives[index]
        page = new_page(browser)
        sign_in(page, site.url, rep.user.email)
        page.goto(f"{base}/needs/{need.pk}/")
        page.get_by_role("button", name=f"Add {rep.organisation.name}'s support").click()
        page.get_by_label("One line of evidence").fill(f"{index * 5} patients a week sent away.")
        if index == 1:
            _checked(page, "support form", found)
        page.get_by_role("button", name="Add our support").click()
        expect(
            page.get_by_text(f"{rep.organisation.name} supports this need.").first
        ).to_be_visible()
        page.context.close()
    assert NeedSupport.objects.count() == 4

    # The leadership group sees it ranked, prioritises it and makes a mandate.
    lead = new_page(browser)
    sign_in(lead, site.url, world.cd.user.email)
    lead.goto(f"{base}/needs/")
    expect(lead.get_by_role("row", name=re.compile("No phlebotomy capacity"))).to_contain_text("5")
    _checked(lead, "needs, ranked", found)
    _shot(lead, "needs-ranked")
    lead.get_by_role("link", name="No phlebotomy capacity after 1pm").click()
    lead.get_by_role("link", name="Prioritise it or set it aside").click()
    lead.get_by_label("Prioritise it").check()
    lead.get_by_label("Priority (if prioritised)").fill("1")
    lead.get_by_label("Why").fill("Five practices and most of our patients are behind it.")
    _checked(lead, "prioritise form", found)
    lead.get_by_role("button", name="Save").click()
    lead.get_by_role("link", name="Turn it into a negotiation mandate").click()
    lead.get_by_label("What we ask").fill("Phlebotomy clinics until 6pm in every practice.")
    lead.get_by_label("Not listed? Its ODS code").fill("QRL")
    lead.get_by_label("Our opening position").fill("Until 6pm, every weekday.")
    lead.get_by_label("Our limits").fill(LIMITS)
    _checked(lead, "mandate form", found)
    lead.get_by_role("button", name="Make the mandate").click()
    expect(lead.get_by_text(LIMITS)).to_be_visible()
    mandate = Mandate.objects.get()
    lead.get_by_role("link", name="Record a meeting, an offer or a note").click()
    lead.get_by_label("Meeting").check()
    lead.get_by_label("What happened").fill("Met the ICB's Director of Primary Care.")
    _checked(lead, "event form", found)
    lead.get_by_role("button", name="Record it").click()
    _checked(lead, "mandate, negotiating", found)
    _shot(lead, "mandate-negotiating")
    lead.get_by_role("button", name="Record the outcome").click()
    lead.get_by_label("Concluded").check()
    lead.get_by_label("The outcome").fill("The ICB will fund bloods until 4pm in every practice.")
    lead.get_by_label("What it means for a practice").fill("You can book bloods until 4pm.")
    _checked(lead, "outcome form", found)
    lead.get_by_role("button", name="Record the outcome and tell the practices").click()
    expect(
        lead.get_by_role("link", name="The outcome as every practice received it")
    ).to_be_visible()
    assert Briefing.objects.get().pk == Mandate.objects.get().briefing_id

    # The raising practice sees what happened to what it raised.
    raiser.goto(f"{base}/needs/")
    raiser.get_by_role("link", name="What happened to what Practice A Surgery raised").click()
    row = raiser.get_by_role("row", name=re.compile("No phlebotomy capacity"))
    expect(row).to_contain_text("Closed with an outcome")
    expect(row).to_contain_text("The ICB will fund bloods until 4pm in every practice.")
    _checked(raiser, "what happened to what we raised", found)
    _shot(raiser, "what-happened")

    # A member reads the mandate, but not our limits.
    member = new_page(browser)
    sign_in(member, site.url, world.member.user.email)
    member.goto(f"{base}/mandates/{mandate.pk}/")
    expect(member.get_by_text("Phlebotomy clinics until 6pm in every practice.")).to_be_visible()
    assert LIMITS not in member.content()
    _checked(member, "mandate, as a member", found)
    member.goto(f"{base}/mandates/")
    _checked(member, "mandates", found)

    assert found == []
