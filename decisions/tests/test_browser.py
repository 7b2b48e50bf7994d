"""A proposal to consensus in real Chromium, with five leadership organisations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from alliance.testing import PASSWORD, MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.demo import DEMO_PASSWORD
from collectives.models import Collective, CollectiveOrganisation, Role
from decisions.models import Decision, Proposal

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "decisions"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _speakers():
    """A representative for each of the five leadership organisations of the demo."""
    collective = Collective.objects.get(slug="isle-of-wight")
    leaders = list(
        CollectiveOrganisation.objects.filter(collective=collective, is_leadership=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    assert len(leaders) == 5
    return [
        MembershipFactory(
            collective=collective,
            role=Role.REPRESENTATIVE,
            organisation=m.organisation,
            user__email=f"leader{i}@example.org",
        )
        for i, m in enumerate(leaders)
    ]


def _state(browser, site, rep, proposal, stance, reason="", check_axe=False):
    page = new_page(browser)
    sign_in(page, site.url, rep.user.email, PASSWORD)
    page.goto(f"{site.url}/c/isle-of-wight/proposals/{proposal.pk}/position/")
    if check_axe:
        assert serious_violations(page) == [], "position form"
    page.locator(f"input[name=stance][value={stance}]").check()
    if reason:
        page.get_by_label("Why").fill(reason)
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("position is recorded")).to_be_visible()
    assert problems(page) == []
    return page


def test_a_proposal_reaches_consensus(browser, site, demo):
    reps = _speakers()
    base = f"{site.url}/c/isle-of-wight"
    convenor = new_page(browser)
    sign_in(convenor, site.url, "convenor@example.org", DEMO_PASSWORD)
    convenor.goto(f"{base}/proposals/new/")
    assert serious_violations(convenor) == [], "new proposal"
    convenor.get_by_label("Title").fill("One phlebotomy service")
    convenor.get_by_label("The problem").fill("Each practice runs its own clinics.")
    convenor.get_by_label("The proposal").fill("The federation runs one phlebotomy service.")
    convenor.get_by_role("button", name="Save the draft").click()
    proposal = Proposal.objects.get(title="One phlebotomy service")

    # Sense check, then the consent round.
    convenor.get_by_role("button", name="Start a sense check").click()
    page = new_page(browser)
    sign_in(page, site.url, reps[0].user.email, PASSWORD)
    page.goto(f"{base}/proposals/{proposal.pk}/sense-check/")
    assert serious_violations(page) == [], "sense check"
    page.get_by_label("Looks good").check()
    page.get_by_role("button", name="Record it").click()
    convenor.goto(f"{base}/proposals/{proposal.pk}/")
    expect(convenor.get_by_text("Looks good").first).to_be_visible()
    convenor.get_by_role("button", name="Start the consent round").click()

    # One objects, one supports with concerns, the others support.
    objector = _state(
        browser, site, reps[1], proposal, "object", "Our patients cannot travel.", check_axe=True
    )
    _state(browser, site, reps[2], proposal, "concerns", "Cost in year two.")
    for rep in (reps[0], reps[3], reps[4]):
        _state(browser, site, rep, proposal, "support")
    convenor.goto(f"{base}/proposals/{proposal.pk}/")
    expect(convenor.get_by_text("Open objections from:")).to_be_visible()
    _shot(convenor, "proposal-with-objection")

    # The facilitator amends, addressing the objection; the diff shows.
    convenor.goto(f"{base}/proposals/{proposal.pk}/amend/")
    assert serious_violations(convenor) == [], "amend form"
    convenor.get_by_label("The proposal, amended").fill(
        "The federation runs one phlebotomy service, with a clinic in each PCN."
    )
    convenor.get_by_label("Objection from", exact=False).check()
    convenor.get_by_role("button", name="Publish the new version").click()
    expect(convenor.locator(".app-diff ins").first).to_be_visible()  # waits for the new page
    _shot(convenor, "amendment-diff")
    assert serious_violations(convenor) == []

    # The objector accepts; everyone reconfirms on version 2.
    objector.goto(f"{base}/proposals/{proposal.pk}/")
    objector.get_by_role("link", name="Accept that version 2 resolves it").click()
    assert serious_violations(objector) == [], "accept page"
    objector.get_by_role("button", name="Yes, the amendment resolves it").click()
    for i, rep in enumerate(reps):
        _state(
            browser,
            site,
            rep,
            proposal,
            "concerns" if i == 2 else "support",
            "Cost in year two." if i == 2 else "",
        )

    # Consensus is recorded and the log shows it.
    convenor.goto(f"{base}/proposals/{proposal.pk}/")
    expect(convenor.get_by_text("consensus can be recorded")).to_be_visible()
    convenor.get_by_role("link", name="Record consensus").click()
    assert serious_violations(convenor) == [], "record form"
    convenor.get_by_label("The decision in plain English").fill(
        "One phlebotomy service, with a clinic in each PCN."
    )
    convenor.get_by_role("button", name="Record consensus").click()
    expect(convenor.get_by_text("Consensus is recorded.")).to_be_visible()
    assert convenor.get_by_text("Cost in year two.").is_visible()  # concern carried forward
    _shot(convenor, "decision")
    convenor.goto(f"{base}/decisions/")
    expect(convenor.get_by_role("link", name="One phlebotomy service", exact=True)).to_be_visible()
    _shot(convenor, "decision-log")
    assert Decision.objects.get(proposal=proposal).status == "in_force"
    found = []
    for path in (
        "/proposals/",
        f"/proposals/{proposal.pk}/",
        f"/proposals/{proposal.pk}/versions/2/",
        "/decisions/",
        f"/decisions/{Decision.objects.get(proposal=proposal).pk}/",
    ):
        convenor.goto(base + path)
        found += [f"{path}: {v}" for v in serious_violations(convenor)]
    objector.goto(f"{base}/decisions/{Decision.objects.get(proposal=proposal).pk}/revisit/")
    found += [f"revisit: {v}" for v in serious_violations(objector)]
    assert found == [] and problems(convenor) == [] and problems(objector) == []
