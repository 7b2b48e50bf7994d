"""A trust survey round end to end in real Chromium, with screenshots as artefacts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from alliance.testing import PASSWORD, MembershipFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in
from collectives.demo import DEMO_PASSWORD
from collectives.models import Membership, Role
from directory.models import Organisation
from surveys.models import RATING_ITEMS, SurveyRound
from surveys.reminders import reminders_send

pytestmark = pytest.mark.browser
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "surveys"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _representatives():
    """Four practices of one Isle of Wight PCN, each with a representative."""
    pcn = Organisation.objects.get(ods_code="U01198")
    practices = list(
        Organisation.objects.filter(
            relationships__parent=pcn, relationships__end_date__isnull=True
        ).order_by("name")[:4]
    )
    return pcn, practices, [_rep(practice) for practice in practices]


def _rep(practice):
    """A new representative for the practice; the one the demo gave it becomes a member."""
    from collectives.models import Collective, Membership

    Membership.objects.filter(role=Role.REPRESENTATIVE, organisation=practice).update(
        role=Role.MEMBER
    )
    return MembershipFactory(
        collective=Collective.objects.get(slug="isle-of-wight"),
        role=Role.REPRESENTATIVE,
        organisation=practice,
        user__email=f"rep-{practice.ods_code.lower()}@example.org",
    )


def _rate(page, base, ratee, *, stop_after=None):
    page.goto(f"{base}/answer/{ratee.pk}/")
    for index, name in enumerate(RATING_ITEMS):
        if stop_after is not None and index == stop_after:
            break
        page.locator(f"#id_{name}_2").check()
    page.get_by_role("button", name="Save and go back").click()
    page.wait_for_load_state()


def _shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_a_round_end_to_end(browser, site, demo, mailbox):
    pcn, practices, reps = _representatives()
    convenor = new_page(browser)
    sign_in(convenor, site.url, "convenor@example.org", DEMO_PASSWORD)

    # The convenor opens a round for the four practices.
    convenor.goto(f"{site.url}/c/isle-of-wight/surveys/new/")
    today = timezone.localdate()
    convenor.get_by_label("Title").fill("Winter trust survey")
    convenor.get_by_label("Opens on").fill(today.isoformat())
    convenor.get_by_label("Closes on").fill((today + dt.timedelta(days=3)).isoformat())
    for box in convenor.locator("input[name=participants]").all():
        box.uncheck()
    for practice in practices:
        convenor.get_by_label(practice.name, exact=True).check()
    convenor.get_by_role("button", name="Open the survey").click()
    expect(convenor.get_by_role("heading", name="Winter trust survey")).to_be_visible()
    survey = SurveyRound.objects.get(title="Winter trust survey")
    base = f"{site.url}/c/isle-of-wight/surveys/{survey.pk}"

    # Three representatives answer; the first saves halfway, comes back and finishes.
    for number, (rep, practice) in enumerate(zip(reps[:3], practices[:3], strict=True)):
        page = new_page(browser)
        sign_in(page, site.url, rep.user.email, PASSWORD)
        expect(page.get_by_text("Answer the trust survey: Winter trust survey")).to_be_visible()
        others = [p for p in practices if p != practice]
        if number == 0:
            for path in ("/answer/", f"/answer/{others[0].pk}/"):
                page.goto(base + path)
                assert serious_violations(page) == [], path
            # On a phone the questionnaire fits the screen: no sideways scrolling.
            page.set_viewport_size({"width": 375, "height": 812})
            page.goto(f"{base}/answer/{others[0].pk}/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            _shot(page, "questionnaire-phone")
            page.set_viewport_size({"width": 1280, "height": 900})
            _rate(page, base, others[0], stop_after=5)
            expect(page.get_by_text("In progress")).to_be_visible()
            page.goto(f"{site.url}/accounts/logout/")
            page.get_by_role("button", name="Sign out").click()
            sign_in(page, site.url, rep.user.email, PASSWORD)
            page.goto(f"{base}/answer/{others[0].pk}/")
            assert page.locator("#id_reliability_2").is_checked()  # its own answers
        for other in others:
            _rate(page, base, other)
        page.goto(f"{base}/answer/")
        for name in ("sustainable_alone", "joint_difference", "knows_leadership"):
            page.locator(f"#id_{name}_3").check()
        page.get_by_role("button", name="I have finished").click()
        expect(page.get_by_text("Thank you: your answers are in.")).to_be_visible()
        assert problems(page) == []

    # The reminder job runs three days before closing: only the fourth practice hears.
    assert reminders_send(today=survey.closes_on - dt.timedelta(days=3)) == 1
    [reminder] = mailbox.messages
    assert reminder["To"] == reps[3].user.email
    assert "has not finished answering" in reminder.get_body(("plain",)).get_content()

    # The convenor's pages before closing pass axe too.
    for path in (
        "/c/isle-of-wight/surveys/",
        "/c/isle-of-wight/surveys/new/",
        f"/c/isle-of-wight/surveys/{survey.pk}/",
        f"/c/isle-of-wight/surveys/{survey.pk}/extend/",
    ):
        convenor.goto(site.url + path)
        assert serious_violations(convenor) == [], path

    # The convenor closes the round; the results appear.
    convenor.goto(f"{base}/close/")
    assert serious_violations(convenor) == [], "close page"
    expect(convenor.get_by_text("1 organisation has not finished answering")).to_be_visible()
    convenor.get_by_role("button", name="Yes, close the round").click()
    convenor.get_by_text("3 of 4 organisations answered (75%)").wait_for()  # after the redirect
    expect(convenor.get_by_text("3 of 4 organisations answered (75%)")).to_be_visible()
    _shot(convenor, "dashboard")
    convenor.goto(f"{base}/map/")
    convenor.wait_for_selector("#network-map[data-rendered=true]")
    assert convenor.locator("table.nhsuk-table tbody tr").count() == 3  # who rated whom
    _shot(convenor, "map")
    convenor.goto(f"{base}/pcns/{pcn.pk}/")
    # Three practices answered, rating each other: each is rated by only two of the others,
    # so the PCN's pairs are "not enough responses" (only the fourth's ratings are shown).
    expect(convenor.get_by_text("Not enough responses").first).to_be_visible()
    _shot(convenor, "pcn")
    found = []
    for path in ("/", "/map/", f"/pcns/{pcn.pk}/", "/../trends/"):
        convenor.goto(base + path)
        found += [f"{path}: {v}" for v in serious_violations(convenor)]
    member = new_page(browser)
    sign_in(member, site.url, reps[3].user.email, PASSWORD)
    member.goto(f"{base}/us/")
    expect(member.get_by_text("organisations rated you")).to_be_visible()
    found += [f"/us/: {v}" for v in serious_violations(member)]
    assert found == [] and problems(convenor) == [] and problems(member) == []
    assert any(ARTEFACTS.glob("*.png"))


def test_a_pairs_views_show_to_its_two_practices_only_once_both_agree(browser, site, demo):
    """'Allies or neighbours?': Oak's representative agreed to share while the round was open;
    after it closes neither side sees the other's view until Ash's representative agrees too.
    Then both see both views, and a third practice still sees neither."""
    from surveys import services

    _pcn, practices, reps = _representatives()
    oak, ash, elm, _yew = reps
    convenor = Membership.objects.get(
        collective__slug="isle-of-wight", role=Role.CONVENOR, user__email="convenor@example.org"
    )
    today = timezone.localdate()
    survey = services.round_open(
        actor_membership=convenor,
        title="Allies or neighbours round",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        participants=practices,
    )
    for rater in reps:
        for ratee in reps:
            if rater is not ratee:
                now = 1 if rater is oak and ratee is ash else 3
                values = dict.fromkeys(RATING_ITEMS, 3) | {"now": now, "wanted": 1}
                services.rating_save(
                    membership=rater, survey=survey, ratee=ratee.organisation, values=values
                )
    base = f"{site.url}/c/isle-of-wight/surveys/{survey.pk}"

    # While the round is open, Oak's representative agrees to share with Ash on the page.
    oak_page = new_page(browser)
    sign_in(oak_page, site.url, oak.user.email, PASSWORD)
    oak_page.goto(f"{base}/our-relationships/")
    assert serious_violations(oak_page) == []
    oak_page.get_by_role("button", name=f"Share our view with {ash.organisation.name}").click()
    expect(
        oak_page.get_by_text(f"You agreed to share your view with {ash.organisation.name}.")
    ).to_be_visible()
    services.round_close(actor_membership=convenor, survey=survey)

    # Before: Ash has not agreed. Neither sees the other's view.
    ash_page = new_page(browser)
    sign_in(ash_page, site.url, ash.user.email, PASSWORD)
    ash_page.goto(f"{base}/our-relationships/")
    card = ash_page.locator("section.nhsuk-card", has_text=oak.organisation.name)
    expect(card.get_by_text("would like to share views with you")).to_be_visible()
    expect(card.get_by_role("table")).to_have_count(0)
    _shot(ash_page, "pair-views-before")
    oak_page.goto(f"{base}/our-relationships/")
    oak_card = oak_page.locator("section.nhsuk-card", has_text=ash.organisation.name)
    expect(oak_card.get_by_text("has not agreed to share its view")).to_be_visible()
    expect(oak_card.get_by_role("table")).to_have_count(0)

    # After: Ash agrees; both see both views (Oak placed them as allies, Ash as neighbours).
    card.get_by_role("button", name=f"Share our view with {oak.organisation.name}").click()
    expect(
        ash_page.get_by_text(f"You agreed to share your view with {oak.organisation.name}.")
    ).to_be_visible()
    card = ash_page.locator("section.nhsuk-card", has_text=oak.organisation.name)
    expect(card.get_by_text("Both agreed")).to_be_visible()
    now = card.get_by_role("row", name=re.compile("Where the relationship is now"))
    expect(now.get_by_role("cell").nth(0)).to_have_text("Neighbours")  # ours
    expect(now.get_by_role("cell").nth(1)).to_have_text("Allies")  # theirs
    assert serious_violations(ash_page) == []
    _shot(ash_page, "pair-views-after")
    oak_page.goto(f"{base}/our-relationships/")
    oak_card = oak_page.locator("section.nhsuk-card", has_text=ash.organisation.name)
    now = oak_card.get_by_role("row", name=re.compile("Where the relationship is now"))
    expect(now.get_by_role("cell").nth(0)).to_have_text("Allies")
    expect(now.get_by_role("cell").nth(1)).to_have_text("Neighbours")

    # A third practice sees neither view, on its own page or any results page.
    elm_page = new_page(browser)
    sign_in(elm_page, site.url, elm.user.email, PASSWORD)
    for path in ("/our-relationships/", "/", "/map/", f"/pcns/{_pcn.pk}/"):
        elm_page.goto(base + path)
        expect(elm_page.get_by_text("Their view")).to_have_count(0)
    assert problems(ash_page) == [] and problems(oak_page) == [] and problems(elm_page) == []
