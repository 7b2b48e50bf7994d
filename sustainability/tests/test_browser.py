"""The sustainability pages in real Chromium: a convenor uploads a national file and watches
the import finish, reads the collective's practices and the funnel, opens a practice's spine
charts, and sees the practices under pressure; axe finds no serious or critical violation
and no page breaks the Content Security Policy or logs a script error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.testing import MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Role
from shared_services.models import Participation, ServiceKind, SharedService
from sustainability.models import PracticeFigure

from .test_readers import FIXTURES
from .test_selectors import national

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "sustainability"


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{label}.png"), full_page=True)


def test_a_convenor_imports_figures_and_reads_them(
    browser, site, transactional_db, settings, tmp_path
):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    convenor = MembershipFactory(role=Role.CONVENOR)
    collective = convenor.collective
    made = national(collective, practices=12, years=3, pcns=3)
    # One practice's list falls fast: it is under pressure.
    code = made.practices[2].ods_code
    PracticeFigure.objects.filter(
        practice_code=code, measure="registered_patients", period="2022-23"
    ).update(value=3000)
    hub = SharedService.objects.create(
        collective=collective, name="Document hub", kind=ServiceKind.DOCUMENTS, host=made.pcns[0]
    )
    Participation.objects.create(service=hub, organisation=made.practices[0])
    base = f"{site.url}/c/{collective.slug}/sustainability"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, convenor.user.email)

    # The upload: a Fingertips export, run in the background; the run's page shows it done.
    page.goto(f"{base}/imports/")
    _checked(page, "upload", found)
    # NHS.UK's file upload draws a drop zone over the input, which takes the file.
    page.locator("input[type=file][name=upload]").set_input_files(
        str(FIXTURES / "fingertips-93553.csv")
    )
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_text("The import has started.")).to_be_visible()
    expect(page.get_by_text("Imported. Figures:")).to_be_visible()
    _checked(page, "import-run", found)

    # The collective's practices, by name, with the funnel of their lists' change.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Sustainability", exact=True)).to_be_visible()
    expect(page.locator("#practices")).to_contain_text("Practice 000")
    expect(page.locator("svg[aria-labelledby=funnel-title] circle")).to_have_count(12)
    _checked(page, "overview", found)
    page.get_by_label("Practice, ODS code or PCN").fill("Practice 011")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#practices tbody tr")).to_have_count(1)

    # A practice: a spine chart per figure, the same figures in the table.
    page.get_by_role("link", name="Practice 011").click()
    expect(page.get_by_role("heading", name="Practice 011")).to_be_visible()
    expect(page.locator("#spines svg[role=img]")).to_have_count(10)
    _checked(page, "practice", found)

    # The practices under pressure, with the services they are and are not in.
    page.goto(f"{base}/pressure/")
    expect(page.locator("#pressure")).to_contain_text("Practice 002")
    expect(page.locator("#pressure")).to_contain_text("List fell")
    expect(page.locator("#pressure")).to_contain_text("Document hub")
    _checked(page, "pressure", found)
    page.get_by_role("link", name="Change the thresholds").click()
    page.get_by_label("Flag a practice whose registered list fell").fill("99")
    page.get_by_role("button", name="Save the thresholds").click()
    expect(page.get_by_text("by more than 99% a year")).to_be_visible()
    expect(page.locator("#pressure")).not_to_contain_text("List fell")
    _checked(page, "pressure-thresholds", found)

    assert found == [], "\n".join(found)
