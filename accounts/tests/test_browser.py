"""Real Chromium, with axe and the CSP: the locked sign-in page and the one-time link; the
API tokens page (made, copied and revoked)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ApiToken, FailedSignIn
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


def test_it_makes_and_revokes_a_token_in_a_browser(browser, site, transactional_db):
    person = UserFactory(email="gp@example.org")
    page = new_page(browser)
    sign_in(page, site.url, person.email)
    found: list[str] = []

    page.locator("header").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    found += [f"empty list: {v}" for v in serious_violations(page)]

    page.get_by_role("button", name="Make a new token").click()
    page.get_by_label("Days until it expires").fill("400")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found += [f"form with errors: {v}" for v in serious_violations(page)]

    page.get_by_label("Name").fill("Nightly report")
    page.get_by_label("Days until it expires").fill("30")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Copy the key now")).to_be_visible()
    found += [f"new key: {v}" for v in serious_violations(page)]
    key = page.get_by_label("The key of ‘Nightly report’").input_value()
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    page.get_by_role("link", name="I have copied it: go back to your API tokens").click()
    row = page.get_by_role("row", name="Nightly report")
    expect(row).to_be_visible()
    assert key not in page.content()
    found += [f"list: {v}" for v in serious_violations(page)]

    row.get_by_role("link", name="Revoke the token ‘Nightly report’").click()
    expect(
        page.get_by_role("heading", name="Revoke the API token ‘Nightly report’?")
    ).to_be_visible()
    found += [f"confirm: {v}" for v in serious_violations(page)]
    page.get_by_role("button", name="Yes, revoke the token").click()
    expect(page.get_by_text("The API token ‘Nightly report’ was revoked.")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert not ApiToken.objects.exists()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert found == [] and problems(page) == []
