"""Real Chromium (Playwright): the newcomer's path, accessibility and CSP on every page."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from alliance.tests.browser import (
    follow_header_link,
    new_page,
    problems,
    serious_violations,
    sign_in,
)
from collectives.demo import DEMO_PASSWORD
from collectives.models import CollectiveOrganisation, Invitation, Membership
from directory.models import Organisation, Person
from golden_thread.models import Briefing
from relationships.models import Ask, Contact, PutItRight, Rhythm
from shared_services.models import BenefitMeasure, SharedService, WayOfWorking
from system.models import Mandate, Need, Stakeholder, SystemMeeting

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_newcomers_path(browser, site, demo, mailbox):
    base = site.url
    page = new_page(browser)

    # Sign in as the demo convenor, who convenes two collectives.
    sign_in(page, base, "convenor@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    # Switch collective in the header.
    page.get_by_label("Switch collective").select_option(
        label="Isle of Wight General Practice Collective"
    )
    page.get_by_role("button", name="Switch").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Isle of Wight General Practice Collective"
    )
    expect(page.get_by_text("You are now working in Isle of Wight")).to_be_visible()

    # See the members.
    follow_header_link(page, "Members")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Tom Okafor"))).to_be_visible()

    # Invite someone as a representative of a PCN.
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_role("radio", name=re.compile("^Representative")).check()
    pcn = (
        CollectiveOrganisation.objects.filter(
            collective__slug="isle-of-wight", organisation__kind="pcn"
        )
        .select_related("organisation")
        .first()
        .organisation
    )
    page.get_by_label("Organisation", exact=True).select_option(label=str(pcn))
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation is on its way to newcomer@example.org")).to_be_visible()
    assert problems(page) == []

    # The e-mail arrives at the SMTP server.
    [message] = mailbox.messages
    assert message["To"] == "newcomer@example.org"
    link = re.search(r"(http://\S+/invitations/\S+/)", message.get_body(("plain",)).get_content())
    assert link, "no invitation link in the e-mail"

    # The newcomer accepts in a second browser context.
    newcomer = new_page(browser)
    newcomer.goto(link.group(1))
    assert newcomer.get_by_role(
        "heading", name="Join Isle of Wight General Practice Collective"
    ).is_visible()
    newcomer.get_by_label("Your full name").fill("Nia Newcomer")
    newcomer.get_by_label("Choose a password").fill("a-very-long-new-password")
    newcomer.get_by_label("Type the password again").fill("a-very-long-new-password")
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(
        newcomer.get_by_text("Welcome to Isle of Wight General Practice Collective")
    ).to_be_visible()
    joined = Membership.objects.get(user__email="newcomer@example.org")
    assert (joined.role, joined.organisation) == ("representative", pcn)
    assert Invitation.objects.get(email="newcomer@example.org").accepted_at is not None

    # The convenor sees them among the members.
    follow_header_link(page, "Members")
    expect(page.get_by_role("cell", name=re.compile("^Nia Newcomer"))).to_be_visible()

    # The newcomer signs out.
    newcomer.get_by_role("link", name="Sign out").click()
    newcomer.get_by_role("button", name="Sign out").click()
    expect(newcomer.get_by_role("heading", name="Sign in")).to_be_visible()
    newcomer.goto(f"{base}/c/isle-of-wight/")
    assert "/accounts/login/" in newcomer.url
    assert problems(page) == [] and problems(newcomer) == []


def _pages_for(convenor_pk_lookup: dict[str, int]) -> list[str]:
    slug = "isle-of-wight"
    return [
        "/c/isle-of-wight/",
        f"/c/{slug}/members/",
        f"/c/{slug}/members/?q=zzz-nobody",
        f"/c/{slug}/members/{convenor_pk_lookup['member']}/",
        f"/c/{slug}/members/{convenor_pk_lookup['member']}/remove/",
        f"/c/{slug}/organisations/",
        f"/c/{slug}/organisations/add/?q=medical",
        f"/c/{slug}/organisations/new/",
        f"/c/{slug}/organisations/{convenor_pk_lookup['organisation']}/",
        f"/c/{slug}/organisations/{convenor_pk_lookup['organisation']}/remove/",
        # A member organisation with people: the collective's own name, note and roles.
        *(
            f"/c/{slug}/organisations/{convenor_pk_lookup['with_people']}/{path}"
            for path in ("", "edit/", "people/", "people/new/")
        ),
        f"/c/{slug}/invitations/",
        f"/c/{slug}/invitations/new/",
        f"/c/{slug}/invitations/{convenor_pk_lookup['invitation']}/revoke/",
        f"/c/{slug}/settings/",
        f"/c/{slug}/audit/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
        "/accessibility/",
        "/c/no-such-collective/",
        "/directory/",
        "/directory/?q=surgery",
        "/directory/?q=zzz-nothing",
        "/directory/?kind=pcn&status=active",
        "/directory/organisations/U01198/",
        "/directory/organisations/J84003/",
        f"/directory/organisations/{convenor_pk_lookup['federation']}/",
        "/directory/organisations/new/",
        "/directory/organisations/J84003/edit/",
        "/directory/organisations/J84003/people/new/",
        f"/directory/people/{convenor_pk_lookup['person']}/",
        f"/directory/people/{convenor_pk_lookup['person']}/edit/",
        "/directory/imports/",
        "/api/v1/docs/",
        f"/c/{slug}/briefings/",
        f"/c/{slug}/briefings/?q=zzz-nothing",
        f"/c/{slug}/briefings/{convenor_pk_lookup['briefing']}/",
        f"/c/{slug}/briefings/{convenor_pk_lookup['briefing']}/thread/",
        f"/c/{slug}/briefings/{convenor_pk_lookup['briefing']}/touches/",
        f"/c/{slug}/briefings/practices/{convenor_pk_lookup['practice']}/",
        f"/c/{slug}/who-we-are/",
        f"/c/{slug}/who-we-are/edit/",
        f"/c/{slug}/notifications/",
        "/account/notifications/",
        # The relationships section, with the demo's contacts, rhythm, nudge, asks and record.
        *(
            f"/c/{slug}/relationships/{path}"
            for path in (
                "",
                "timeline/",
                "mix/",
                "settings/",
                "contacts/",
                f"contacts/{convenor_pk_lookup['contact']}/",
                "contacts/import/",
                "contacts/emails/",
                "rhythms/",
                "rhythms/new/",
                "rhythms/feed/",
                f"rhythms/{convenor_pk_lookup['rhythm']}/",
                "nudges/",
                "asks/",
                "asks/new/",
                f"asks/{convenor_pk_lookup['ask']}/",
                "put-it-right/",
                "put-it-right/new/",
                f"put-it-right/{convenor_pk_lookup['put_it_right']}/",
            )
        ),
        # Shared services, with the demo's document hub, who does what and the national
        # figures of the demo's practices (their forms are checked in their apps' own
        # browser tests, with data of their own).
        f"/c/{slug}/shared-services/",
        f"/c/{slug}/shared-services/{convenor_pk_lookup['hub']}/",
        f"/c/{slug}/shared-services/ways/{convenor_pk_lookup['way']}/",
        f"/c/{slug}/shared-services/measures/{convenor_pk_lookup['measure']}/",
        f"/c/{slug}/shared-services/agreed/{convenor_pk_lookup['practice']}/",
        f"/c/{slug}/who-does-what/",
        f"/c/{slug}/sustainability/",
        f"/c/{slug}/sustainability/practices/{convenor_pk_lookup['practice']}/",
        # Whole-system working, with the demo's stakeholders, meeting, needs and mandate
        # (its forms are checked in the app's own browser tests and its journey).
        *(
            f"/c/{slug}/system/{path}"
            for path in (
                "",
                "stakeholders/",
                f"stakeholders/{convenor_pk_lookup['stakeholder']}/",
                "coverage/",
                "warmth-and-sway/",
                "alignment/",
                "meetings/",
                f"meetings/{convenor_pk_lookup['system_meeting']}/",
                f"meetings/{convenor_pk_lookup['system_meeting']}/prep-sheet/",
                "needs/",
                f"needs/{convenor_pk_lookup['need']}/",
                "mandates/",
                f"mandates/{convenor_pk_lookup['mandate']}/",
            )
        ),
    ]


PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/signup/",
    "/accessibility/",
    "/invitations/not-a-real-token/",
]


def _check(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = [f"{url}: {v}" for v in serious_violations(page)]
    found += [f"{url}: {p}" for p in problems(page)]
    return found


def test_every_page_passes_axe_and_the_csp(browser, site, demo, mailbox):
    base = site.url
    from collectives import services

    convenor = Membership.objects.get(
        collective__slug="isle-of-wight", user__email="convenor@example.org"
    )
    invitation = services.invitation_create(
        actor_membership=convenor, email="pending@example.org", role="member"
    )
    lookup = {
        "member": Membership.objects.get(user__email="member@example.org").pk,
        "organisation": CollectiveOrganisation.objects.filter(collective__slug="isle-of-wight")
        .first()
        .pk,
        "invitation": invitation.pk,
        "with_people": CollectiveOrganisation.objects.filter(
            collective__slug="isle-of-wight", organisation__people__isnull=False
        )
        .order_by("pk")
        .first()
        .pk,
        "federation": Organisation.objects.get(kind="federation", name__startswith="Island").pk,
        "person": Person.objects.order_by("pk").first().pk,
        "briefing": Briefing.objects.get(collective=convenor.collective).pk,
        "practice": Membership.objects.get(user__email="member@example.org").organisation_id,
        "contact": Contact.objects.order_by("pk").first().pk,
        "rhythm": Rhythm.objects.get().pk,
        "ask": Ask.objects.filter(status="answered").get().pk,
        "put_it_right": PutItRight.objects.get().pk,
        "hub": SharedService.objects.get(name="Document management hub").pk,
        "way": WayOfWorking.objects.get(title="One document naming rule").pk,
        "measure": BenefitMeasure.objects.get(name="Documents waiting to be coded").pk,
        "stakeholder": Stakeholder.objects.filter(collective=convenor.collective)
        .order_by("pk")
        .first()
        .pk,
        "system_meeting": SystemMeeting.objects.filter(collective=convenor.collective)
        .order_by("starts_at")
        .first()
        .pk,
        "need": Need.objects.filter(collective=convenor.collective).order_by("pk").first().pk,
        "mandate": Mandate.objects.get(collective=convenor.collective).pk,
    }
    User.objects.filter(email="convenor@example.org").update(is_superuser=True)
    found: list[str] = []
    anonymous = new_page(browser)
    for path in PUBLIC_PAGES:
        found += _check(anonymous, base + path)
    # A form with errors: the error summary must be accessible too.
    anonymous.goto(base + "/accounts/login/")
    anonymous.get_by_role("button", name="Sign in").click()
    found += [f"login errors: {v}" for v in serious_violations(anonymous)]

    page = new_page(browser)
    sign_in(page, base, "convenor@example.org", DEMO_PASSWORD)
    page.goto(base + "/accounts/reauthenticate/")
    found += [f"reauthenticate: {v}" for v in serious_violations(page)]
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm|Continue")).click()
    for path in _pages_for(lookup):
        found += _check(page, base + path)
    page.goto(base + "/c/isle-of-wight/invitations/new/")
    page.get_by_role("button", name="Send invitation").click()
    found += [f"invitation errors: {v}" for v in serious_violations(page)]
    found += [f"invitation errors: {p}" for p in problems(page)]
    page.goto(f"{base}/c/isle-of-wight/organisations/{lookup['with_people']}/people/new/")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found += [f"person errors: {v}" for v in serious_violations(page)]
    found += [f"person errors: {p}" for p in problems(page)]
    assert found == []


def test_the_checks_themselves_catch_a_violation(browser, site, db):
    """The axe and CSP checks above would fail on a page with these faults."""
    page = new_page(browser)
    page.goto(site.url + "/accessibility/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><button></button>');"
        "const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        "document.body.appendChild(s);"
    )
    page.wait_for_timeout(200)
    assert any(v.startswith(("label", "button-name")) for v in serious_violations(page))
    assert any("CSP violation: script-src" in p for p in problems(page))
