"""Real Chromium: the locked sign-in page and the one-time link, with axe and the CSP."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import FailedSignIn
from alliance.testing import UserFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_it_shows_the_pause_and_signs_in_through_the_emailed_link(
    browser, site, transactional_db, mailbox
):
    person = UserFactory(email="gp@example.org")
    four_minutes_ago = timezone.now() - dt.timedelta(minutes=4)
    for _ in range(4):  # the browser's requests come from 127.0.0.1
        FailedSignIn.objects.create(
            email=person.email, ip_address="127.0.0.1", attempted_at=four_minutes_ago
        )
    page = new_page(browser)
    sign_in(page, site.url, person.email, "wrong password")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Sign-in from this device is paused until")
    expect(summary).to_contain_text("we have sent an e-mail with a link to sign in")
    assert serious_violations(page) == []

    [message] = mailbox.messages
    link = re.search(
        r"(http://\S+/accounts/sign-in-link/\S+/)", message.get_body(("plain",)).get_content()
    )
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Sign in with your link")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are not in a collective yet")).to_be_visible()

    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="This sign-in link cannot be used")).to_be_visible()
    expect(page.get_by_text("This sign-in link has already been used")).to_be_visible()
    assert serious_violations(page) == []
    assert problems(page) == []
