"""Coverage, the grid, the key organisations and agenda alignment in real Chromium: each page
free of serious accessibility faults (axe-core) and of Content Security Policy or script
problems, with a key organisation added and an overlap marked through the forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from system import services_alignment
from system.models import Overlap, PriorityOwner

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_the_leadership_reads_coverage_the_grid_and_where_agendas_meet(
    browser, site, transactional_db
):
    from alliance.testing import MembershipFactory, OrganisationFactory
    from collectives.models import Role
    from system.tests.conftest import make_world
    from system.tests.test_coverage_pages import island_people

    world = make_world(MembershipFactory(role=Role.CONVENOR, user__full_name="Connie Convenor"))
    people = island_people(world)
    OrganisationFactory(name="Island Public Health", kind="public_health")
    ours = services_alignment.priority_add(
        actor_membership=world.convenor,
        whose=PriorityOwner.COLLECTIVE,
        text="Phlebotomy for housebound patients",
    )
    services_alignment.priority_add(
        actor_membership=world.convenor,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["dana"].pk,
        text="A frailty pathway",
    )
    base = f"{site.url}/c/{world.collective.slug}/system"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, world.convenor.user.email)

    page.goto(f"{base}/coverage/")
    expect(page.get_by_role("heading", name="Coverage of the key organisations")).to_be_visible()
    expect(
        page.get_by_text("The Director of Operations may be worth more than the Chief Executive")
    ).to_be_visible()
    _checked(page, "coverage", found)
    _shot(page, "coverage")

    page.goto(f"{base}/warmth-and-sway/")
    grid = page.locator("#grid")
    expect(grid.get_by_role("heading", name="Key allies (1)")).to_be_visible()
    expect(grid.get_by_text("warmer by 1 since 3 March")).to_be_visible()
    _checked(page, "grid", found)
    _shot(page, "grid")

    page.goto(f"{base}/key-organisations/")
    page.get_by_label("Find an organisation in the directory").fill("public health")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Island Public Health").click()
    expect(page.get_by_text("The organisation is now a key one.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Island Public Health")).to_be_visible()
    _checked(page, "key organisations", found)
    page.get_by_role("link", name="Remove Island Public Health").click()
    expect(
        page.get_by_role("heading", name="Remove Island Public Health from the key organisations?")
    ).to_be_visible()
    _checked(page, "remove a key organisation", found)

    page.goto(f"{base}/alignment/")
    expect(page.get_by_role("heading", name="Where our agendas meet")).to_be_visible()
    _checked(page, "alignment", found)
    page.get_by_role("link", name="NHS Hampshire and Isle of Wight ICB").click()
    page.get_by_label("Our priority", exact=True).select_option(label=ours.text)
    page.get_by_label("Meets their priority").select_option(
        label="Dana Shaw, Director of Strategy: A frailty pathway"
    )
    page.get_by_label("How they meet (optional)").fill("Both want patients seen at home")
    page.get_by_role("button", name="Mark the overlap").click()
    expect(page.get_by_text("Marked: our agendas meet there.")).to_be_visible()
    expect(page.locator("#overlaps").get_by_text("Both want patients seen at home")).to_be_visible()
    assert Overlap.objects.count() == 1
    _checked(page, "where our agendas meet", found)
    _shot(page, "organisation-agenda")
    page.get_by_role("link", name="Delete “A frailty pathway”").click()
    expect(page.get_by_role("heading", name="Delete “A frailty pathway”?")).to_be_visible()
    _checked(page, "delete a priority", found)

    assert found == []
