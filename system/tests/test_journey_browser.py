"""Issue 16's acceptance journey in real Chromium, through the pages only.

The PCN's Clinical Director adds the ICB's Director of Strategy, marks them a key
relationship, logs the first meeting with what was learned about their agenda and assesses
them warm and holding sway; coverage then shows the ICB covered and the community trust as
a gap, suggesting the person already known there. A system meeting is prepared (two agenda
items, one from a recorded decision, two conversations beforehand), its prep sheet prints
one page per item, and an item's outcome is published to every practice through the golden
thread. Then a practice raises a need, four others support it with evidence, the leadership
turns it into a mandate with limits and records the outcome, and the raising practice sees
what happened to it.

Only the world (organisations, memberships) and one recorded decision of the collective are
set up with services; everything after is done in the browser. Every page visited is checked
with axe-core (no serious or critical fault), for Content Security Policy violations and for
console errors. Screenshots and the printed prep sheet go to test-results/system/journey-*.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Membership
from decisions import services as decisions
from decisions.models import Decision, Phase
from golden_thread.models import Briefing, Thread
from system.models import (
    AgendaItem,
    KeyRelationship,
    Mandate,
    Need,
    NeedStatus,
    NeedSupport,
    PrepConversation,
    Stakeholder,
)
from system.tests.conftest import World

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"
AGENDA = "Moving care out of hospital; worried about winter discharge."
LIMITS = "We could accept 4pm if the ICB pays for the clinics"
OUTCOME = "The ICB will fund bloods until 4pm in every practice."


class Journey:
    """What the journey found wrong on the pages it visited, and its numbered screenshots."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.shots: list[str] = []

    def checked(self, page: Any, label: str) -> None:
        self.found += [f"{label}: {v}" for v in serious_violations(page)]
        self.found += [f"{label}: {p}" for p in problems(page)]

    def shot(self, page: Any, name: str) -> None:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        file = f"journey-{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(ARTEFACTS / file), full_page=True)
        self.shots.append(file)


def recorded_decision(world: World, title: str) -> Decision:
    """A decision of the collective, reached by consensus of its two leadership members."""
    proposal = decisions.proposal_create(
        actor_membership=world.convenor,
        title=title,
        problem="Each practice runs its own phlebotomy clinics and patients wait.",
        text="The practices share one phlebotomy rota across the island.",
    )
    decisions.proposal_move(actor_membership=world.convenor, proposal=proposal, phase=Phase.CONSENT)
    for speaker in (world.cd, world.federation_lead):
        decisions.position_state(membership=speaker, proposal=proposal, stance="support")
    return decisions.decision_record(
        actor_membership=world.convenor,
        proposal=proposal,
        summary="The practices share one phlebotomy rota.",
    )


def add_stakeholder(
    page: Any, journey: Journey, base: str, search: str, organisation: str, name: str, job: str
) -> None:
    page.goto(f"{base}/stakeholders/")
    journey.checked(page, f"stakeholders, before adding {name}")
    page.get_by_role("button", name="Add a stakeholder").click()
    page.get_by_role("textbox", name="Their organisation").fill(search)
    page.get_by_role("button", name="Find the organisation").click()
    journey.checked(page, f"organisation search for {name}")
    page.get_by_role("link", name=organisation).click()
    page.get_by_label("Their name").fill(name)
    page.get_by_label("Job title (optional)").fill(job)
    journey.checked(page, f"form adding {name}")
    page.get_by_role("button", name="Add the stakeholder").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    journey.checked(page, f"{name}'s page, just added")


def assess(page: Any, journey: Journey, warmth: str, sway: str) -> None:
    page.get_by_role("link", name="Assess their warmth and sway").click()
    page.get_by_label(warmth).check()
    page.get_by_label(sway).check()
    journey.checked(page, "assessment form")
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("The assessment is recorded.")).to_be_visible()


def lead_page(browser: Any, site: Any, membership: Membership) -> Any:
    page = new_page(browser)
    sign_in(page, site.url, membership.user.email)
    return page


