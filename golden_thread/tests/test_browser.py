"""The golden thread end to end in real Chromium: a decision's briefing is written (a hard
text flagged, a plain one passing), published to 20 practices in 4 PCNs, carried to a PCN
meeting, acknowledged by 12 practices, questioned and answered; a week later the chasers go
to the right Clinical Directors, and the dashboard shows the figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.testing import MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.models import Role
from golden_thread import chasers, services
from golden_thread.models import Briefing, Thread, Touch
from golden_thread.tests.conftest import HARD, PLAIN, build_collective

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "golden-thread"


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _checked(page, label, found):
    page.wait_for_load_state("networkidle")  # the header has laid out its navigation
    found += [f"{label}: {v}" for v in serious_violations(page)]
    found += [f"{label}: {p}" for p in problems(page)]


def _recipients(mailbox):
    return sorted(m["To"] for m in mailbox.messages)


def test_a_decision_reaches_every_practice(browser, site, transactional_db, mailbox):
    area = build_collective(
        MembershipFactory(role=Role.CONVENOR, user__full_name="Fay Facilitator")
    )
    slug = area.convenor.collective.slug
    base = f"{site.url}/c/{slug}"
    found: list[str] = []

    # The facilitator writes the briefing; a hard text is flagged as they type.
    facilitator = new_page(browser)
    sign_in(facilitator, site.url, area.convenor.user.email)
    facilitator.goto(f"{base}/decisions/{area.decision.pk}/")
    facilitator.get_by_role("button", name="Write the briefing").click()
    facilitator.get_by_label("In plain English: what the group decided").fill(HARD["summary"])
    facilitator.get_by_label("What it means for your practice").fill(HARD["meaning"])
    readability = facilitator.locator("#readability")
    readability.locator("strong", has_text="heterogeneity").wait_for()  # a hard word
    expect(readability.get_by_text("Hard to read")).to_be_visible()
    expect(readability.get_by_text("Longest sentences: split them")).to_be_visible()
    _shot(facilitator, "briefing-hard")
    _checked(facilitator, "briefing form, hard", found)

    # Rewritten in plain English, it passes.
    facilitator.get_by_label("In plain English: what the group decided").fill(PLAIN["summary"])
    facilitator.get_by_label("What it means for your practice").fill(PLAIN["meaning"])
    facilitator.get_by_label("What you need to do").fill(PLAIN["action"])
    readability.get_by_text("Plain English").wait_for()
    due = timezone.localdate() + dt.timedelta(days=28)
    facilitator.get_by_label("By when").fill(due.isoformat())
    facilitator.get_by_role("button", name="Save and check").click()
    expect(facilitator.get_by_text("The briefing is saved")).to_be_visible()
    expect(facilitator.get_by_text("Plain English: reading ease")).to_be_visible()
    assert facilitator.get_by_label("Publish it as it is, although it reads hard").count() == 0
    _checked(facilitator, "publish page", found)

    # Published: 20 practices in 4 PCNs; every manager and every CD is e-mailed.
    facilitator.get_by_role("button", name="Publish to every practice").click()
    expect(facilitator.get_by_text("The briefing is published")).to_be_visible()
    briefing = Briefing.objects.get()
    assert Thread.objects.filter(briefing=briefing).count() == 20
    assert {t.pcn_id for t in Thread.objects.filter(briefing=briefing)} == {p.pk for p in area.pcns}
    expected = sorted([m.user.email for m in area.managers] + [m.user.email for m in area.cds])
    assert _recipients(mailbox) == expected
    cd_mail = next(m for m in mailbox.messages if m["To"] == area.cds[0].user.email)
    assert cd_mail["Subject"] == "Please take to your next PCN meeting: One phlebotomy service"
    text = cd_mail.get_body(("plain",)).get_content()
    assert f"{site.url}/c/{slug}/briefings/{briefing.pk}/" in text
    assert cd_mail.get_body(("html",)) is not None

    # The CD of PCN A takes it to the PCN meeting and records it for its 5 practices.
    cd = new_page(browser)
    sign_in(cd, site.url, area.cds[0].user.email)
    cd.goto(f"{base}/briefings/{briefing.pk}/thread/")
    cd.get_by_role("button", name="Record the PCN meeting").click()
    _checked(cd, "touches form", found)
    assert cd.get_by_label("PCN meeting").is_checked()
    cd.get_by_label("When").fill(timezone.localdate().isoformat())
    cd.get_by_role("button", name="Record it").click()
    expect(cd.get_by_text("Recorded for 5 practices.")).to_be_visible()
    assert Touch.objects.filter(channel="pcn_meeting").count() == 5

    # 12 practices acknowledge: all of PCN A, 4 of B, 3 of C, none of D. A1 discussed it at
    # its practice meeting; C1 has a question.
    acknowledging = area.practices[0:5] + area.practices[5:9] + area.practices[10:13]
    mailbox.clear()
    for practice in acknowledging:
        manager = area.manager_of(practice)
        page = new_page(browser)
        sign_in(page, site.url, manager.user.email)
        page.goto(f"{base}/briefings/{briefing.pk}/")
        page.get_by_role("button", name="Acknowledge it").click()
        if practice == area.practices[0]:
            _checked(page, "acknowledge form", found)
            page.get_by_label("Discussed at our practice meeting").check()
            page.get_by_label("Date of the practice meeting").fill(timezone.localdate().isoformat())
        elif practice == area.practices[10]:
            page.get_by_label("We have questions").check()
            page.get_by_label("Your question").fill("Who pays for the courier?")
        else:
            page.get_by_label("Understood", exact=True).check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Thank you: the group knows")).to_be_visible()
        assert problems(page) == [], practice.name
        page.context.close()

    # The question reaches the facilitator, who answers it; every practice then sees it.
    assert _recipients(mailbox) == [area.convenor.user.email]
    facilitator.goto(f"{base}/briefings/{briefing.pk}/")
    facilitator.get_by_role("link", name="Answer Practice C1's question").click()
    _checked(facilitator, "answer form", found)
    facilitator.get_by_label("Your answer (every practice sees it)").fill(
        "The federation pays for the courier."
    )
    facilitator.get_by_role("button", name="Publish the answer").click()
    other = new_page(browser)
    sign_in(other, site.url, area.manager_of(area.practices[19]).user.email)
    other.goto(f"{base}/briefings/{briefing.pk}/")
    expect(other.get_by_text("The federation pays for the courier.")).to_be_visible()
    expect(other.get_by_text("Your practice has not acknowledged this yet")).to_be_visible()
    _shot(other, "briefing-for-a-practice")
    _checked(other, "briefing", found)

    # A week later (the clock jumps 7 days: the briefing was published a week ago): the
    # chasers go to the CDs of B, C and D, naming their practices not reached; none to A,
    # whose practices all acknowledged.
    mailbox.clear()
    week_ago = briefing.published_at - dt.timedelta(days=7)
    Briefing.objects.filter(pk=briefing.pk).update(published_at=week_ago)
    assert chasers.chasers_send(now=week_ago + dt.timedelta(days=6)) == {"cd": 0, "practice": 0}
    assert mailbox.messages == []
    counts = chasers.chasers_send()
    assert counts == {"cd": 8, "practice": 0}
    assert _recipients(mailbox) == sorted(m.user.email for m in area.cds[1:])
    chase_d = next(m for m in mailbox.messages if m["To"] == area.cds[3].user.email)
    body = chase_d.get_body(("plain",)).get_content()
    assert "Practice D1, Practice D2, Practice D3, Practice D4, Practice D5" in body
    chase_b = next(m for m in mailbox.messages if m["To"] == area.cds[1].user.email)
    assert "Practice B5" in chase_b.get_body(("plain",)).get_content()
    assert chasers.chasers_send() == {"cd": 0, "practice": 0}  # a retry sends nothing

    # The dashboard, by hand: 20 e-mail touches at publication + 5 at PCN A's meeting + 1 at
    # A1's practice meeting = 26 touches over 20 practices = 1.30 per practice; the index is
    # 1.30 / 2 = 0.65 (amber, under 1); reach 12 / 20 = 60%; 8 not reached after 7 days.
    facilitator.goto(f"{base}/briefings/{briefing.pk}/thread/")
    figure = facilitator.locator("[data-figure]")
    assert figure.nth(0).inner_text().startswith("60%")
    assert facilitator.locator("[data-figure=touches]").inner_text().startswith("1.30")
    assert facilitator.locator("[data-figure=index]").inner_text().startswith("0.65")
    assert "below 1" in facilitator.locator("[data-figure=index]").inner_text()
    assert facilitator.locator("[data-figure=not-reached]").inner_text() == "8"
    assert facilitator.locator("[data-figure=questions]").inner_text() == "0"
    assert (
        facilitator.get_by_role("row")
        .filter(has_text="Practice D1")
        .get_by_text("Not reached after 7 days")
        .is_visible()
    )
    _shot(facilitator, "thread-dashboard")
    _checked(facilitator, "thread dashboard", found)
    facilitator.goto(f"{base}/briefings/")
    row = facilitator.get_by_role("row").filter(has_text="One phlebotomy service")
    assert "60%" in row.inner_text() and "1.30" in row.inner_text() and "0.65" in row.inner_text()
    _shot(facilitator, "collective-dashboard")
    _checked(facilitator, "collective dashboard", found)

    # The CD of D sees the PCN's practices not reached in "What needs your attention".
    cd_d = new_page(browser)
    sign_in(cd_d, site.url, area.cds[3].user.email)
    cd_d.goto(f"{base}/")
    assert cd_d.get_by_text(
        "5 practices of your PCN not reached: One phlebotomy service"
    ).is_visible()
    _checked(cd_d, "home", found)
    for path in (
        f"/briefings/practices/{area.practices[0].pk}/",
        "/who-we-are/",
        "/notifications/",
    ):
        cd_d.goto(base + path)
        _checked(cd_d, path, found)
    assert found == []


def test_who_we_are_is_not_published_hard_without_confirmation(browser, site, transactional_db):
    area = build_collective(MembershipFactory(role=Role.CONVENOR), pcns=1, per_pcn=2)
    slug = area.convenor.collective.slug
    base = f"{site.url}/c/{slug}"
    found: list[str] = []
    page = new_page(browser)
    sign_in(page, site.url, area.convenor.user.email)
    page.goto(f"{base}/who-we-are/")
    page.get_by_role("link", name="Edit “Who we are”").click()
    text = page.get_by_label("What the leadership group is and what it does")
    text.fill(HARD["summary"])
    page.locator("#readability").get_by_text("Hard to read").wait_for()
    _checked(page, "who we are, edit", found)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Rewrite it, or confirm").first).to_be_visible()
    _shot(page, "who-we-are-refused")
    page.get_by_label("Publish it as it is, although it reads hard").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("“Who we are” is published.")).to_be_visible()
    expect(page.get_by_text("Notwithstanding considerable")).to_be_visible()
    _checked(page, "who we are", found)

    # A practice's own forms: the action and a question, and the e-mail preferences.
    briefing = services.briefing_save(
        actor_membership=area.convenor,
        decision=area.decision,
        **PLAIN,
        action_by=timezone.localdate() + dt.timedelta(days=7),
    )
    services.briefing_publish(actor_membership=area.convenor, briefing=briefing)
    manager = new_page(browser)
    sign_in(manager, site.url, area.managers[0].user.email)
    manager.goto(f"{base}/briefings/{briefing.pk}/")
    manager.get_by_role("link", name="Report whether it is in place").click()
    _checked(manager, "action form", found)
    manager.get_by_label("Exception", exact=True).check()
    manager.get_by_role("button", name="Report it").click()
    expect(manager.get_by_text("Say why the practice is an exception.").first).to_be_visible()
    _checked(manager, "action form with an error", found)
    manager.goto(f"{base}/briefings/{briefing.pk}/questions/")
    _checked(manager, "question form", found)
    manager.goto(f"{site.url}/account/notifications/")
    manager.get_by_label("A weekly digest (on Mondays)").check()
    manager.get_by_role("button", name="Save").click()
    expect(manager.get_by_text("Saved: A weekly digest")).to_be_visible()
    _checked(manager, "notification preferences", found)
    assert found == []
