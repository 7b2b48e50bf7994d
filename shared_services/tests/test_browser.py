"""A document hub end to end in real Chromium: a convenor creates it with six practices and
three ways of working; five practices agree and one agrees with a local variation; a version
2 of one way goes out and four re-agree; the hub cannot go live until the last practice has
answered, then can; a practice's "What we have agreed" page lists all of it; and the run
chart of a benefit measure shows a special cause on seeded values. Every page is checked
with axe-core and for CSP violations; screenshots go to test-results/shared_services/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Role
from directory.models import OrganisationKind
from shared_services.models import SharedService, Stage, WayAnswer

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "shared_services"
WAYS = [
    ("Coding", "Incoming documents are coded with protocol v2 within 2 working days."),
    ("Hospital letters", "Hospital letters go to the hub's workflow queue."),
    ("Naming", "Scanned documents are named date, source, type."),
]
SEEDED = [40, 42, 39, 41, 40, 43, 38, 41, 40, 42, 39, 96]


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def _answer(page, base, way_pk, answer="Agreed", variation=None):
    page.goto(f"{base}/ways/{way_pk}/answer/")
    page.get_by_label(answer, exact=True).check()
    if variation:
        page.get_by_label("What differs in your practice").fill(variation)
        page.get_by_label("Why it differs").fill("One coder for two sites")
        until = timezone.localdate() + dt.timedelta(days=90)
        page.get_by_label("Date the variation ends").fill(until.isoformat())
    page.get_by_role("button", name="Give the answer").click()
    expect(page.get_by_text("answer is recorded")).to_be_visible()


def _move(page, base, service_pk, stage, reason, found=None):
    page.goto(f"{base}/{service_pk}/stage/")
    if found is not None:
        _checked(page, "stage form", found)
    page.get_by_label(stage, exact=True).check()
    page.get_by_label("Why").fill(reason)
    page.get_by_role("button", name="Move it").click()


def test_a_document_hub_goes_live_once_every_practice_has_agreed(
    browser, site, transactional_db, tmp_path
):
    convenor = MembershipFactory(role=Role.CONVENOR, user__full_name="Priya Shah")
    collective = convenor.collective
    MemberOrganisationFactory(
        collective=collective,
        organisation__name="Island Federation",
        organisation__kind=OrganisationKind.FEDERATION,
        organisation__ods_code=None,
    )
    reps = []
    for n in range(6):
        practice = MemberOrganisationFactory(
            collective=collective, organisation__name=f"Practice {'ABCDEF'[n]} Surgery"
        ).organisation
        reps.append(
            MembershipFactory(
                collective=collective,
                role=Role.REPRESENTATIVE,
                organisation=practice,
                user__email=f"rep{n}@example.org",
            )
        )
    base = f"{site.url}/c/{collective.slug}/shared-services"
    found: list[str] = []

    # The convenor puts the hub on the register with six practices and three ways.
    page = new_page(browser)
    sign_in(page, site.url, convenor.user.email)
    page.goto(base + "/")
    _checked(page, "register, empty", found)
    page.get_by_role("button", name="Add a shared service").click()
    page.get_by_label("Name").fill("Document hub")
    page.get_by_label("Kind of service").select_option(label="Document management hub")
    page.get_by_label("Hosted by").select_option(label="Island Federation (GP federation)")
    for rep in reps:
        page.get_by_label(rep.organisation.name).check()
    _checked(page, "new service form", found)
    page.get_by_role("button", name="Add the service").click()
    expect(page.get_by_role("heading", level=1, name="Document hub")).to_be_visible()
    service = SharedService.objects.get(name="Document hub")
    ways = []
    for title, text in WAYS:
        page.goto(f"{base}/{service.pk}/ways/new/")
        page.get_by_label("Title").fill(title)
        page.get_by_label("What every practice will do").fill(text)
        page.get_by_role("button", name="Add it").click()
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        ways.append(int(re.search(r"/ways/(\d+)/", page.url).group(1)))
    _move(page, base, service.pk, "Agreeing", "Every practice asked for it", found)

    # Five practices agree every way; the sixth agrees the letters with a variation.
    rep_pages = []
    for n, rep in enumerate(reps):
        rep_page = new_page(browser)
        sign_in(rep_page, site.url, rep.user.email)
        rep_pages.append(rep_page)
        for way in ways:
            varied = n == 5 and way == ways[1]
            _answer(
                rep_page,
                base,
                way,
                "Agreed with a local variation" if varied else "Agreed",
                "Letters about care home patients go to our care home GP" if varied else None,
            )
    assert WayAnswer.objects.count() == 18
    _checked(rep_pages[5], "answer page", found)

    # A version 2 of the naming rule goes out: four practices re-agree.
    page.goto(f"{base}/ways/{ways[2]}/revise/")
    page.get_by_label("What every practice will do").fill(
        "Scanned documents are named date, source, type and clinician."
    )
    page.get_by_label("What changed, and why").fill("The clinician lets the hub route it.")
    _checked(page, "new version form", found)
    page.get_by_role("button", name="Send the new version").click()
    for rep_page in rep_pages[:4]:
        _answer(rep_page, base, ways[2])
    page.goto(f"{base}/ways/{ways[2]}/")
    expect(page.get_by_text("Agreed: 4 of 6.")).to_be_visible()
    _checked(page, "way of working", found)
    _shot(page, "way-of-working-version-2")

    # It cannot go live while a practice has not answered version 2.
    for last in (4, 5):
        _move(page, base, service.pk, "Running", "Everyone has agreed")
        refusal = page.locator(".nhsuk-error-message")
        expect(refusal).to_contain_text("cannot go live until every practice")
        expect(refusal).to_contain_text(f"Practice {'ABCDEF'[last]} Surgery: Naming")
        assert SharedService.objects.get().stage == Stage.AGREEING
        _checked(page, f"going live refused before practice {last + 1}", found)
        _shot(page, f"going-live-refused-{last + 1}")
        _answer(rep_pages[last], base, ways[2])
    _move(page, base, service.pk, "Running", "Everyone has agreed")
    expect(page.get_by_text("has moved to running")).to_be_visible()
    assert SharedService.objects.get().stage == Stage.RUNNING
    _checked(page, "service, running", found)
    _shot(page, "service-running")

    # The sixth practice's "What we have agreed" lists the three ways and its variation.
    sixth = rep_pages[5]
    sixth.goto(f"{base}/")
    sixth.get_by_role("link", name=re.compile("What Practice F Surgery has agreed")).click()
    for title, _ in WAYS:
        expect(sixth.get_by_role("link", name=title)).to_be_visible()
    expect(
        sixth.get_by_text("Letters about care home patients go to our care home GP")
    ).to_be_visible()
    expect(sixth.get_by_text("Island Federation").first).to_be_visible()
    _checked(sixth, "what we have agreed", found)
    _shot(sixth, "what-we-have-agreed")

    # A benefit measure with a year of seeded values: the last month is a special cause.
    page.goto(f"{base}/{service.pk}/measures/new/")
    page.get_by_label("Name").fill("Documents waiting")
    page.get_by_label("Unit").fill("documents")
    page.get_by_label("Lower is better").check()
    page.get_by_role("button", name="Add the measure").click()
    values = tmp_path / "values.csv"
    values.write_text(
        "month,value\n" + "".join(f"2025-{m:02d},{v}\n" for m, v in enumerate(SEEDED, 1))
    )
    page.locator("input[type=file][name=file]").set_input_files(str(values))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file is read.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Dec 2025"))
    expect(row).to_contain_text("concern")
    expect(row).to_contain_text("Above the upper process limit")
    expect(page.get_by_text("Variation now")).to_be_visible()
    expect(page.locator("svg.app-chart circle")).to_have_count(12)
    _checked(page, "run chart", found)
    _shot(page, "run-chart")

    assert found == []
