"""The five habits end to end in real Chromium: a practice manager logs contacts, imports
a calendar export and matches an unknown attendee, agrees a weekly rhythm, sees a nudge and
snoozes it, asks for help that another practice answers, and puts something right; the
overview and the timeline show it all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Role
from relationships.models import Ask, Contact, Nudge, PutItRight, Rhythm
from relationships.nudges import nudges_refresh
from relationships.tests.calendars import weekly_calendar

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "relationships"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ics"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    page.wait_for_load_state("networkidle")  # the header has laid out its navigation
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def test_a_practice_manager_keeps_the_five_habits(browser, site, transactional_db, tmp_path):
    convenor = MembershipFactory(role=Role.CONVENOR)
    collective = convenor.collective
    orgs = {}
    for name in ("Oakwood Surgery", "Riverside Practice", "Hillside Surgery", "Island ICB"):
        orgs[name] = MemberOrganisationFactory(
            collective=collective, organisation__name=name
        ).organisation
    jo = MembershipFactory(
        collective=collective,
        role=Role.MEMBER,
        organisation=orgs["Oakwood Surgery"],
        user__email="jo.hart@nhs.net",
        user__full_name="Jo Hart",
    )
    sam = MembershipFactory(
        collective=collective,
        role=Role.REPRESENTATIVE,
        organisation=orgs["Riverside Practice"],
        user__email="sam.okafor@nhs.net",
        user__full_name="Sam Okafor",
    )
    base = f"{site.url}/c/{collective.slug}/relationships"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, jo.user.email)

    # Three contacts, quick-added: the form remembers the last partner and mode.
    page.goto(f"{base}/contacts/")
    _checked(page, "contacts, empty", found)
    for n, mode in enumerate(("Phone call", "Video call", "In-person meeting")):
        if n == 0:
            page.get_by_label("Other organisation").select_option(label="Riverside Practice")
        else:
            selected = page.get_by_label("Other organisation").input_value()
            assert selected == str(orgs["Riverside Practice"].pk), "last partner not kept"
        page.get_by_label(mode, exact=True).check()
        page.get_by_label("Length in minutes (optional)").fill("25")
        page.get_by_role("button", name="Log the contact").click()
        assert problems(page) == []
    assert Contact.objects.filter(mode__in=["phone", "video", "in_person"]).count() == 3
    assert page.get_by_label("In-person meeting", exact=True).is_checked()  # last mode kept
    _shot(page, "contacts")
    _checked(page, "contacts", found)

    # A real calendar export (Thunderbird's, fixtures/ics/README.md): the two meetings with
    # Riverside are logged, the cancelled one is not; the ICB's finance team is not known
    # yet, so their call waits until it is matched.
    page.goto(f"{base}/contacts/import/")
    _checked(page, "calendar import", found)
    with page.expect_file_chooser() as chooser:  # the file upload's "Choose file" button
        page.get_by_label("Calendar file (.ics)").click()
    chooser.value.set_files(str(FIXTURES / "thunderbird.ics"))
    page.get_by_role("button", name="Import the meetings").click()
    expect(page.get_by_role("heading", name="Logged (2)")).to_be_visible()
    assert page.get_by_text("Call with ICB finance").is_visible()  # only one organisation
    assert page.get_by_text("“Estates working group: site visit” was cancelled").is_visible()
    card = page.locator(".nhsuk-card").filter(has_text="finance.team@example.org")
    card.get_by_label("Organisation").select_option(label="Island ICB")
    card.get_by_role("button", name="Match and import again").click()
    expect(page.get_by_role("heading", name="Logged (1)")).to_be_visible()
    assert Contact.objects.filter(source="calendar").count() == 3
    assert Contact.objects.filter(organisations=orgs["Island ICB"], mode="phone").exists()
    _shot(page, "calendar-import")
    _checked(page, "calendar import, matched", found)

    # A weekly call with Riverside since twelve weeks ago (made now: a fixed file's
    # occurrences would change with the date): each time it met is logged, once.
    weekly = tmp_path / "weekly.ics"
    weekly.write_bytes(
        weekly_calendar(
            title="Weekly PCN call",
            first=timezone.now() - dt.timedelta(weeks=12) + dt.timedelta(hours=1),
            organiser=jo.user.email,
            attendees=[sam.user.email],
        )
    )
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Calendar file (.ics)").click()
    chooser.value.set_files(str(weekly))
    page.get_by_role("button", name="Import the meetings").click()
    expect(page.get_by_role("heading", name="Logged (12)")).to_be_visible()
    expect(page.get_by_text("Weekly PCN call: 12 occurrences")).to_be_visible()
    _shot(page, "calendar-import-repeating")
    _checked(page, "calendar import, repeating", found)

    # A weekly rhythm with Riverside.
    page.goto(f"{base}/rhythms/new/")
    _checked(page, "new rhythm", found)
    page.get_by_label("Name").fill("Weekly call with Riverside")
    page.get_by_label("Two organisations", exact=True).check()
    page.get_by_label("With (for two organisations)").select_option(label="Riverside Practice")
    page.get_by_label("Video call", exact=True).check()
    page.get_by_label("Phone call", exact=True).check()
    page.get_by_label("Weekly", exact=True).check()
    page.get_by_role("button", name="Agree the rhythm").click()
    assert Rhythm.objects.get().name == "Weekly call with Riverside"
    assert problems(page) == []
    page.goto(f"{base}/rhythms/")
    expect(page.get_by_text("Weekly call with Riverside").first).to_be_visible()
    _checked(page, "rhythms", found)

    # Nine e-mails with Hillside this week and no conversation: the nightly job nudges.
    page.goto(f"{base}/contacts/emails/")
    _checked(page, "e-mail counts", found)
    page.get_by_label("Hillside Surgery").fill("9")
    page.get_by_role("button", name="Save this week's counts").click()
    assert problems(page) == []
    [nudge] = nudges_refresh(collective=collective)
    assert "Hillside Surgery and Oakwood Surgery: 9 emails and no conversation" in nudge.text
    page.goto(f"{site.url}/c/{collective.slug}/")
    expect(page.get_by_text("9 emails and no conversation").first).to_be_visible()
    page.goto(f"{base}/nudges/")
    expect(page.get_by_text("9 emails and no conversation")).to_be_visible()
    _shot(page, "nudge")
    _checked(page, "nudges", found)
    page.get_by_role("button", name="Snooze").click()
    assert Nudge.objects.get().snoozed_until > timezone.now()
    assert page.get_by_text("9 emails and no conversation").count() == 0
    _checked(page, "nudges, snoozed", found)

    # An ask for help, answered by Riverside.
    page.goto(f"{base}/asks/new/")
    _checked(page, "new ask", found)
    page.get_by_label("What do you need help with?").fill(
        "Can anyone cover a cervical screening clinic on Friday morning?"
    )
    page.get_by_role("button", name="Post your ask").click()
    ask = Ask.objects.get()
    other = new_page(browser)
    sign_in(other, site.url, sam.user.email)
    other.goto(f"{base}/asks/{ask.pk}/")
    _checked(other, "ask, to offer", found)
    other.get_by_label("How can your organisation help?").fill("Our nurse can do it.")
    other.get_by_role("button", name="Send your offer").click()
    assert problems(other) == []
    page.goto(f"{base}/asks/{ask.pk}/")
    page.get_by_label("Our nurse can do it.", exact=False).first.check()
    page.get_by_label("Say thank you").fill("Thank you, Riverside!")
    page.get_by_role("button", name="Mark answered").click()
    ask.refresh_from_db()
    assert ask.status == "answered" and ask.helped_by.organisation == orgs["Riverside Practice"]
    _shot(page, "ask-answered")
    _checked(page, "ask, answered", found)

    # Putting something right with Hillside.
    page.goto(f"{base}/put-it-right/new/")
    _checked(page, "new put-it-right", found)
    page.get_by_label("What did we get wrong?").fill("We sent your patients to the wrong clinic.")
    page.get_by_label("What did it mean for others?").fill("Your reception took the calls.")
    page.get_by_label("What will we do about it?").fill("We have fixed our referral template.")
    page.get_by_label("Hillside Surgery").check()
    page.get_by_role("button", name="Record it").click()
    assert PutItRight.objects.get().apologises_to.get() == orgs["Hillside Surgery"]
    _checked(page, "put it right", found)

    # The overview and the timeline show it all.
    page.goto(f"{base}/")
    asks = page.locator(".nhsuk-summary-list__row", has_text="Asks for help answered")
    assert "100% (1 of 1)" in asks.inner_text()
    expect(page.get_by_text("This appears once two survey rounds have closed.")).to_be_visible()
    _shot(page, "overview")
    _checked(page, "overview", found)
    page.goto(f"{base}/timeline/")
    for text in (
        "Weekly call with Riverside",
        "cervical screening",
        "wrong clinic",
    ):
        assert page.get_by_text(text, exact=False).count() >= 1, text
    _shot(page, "timeline")
    _checked(page, "timeline", found)

    # Every other page of the section, for axe and the CSP.
    contact = Contact.objects.filter(mode="phone", source="manual").get()
    rhythm, record = Rhythm.objects.get(), PutItRight.objects.get()
    for path in (
        f"/contacts/{contact.pk}/",
        f"/rhythms/{rhythm.pk}/",
        f"/rhythms/{rhythm.pk}/end/",
        "/rhythms/feed/",
        "/asks/",
        "/put-it-right/",
        f"/put-it-right/{record.pk}/",
        "/contacts/?mode=email",
    ):
        page.goto(base + path)
        _checked(page, path, found)
    hillside = MembershipFactory(
        collective=collective, role=Role.MEMBER, organisation=orgs["Hillside Surgery"]
    )
    third = new_page(browser)
    sign_in(third, site.url, hillside.user.email)
    third.goto(f"{base}/put-it-right/{record.pk}/")
    third.get_by_label("Your response").fill("Thank you for telling us.")
    third.get_by_role("button", name="Send your response").click()
    expect(third.get_by_text("Thank you for telling us.")).to_be_visible()
    _checked(third, "put it right, responded", found)
    assert found == []
