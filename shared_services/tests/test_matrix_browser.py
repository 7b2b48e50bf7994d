"""Who does what in real Chromium: the matrix page with its conflicts, a draft change ticked
in the form, and the change's page, each free of serious accessibility faults and of
Content Security Policy or script problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from shared_services import services_matrix as services
from shared_services.models import MatrixChange
from shared_services.tests.test_matrix_services import make_island

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "shared_services"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_the_convenor_reads_the_matrix_and_drafts_a_change(browser, site, transactional_db):
    from alliance.testing import MembershipFactory
    from collectives.models import Role

    convenor = MembershipFactory(role=Role.CONVENOR)
    island = make_island(convenor)
    services.matrix_functions_ensure(actor_membership=convenor)
    fed, pcn = island.key(island.federation), island.key(island.pcns[0])
    services.matrix_first_version_set(
        actor_membership=convenor,
        cells=[
            {"function": "Estates", "body": fed, "roles": "RA"},
            {"function": "Estates", "body": pcn, "roles": "A"},
            {"function": "Staff bank", "body": fed, "roles": "R"},
        ],
    )
    base = f"{site.url}/c/{island.collective.slug}/who-does-what"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, convenor.user.email)

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Who does what", exact=True)).to_be_visible()
    expect(page.get_by_text("2 bodies are Accountable for Estates")).to_be_visible()
    _checked(page, "matrix", found)
    _shot(page, "matrix")

    page.get_by_role("textbox", name="Search functions").fill("estates")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#matrix tbody tr")).to_have_count(1)

    page.get_by_role("button", name="Draft a change").click()
    page.get_by_label("What is the change, in a few words").fill("One body answers for estates")
    page.get_by_label("Estates", exact=True).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="One body answers for estates")).to_be_visible()
    _checked(page, "change form", found)
    pcn_boxes = page.get_by_role("group", name="PCN 1", exact=True)
    pcn_boxes.get_by_label("Accountable (A)").uncheck()
    pcn_boxes.get_by_label("Consulted (C)").check()
    page.get_by_role("button", name="Save the draft").click()

    change = MatrixChange.objects.get()
    expect(page).to_have_url(f"{base}/changes/{change.pk}/")
    expect(
        page.locator("#differences").get_by_role("cell", name="Consulted", exact=True)
    ).to_be_visible()
    _checked(page, "change", found)
    _shot(page, "change")

    page.get_by_role("button", name="Propose it to the group").click()
    _checked(page, "propose", found)
    page.get_by_role("button", name="Propose it to the group").click()
    expect(page.get_by_text("Waiting for the group")).to_be_visible()
    page.goto(f"{base}/changes/{change.pk}/apply/")
    expect(page.get_by_text("the proposal has no recorded decision")).to_be_visible()
    _checked(page, "apply, undecided", found)

    # The confirmation pages and the form that sets the first version.
    page.goto(f"{base}/changes/{change.pk}/withdraw/")
    expect(
        page.get_by_role("heading", name="Withdraw “One body answers for estates”?")
    ).to_be_visible()
    _checked(page, "withdraw", found)
    estates = change.cells[0]["function"]
    page.goto(f"{base}/")
    page.get_by_text("Add, rename or remove functions").click()
    page.get_by_role("link", name=f"Remove {estates}").click()
    expect(page.get_by_role("heading", name=f"Remove {estates}?")).to_be_visible()
    _checked(page, "remove a function", found)
    page.goto(f"{base}/set/")
    _checked(page, "set who does what", found)

    assert found == []
