"""The API tokens page in real Chromium: made, copied and revoked, axe-clean and CSP-clean."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import ApiToken
from alliance.testing import UserFactory
from alliance.tests.browser import new_page, problems, serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_it_makes_and_revokes_a_token_in_a_browser(browser, site, transactional_db):
    person = UserFactory(email="gp@example.org")
    page = new_page(browser)
    sign_in(page, site.url, person.email)
    found: list[str] = []

    page.locator("header").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    found += [f"empty list: {v}" for v in serious_violations(page)]

    page.get_by_role("link", name="Make a new token").click()
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
