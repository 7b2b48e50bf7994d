"""A system meeting prepared end to end in real Chromium: the PCN's Clinical Director adds a
place partnership meeting next week, chooses who attends, puts two items on the agenda (one
from a decision of the collective), plans two conversations beforehand, prints the prep
sheet (one page for the meeting and one per item), records an outcome and publishes it to
practices; a member then sees the agenda and the outcome but none of the conversations.
Every page is checked with axe-core and for CSP violations and script errors; screenshots
go to test-results/system/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from golden_thread.models import Briefing
from system.models import AgendaItem, MeetingSeries, PrepConversation
from system.tests.meetings_setup import decision, stakeholder

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "system"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"meetings-{name}.png"), full_page=True)


def _checked(page, label, found):
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_a_system_meeting_is_prepared_printed_and_its_outcome_published(
    browser, site, transactional_db, world
):
    decision(world, title="One phlebotomy rota")
    stakeholder(world, "Dana Strategy", world.icb, "Director of Strategy")
    stakeholder(world, "Nia Nurse", world.community_trust, "Chief Nurse")
    next_week = timezone.localdate() + dt.timedelta(days=6)
    base = f"{site.url}/c/{world.collective.slug}/system/meetings"
    found: list[str] = []

    page = new_page(browser)
    sign_in(page, site.url, world.cd.user.email)
    page.goto(base + "/")
    _checked(page, "meetings, empty", found)
    page.get_by_role("button", name="Add a system meeting").click()
    page.get_by_label("Find the organisation that holds it").fill("Wight Council")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Name", exact=True).fill("Place partnership")
    page.get_by_label("Held by (optional)").select_option(label="Isle of Wight Council")
    page.get_by_label("Once (a one-off meeting)").check()
    page.get_by_label("Date of the first meeting").fill(next_week.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Where (optional)").fill("County Hall")
    _checked(page, "new series form", found)
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.get_by_role("heading", level=1, name="Place partnership")).to_be_visible()
    _checked(page, "series", found)
    series = MeetingSeries.objects.get()
    assert series.organisation == world.council

    page.get_by_role("link", name=re.compile(next_week.strftime("%-d %b %Y"))).click()
    expect(page.get_by_text("No item is on the agenda yet.")).to_be_visible()
    page.get_by_role("link", name="Choose who attends").click()
    page.get_by_label("Clare Director").check()
    _checked(page, "attendees form", found)
    page.get_by_role("button", name="Save who attends").click()

    for title, position, linked in (
        ("Phlebotomy in the community", "No more phlebotomy without funding.", True),
        ("Winter plan", "Same-day hubs need GP sessions at the local rate.", False),
    ):
        page.get_by_role("link", name="Add an agenda item").click()
        page.get_by_label("Item", exact=True).fill(title)
        page.get_by_label("Our position (optional)").fill(position)
        if linked:
            page.get_by_label("From a decision of the collective").select_option(
                label="One phlebotomy rota"
            )
            _checked(page, "item form", found)
        page.get_by_role("button", name="Add the item").click()
        expect(page.get_by_role("heading", name=re.compile(title))).to_be_visible()
    items = list(AgendaItem.objects.order_by("position_in_agenda"))

    for who, by, stance in (
        (
            "Dana Strategy, Director of Strategy (NHS Hampshire and Isle of Wight ICB)",
            "Clare Director",
            "With us",
        ),
        ("Nia Nurse, Chief Nurse (Isle of Wight Community Services)", "Fred Federation", "Against"),
    ):
        page.get_by_role(
            "link", name="Plan a conversation about Phlebotomy in the community"
        ).click()
        page.get_by_label("With whom").select_option(label=who)
        page.get_by_label("By whom").select_option(label=by)
        page.get_by_label(stance, exact=True).check()
        _checked(page, "conversation form", found)
        page.get_by_role("button", name="Plan the conversation").click()
    assert PrepConversation.objects.filter(item=items[0]).count() == 2
    page.get_by_role("button", name=re.compile(r"Mark done\W*Nia Nurse")).click()
    expect(page.get_by_text("is done.")).to_be_visible()
    expect(
        page.get_by_text("1 conversation planned before the meeting is not done yet.")
    ).to_be_visible()
    _checked(page, "meeting prepared", found)
    _shot(page, "meeting-prepared")

    page.get_by_role("link", name="The prep sheet, to print").click()
    expect(page.get_by_role("button", name="Print the prep sheet")).to_be_visible()
    _checked(page, "prep sheet", found)
    _shot(page, "prep-sheet")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        ".app-prep-item", "items => items.map(i => getComputedStyle(i).breakBefore)"
    )
    assert breaks == ["page", "page"]
    pdf = page.pdf(format="A4")
    (ARTEFACTS / "meetings-prep-sheet.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3  # the meeting, then one per item
    page.emulate_media(media="screen")

    page.goto(f"{base}/items/{items[0].pk}/outcome/")
    page.get_by_label("What came of it").fill("The trust will run clinics after 1pm from April.")
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_role(
        "link", name=re.compile(r"Publish the outcome to practices\W*Phlebotomy")
    ).click()
    page.get_by_label("What it means for your practice").fill(
        "You can book patients into the afternoon clinics."
    )
    _checked(page, "publish form", found)
    page.get_by_role("button", name="Publish to every practice").click()
    expect(page.get_by_text("The outcome is published: every practice has it.")).to_be_visible()
    briefing = Briefing.objects.get()
    assert briefing.title == "Place partnership: Phlebotomy in the community"
    _shot(page, "outcome-published")

    for name, path in (
        ("meetings list", "/"),
        ("series list", "/series/"),
        ("series edit form", f"/series/{series.pk}/edit/"),
        ("schedule form", f"/series/{series.pk}/schedule/"),
        ("item delete confirmation", f"/items/{items[1].pk}/delete/"),
    ):
        page.goto(base + path)
        _checked(page, name, found)
    _shot(page, "item-delete-confirmation")

    member = new_page(browser)
    sign_in(member, site.url, world.member.user.email)
    member.goto(f"{base}/")
    member.get_by_role("link", name="Place partnership").first.click()
    expect(member.get_by_text("The trust will run clinics after 1pm from April.")).to_be_visible()
    expect(member.get_by_text("Dana Strategy")).to_have_count(0)
    expect(member.get_by_text("Conversations before the meeting")).to_have_count(0)
    _checked(member, "meeting as a member", found)
    _shot(member, "meeting-as-a-member")

    assert found == []