def test_a_clinical_director_keeps_the_icb_warm_prepares_a_meeting_and_carries_a_need_to_an_outcome(
    browser, site, transactional_db, world
):
    agreed = recorded_decision(world, "One phlebotomy rota for the island")
    base = f"{site.url}/c/{world.collective.slug}/system"
    journey = Journey()
    cd = lead_page(browser, site, world.cd)

    # 1. The CD adds the ICB's Director of Strategy and makes them a key relationship.
    cd.goto(f"{base}/")
    journey.checked(cd, "whole-system overview")
    journey.shot(cd, "overview")
    add_stakeholder(
        cd,
        journey,
        base,
        "Hampshire",
        "NHS Hampshire and Isle of Wight ICB",
        "Dana Strategy",
        "Director of Strategy",
    )
    cd.get_by_role("link", name="Make them one of your key relationships").click()
    journey.checked(cd, "key relationship confirmation")
    cd.get_by_role("button", name="Make them a key relationship").click()
    expect(cd.get_by_text("is one of your key relationships.").first).to_be_visible()
    journey.checked(cd, "Dana Strategy, a key relationship")

    # The first meeting with a new key relationship asks what we learned of their agenda.
    cd.get_by_role("link", name="Log a contact").click()
    cd.get_by_label("In-person meeting").check()
    agenda = cd.get_by_label("What did we learn about their agenda?", exact=True)
    expect(agenda).to_be_visible()
    journey.checked(cd, "first contact form")
    cd.get_by_role("button", name="Log the contact").click()
    expect(cd.locator(".nhsuk-error-summary")).to_contain_text(
        "Say what we learned about their agenda: this is the first contact with a key relationship."
    )
    journey.checked(cd, "first contact form, agenda missing")
    journey.shot(cd, "first-meeting-asks-their-agenda")
    agenda.fill(AGENDA)
    cd.get_by_role("button", name="Log the contact").click()
    expect(cd.get_by_text("The contact is in the contact log.")).to_be_visible()
    expect(cd.get_by_text("worried about winter discharge").first).to_be_visible()
    assess(cd, journey, "4: Friendly", "3: Real: what they back often happens")
    expect(cd.get_by_text("warmth 4").first).to_be_visible()
    journey.checked(cd, "Dana Strategy, assessed")
    journey.shot(cd, "icb-director-of-strategy")
    dana = Stakeholder.objects.get(person__name="Dana Strategy")
    assert dana.agenda_learned == AGENDA
    assert KeyRelationship.objects.filter(owner=world.cd.user, stakeholder=dana).exists()

    # 2. Someone known at the community trust, not a key relationship: the trust is a gap.
    add_stakeholder(
        cd,
        journey,
        base,
        "Community Services",
        "Isle of Wight Community Services",
        "Nia Nurse",
        "Director of Operations",
    )
    assess(cd, journey, "3: Neutral", "4: Strong")
    cd.goto(f"{base}/coverage/")
    expect(cd.get_by_role("heading", name="Coverage of the key organisations")).to_be_visible()
    expect(
        cd.get_by_role("row", name=re.compile("NHS Hampshire and Isle of Wight ICB"))
    ).to_contain_text("Covered")
    trust = cd.get_by_role("row", name=re.compile("Isle of Wight Community Services"))
    expect(trust).to_contain_text("Gap")
    expect(trust).to_contain_text("No key relationship at Isle of Wight Community Services yet.")
    suggestions = cd.locator("ol[id^=suggestions-]")
    expect(suggestions).to_have_count(1)
    expect(suggestions).to_contain_text("Nia Nurse, Director of Operations: warmth 3, sway 4.")
    expect(suggestions).to_contain_text("Holds sway but is not warm yet: worth winning over.")
    journey.checked(cd, "coverage")
    journey.shot(cd, "coverage-community-trust-gap")

    # 3. A system meeting next week, prepared: two items, one from the decision, two talks.
    next_week = timezone.localdate() + dt.timedelta(days=6)
    cd.goto(f"{base}/meetings/")
    journey.checked(cd, "system meetings, empty")
    cd.get_by_role("button", name="Add a system meeting").click()
    cd.get_by_label("Find the organisation that holds it").fill("Wight Council")
    cd.get_by_role("button", name="Find").click()
    cd.get_by_label("Name", exact=True).fill("Place partnership")
    cd.get_by_label("Held by (optional)").select_option(label="Isle of Wight Council")
    cd.get_by_label("Once (a one-off meeting)").check()
    cd.get_by_label("Date of the first meeting").fill(next_week.isoformat())
    cd.get_by_label("Time").fill("10:00")
    cd.get_by_label("Where (optional)").fill("County Hall")
    journey.checked(cd, "new system meeting form")
    cd.get_by_role("button", name="Add the meeting").click()
    expect(cd.get_by_role("heading", level=1, name="Place partnership")).to_be_visible()
    journey.checked(cd, "meeting series")
    cd.get_by_role("link", name=re.compile(next_week.strftime("%-d %b %Y"))).click()
    expect(cd.get_by_text("No item is on the agenda yet.")).to_be_visible()
    journey.checked(cd, "meeting, no agenda yet")
    cd.get_by_role("link", name="Choose who attends").click()
    cd.get_by_label("Clare Director").check()
    journey.checked(cd, "who attends")
    cd.get_by_role("button", name="Save who attends").click()

    for title, position, from_decision in (
        ("Phlebotomy in the community", "No more phlebotomy without funding.", True),
        ("Winter plan", "Same-day hubs need GP sessions at the local rate.", False),
    ):
        cd.get_by_role("link", name="Add an agenda item").click()
        cd.get_by_label("Item", exact=True).fill(title)
        cd.get_by_label("Our position (optional)").fill(position)
        if from_decision:
            cd.get_by_label("From a decision of the collective").select_option(label=agreed.title)
        journey.checked(cd, f"agenda item form: {title}")
        cd.get_by_role("button", name="Add the item").click()
        expect(cd.get_by_role("heading", name=re.compile(title))).to_be_visible()
    phlebotomy, winter = AgendaItem.objects.order_by("position_in_agenda")
    assert phlebotomy.decision_id == agreed.pk and winter.decision_id is None
    expect(cd.locator(f"#item-{phlebotomy.pk}")).to_contain_text(agreed.title)

    for who, by, stance in (
        (
            "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)",
            "Clare Director",
            "With us",
        ),
        (
            "Nia Nurse, Director of Operations (Isle of Wight Community Services)",
            "Fred Federation",
            "Against",
        ),
    ):
        cd.get_by_role("link", name="Plan a conversation about Phlebotomy in the community").click()
        cd.get_by_label("With whom").select_option(label=who)
        cd.get_by_label("By whom").select_option(label=by)
        cd.get_by_label(stance, exact=True).check()
        journey.checked(cd, f"conversation form: {who}")
        cd.get_by_role("button", name="Plan the conversation").click()
    assert PrepConversation.objects.filter(item=phlebotomy).count() == 2
    expect(
        cd.get_by_text("2 conversations planned before the meeting are not done yet.")
    ).to_be_visible()
    journey.checked(cd, "meeting prepared")
    journey.shot(cd, "meeting-prepared")

    # The prep sheet prints one page per item.
    cd.get_by_role("link", name="The prep sheet, to print").click()
    expect(cd.get_by_role("button", name="Print the prep sheet")).to_be_visible()
    journey.checked(cd, "prep sheet")
    journey.shot(cd, "prep-sheet")
    cd.emulate_media(media="print")
    breaks = cd.eval_on_selector_all(
        ".app-prep-item", "items => items.map(i => getComputedStyle(i).breakBefore)"
    )
    assert breaks == ["page", "page"]
    pdf = ARTEFACTS / "journey-prep-sheet.pdf"
    cd.pdf(path=str(pdf), format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) >= 2
    cd.emulate_media(media="screen")

    # 4. After the meeting: the outcome of the first item goes to every practice.
    cd.go_back()
    cd.get_by_role("link", name="Record the outcome of Phlebotomy in the community").click()
    cd.get_by_label("What came of it").fill("The trust will run clinics after 1pm from April.")
    journey.checked(cd, "outcome form")
    cd.get_by_role("button", name="Record the outcome").click()
    cd.get_by_role(
        "link", name=re.compile(r"Publish the outcome to practices\W*Phlebotomy")
    ).click()
    cd.get_by_label("What it means for your practice").fill(
        "You can book patients into the afternoon clinics."
    )
    journey.checked(cd, "publish form")
    cd.get_by_role("button", name="Publish to every practice").click()
    expect(cd.get_by_text("The outcome is published: every practice has it.")).to_be_visible()
    expect(cd.locator(f"#item-{phlebotomy.pk}")).to_contain_text("Published to practices")
    journey.checked(cd, "meeting, outcome published")
    journey.shot(cd, "outcome-published")
    briefing = Briefing.objects.get(title="Place partnership: Phlebotomy in the community")
    threads = Thread.objects.filter(briefing=briefing)
    assert sorted(threads.values_list("practice_id", flat=True)) == sorted(
        p.pk for p in world.practices
    )

    # 5. Practice A raises a need.
    raiser = lead_page(browser, site, world.representatives[0])
    raiser.goto(f"{base}/needs/")
    journey.checked(raiser, "needs, as practice A")
    raiser.get_by_role("button", name="Raise a need for Practice A Surgery").click()
    raiser.get_by_label("The need, in a line").fill("No phlebotomy capacity after 1pm")
    raiser.get_by_label("More detail (optional)").fill("Patients go to the hospital for bloods.")
    journey.checked(raiser, "raise a need form")
    raiser.get_by_role("button", name="Raise the need").click()
    expect(raiser.get_by_role("heading", level=1)).to_have_text("No phlebotomy capacity after 1pm")
    journey.checked(raiser, "need, raised")
    journey.shot(raiser, "need-raised")
    need = Need.objects.get()

    # Four other practices support it, each in its own browser, with a line of evidence.
    for index in (1, 2, 3, 4):
        rep = world.representatives[index]
        supporter = lead_page(browser, site, rep)
        supporter.goto(f"{base}/needs/{need.pk}/")
        journey.checked(supporter, f"need, as {rep.organisation.name}")
        supporter.get_by_role("button", name=f"Add {rep.organisation.name}'s support").click()
        supporter.get_by_label("One line of evidence").fill(
            f"{index * 5} patients a week sent away."
        )
        journey.checked(supporter, f"support form, {rep.organisation.name}")
        supporter.get_by_role("button", name="Add our support").click()
        expect(
            supporter.get_by_text(f"{rep.organisation.name} supports this need.").first
        ).to_be_visible()
        if index == 4:
            journey.shot(supporter, "need-supported-by-five")
        supporter.context.close()
    assert NeedSupport.objects.filter(need=need).count() == 4

    # The leadership sees it ranked, prioritises it and turns it into a mandate with limits.
    cd.goto(f"{base}/needs/")
    expect(cd.get_by_role("row", name=re.compile("No phlebotomy capacity"))).to_contain_text("5")
    journey.checked(cd, "needs, ranked")
    journey.shot(cd, "needs-ranked")
    cd.get_by_role("link", name="No phlebotomy capacity after 1pm").click()
    journey.checked(cd, "need, as the leadership")
    cd.get_by_role("link", name="Prioritise it or set it aside").click()
    cd.get_by_label("Prioritise it").check()
    cd.get_by_label("Priority (if prioritised)").fill("1")
    cd.get_by_label("Why").fill("Five practices are behind it.")
    journey.checked(cd, "prioritise form")
    cd.get_by_role("button", name="Save").click()
    cd.get_by_role("link", name="Turn it into a negotiation mandate").click()
    cd.get_by_label("What we ask").fill("Phlebotomy clinics until 6pm in every practice.")
    cd.get_by_label("Of whom").select_option(
        label="NHS Hampshire and Isle of Wight ICB (Integrated Care Board)"
    )
    cd.get_by_label("Our opening position").fill("Until 6pm, every weekday.")
    cd.get_by_label("Our limits").fill(LIMITS)
    journey.checked(cd, "mandate form")
    cd.get_by_role("button", name="Make the mandate").click()
    expect(cd.get_by_text(LIMITS)).to_be_visible()
    journey.checked(cd, "mandate")
    journey.shot(cd, "mandate-with-limits")
    mandate = Mandate.objects.get(need=need)
    assert mandate.of_whom_id == world.icb.pk

    # It is negotiated and the outcome recorded: it goes back to the practices.
    cd.get_by_role("link", name="Record a meeting, an offer or a note").click()
    cd.get_by_label("Meeting").check()
    cd.get_by_label("What happened").fill("Met Dana Strategy: the ICB offered 3pm.")
    journey.checked(cd, "negotiation event form")
    cd.get_by_role("button", name="Record it").click()
    cd.get_by_role("button", name="Record the outcome").click()
    cd.get_by_label("Concluded").check()
    cd.get_by_label("The outcome").fill(OUTCOME)
    cd.get_by_label("What it means for a practice").fill("You can book bloods until 4pm.")
    journey.checked(cd, "mandate outcome form")
    cd.get_by_role("button", name="Record the outcome and tell the practices").click()
    expect(cd.get_by_role("link", name="The outcome as every practice received it")).to_be_visible()
    journey.checked(cd, "mandate, concluded")
    journey.shot(cd, "mandate-outcome")
    mandate.refresh_from_db()
    assert mandate.briefing is not None
    assert sorted(
        Thread.objects.filter(briefing=mandate.briefing).values_list("practice_id", flat=True)
    ) == sorted(p.pk for p in world.practices)

    # The raising practice sees what happened to what it raised, and on the need's page.
    raiser.goto(f"{base}/needs/")
    raiser.get_by_role("link", name="What happened to what Practice A Surgery raised").click()
    row = raiser.get_by_role("row", name=re.compile("No phlebotomy capacity"))
    expect(row).to_contain_text("Closed with an outcome")
    expect(row).to_contain_text(OUTCOME)
    journey.checked(raiser, "what happened to what practice A raised")
    journey.shot(raiser, "what-happened-to-what-we-raised")
    row.get_by_role("link", name="No phlebotomy capacity after 1pm").click()
    expect(raiser.get_by_role("heading", level=1)).to_have_text("No phlebotomy capacity after 1pm")
    expect(raiser.locator(".nhsuk-summary-list")).to_contain_text(OUTCOME)
    assert LIMITS not in raiser.content()
    journey.checked(raiser, "need with its outcome, as practice A")
    journey.shot(raiser, "need-outcome-as-the-raising-practice")
    assert Need.objects.get().status == NeedStatus.CLOSED

    assert journey.found == []
    assert all((ARTEFACTS / name).exists() for name in journey.shots)
