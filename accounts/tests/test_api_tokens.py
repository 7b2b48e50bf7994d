"""API tokens: kept as digests, with a name and an expiry; made, listed and revoked by their
owner on /account/api-tokens/; revoked when the password changes or the account is
deactivated."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_mint
from alliance.testing import PASSWORD, UserFactory, page_queries
from audit.models import AuditEntry

ME = "/api/v1/me/"
PAGE = "/account/api-tokens/"
NEW_PASSWORD = "a-brand-new-passphrase-9"


@pytest.fixture
def person(db):
    return UserFactory(email="gp@example.org", full_name="Gina Practitioner")


def _works(key: str) -> bool:
    """Whether the key authenticates, asked from a client with no session."""
    status = Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code
    assert status in (200, 401), status
    return status == 200


def _text(response) -> str:
    return response.content.decode()


# Storage and expiry -------------------------------------------------------------------


def test_it_keeps_only_a_digest_of_the_key(person):
    new = api_token_mint(user=person, name="Report")
    row = ApiToken.objects.filter(pk=new.token.pk).values().get()
    assert [name for name, value in row.items() if new.key in str(value)] == []
    assert row["digest"] == hashlib.sha512(new.key.encode()).hexdigest()
    assert len(new.key) == 64
    assert _works(new.key)


def test_it_gives_a_token_90_days_unless_asked_and_refuses_more_than_365(person):
    from django.core.exceptions import ValidationError

    standard = api_token_mint(user=person, name="Standard").token
    assert abs(standard.expiry - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    week = api_token_mint(user=person, name="A week", days=7).token
    assert abs(week.expiry - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    with pytest.raises(ValidationError, match=re.escape("A token can last from 1 to 365 days.")):
        api_token_mint(user=person, name="Forever", days=366)
    assert ApiToken.objects.count() == 2


def test_it_stops_a_token_working_after_its_expiry(person):
    new = api_token_mint(user=person, name="Short-lived", days=1)
    assert _works(new.key)
    ApiToken.objects.filter(pk=new.token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert not _works(new.key)
    assert not ApiToken.objects.filter(pk=new.token.pk).exists()  # knox deletes it when seen


def test_it_notes_when_a_token_was_last_used(person):
    new = api_token_mint(user=person, name="Report")
    assert new.token.last_used is None
    assert _works(new.key)
    new.token.refresh_from_db()
    assert new.token.last_used is not None


# Password changes and deactivation ------------------------------------------------------


def test_it_stops_a_token_working_after_a_password_change(client, person):
    kept = api_token_mint(user=person, name="Nightly report").key
    other = api_token_mint(user=UserFactory(), name="Someone else's").key
    client.force_login(person)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert "Your 1 API token was revoked because your password changed." in _text(response)
    assert not _works(kept)
    assert _works(other)
    assert not ApiToken.objects.filter(user=person).exists()
    entry = AuditEntry.objects.get(action="api_tokens.revoked")
    assert entry.object_id == str(person.pk) and entry.actor_label == person.email
    assert entry.after == {"because": "password_changed"}
    assert [t["name"] for t in entry.before["tokens"]] == ["Nightly report"]
    page = _text(client.get(PAGE))
    assert "Your API tokens (1) were revoked on" in page
    assert "because your password was changed" in page


def test_it_stops_a_token_working_after_a_password_reset(client, person, mailbox):
    key = api_token_mint(user=person, name="Nightly report").key
    client.post("/accounts/password/reset/", {"email": person.email})
    [message] = mailbox.messages
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", str(message))
    assert link, str(message)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _works(key)
    assert AuditEntry.objects.get(action="api_tokens.revoked").after == {
        "because": "password_changed"
    }


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def test_it_revokes_the_tokens_when_an_administrator_sets_a_password(admin_client, person):
    key = api_token_mint(user=person, name="Nightly report").key
    response = admin_client.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not _works(key)
    entry = AuditEntry.objects.get(action="api_tokens.revoked")
    assert entry.after == {"because": "password_set_by_administrator"}
    assert entry.actor_label != person.email


def test_it_revokes_the_tokens_of_a_deactivated_account(admin_client, person):
    key = api_token_mint(user=person, name="Nightly report").key
    joined = timezone.localtime(person.date_joined)
    data = {  # the admin's change form with "Active" unticked (an unticked box is not sent)
        "email": person.email,
        "full_name": person.full_name,
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    response = admin_client.post(f"/admin/accounts/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert not person.is_active
    assert not _works(key)
    entry = AuditEntry.objects.get(action="api_tokens.revoked")
    assert entry.after == {"because": "account_deactivated"}


# The page -----------------------------------------------------------------------------


def test_it_shows_the_owner_their_tokens_but_never_a_key(client, person):
    first = api_token_mint(user=person, name="Nightly report")
    second = api_token_mint(user=person, name="Dashboard", days=30)
    theirs = api_token_mint(user=UserFactory(), name="Someone else's report")
    client.force_login(person)
    page = _text(client.get(PAGE))
    assert page.index("Dashboard") < page.index("Nightly report")  # newest first
    assert "Someone else's report" not in page
    for new in (first, second, theirs):
        assert new.key not in page and new.key[:15] not in page
        assert new.token.digest not in page
    assert "Never" in page  # not used yet
    assert "You have no API tokens." not in page


def test_it_shows_a_new_tokens_key_once(client, person):
    client.force_login(person)
    form = _text(client.get(f"{PAGE}new/"))
    assert 'value="90"' in form
    response = client.post(f"{PAGE}new/", {"name": "Nightly report", "days": "30"})
    assert response.status_code == 200
    page = _text(response)
    assert "Copy the key now" in page and "This is the only time you will see it" in page
    key = re.search(r'id="token-key"[^>]* value="([0-9a-f]{64})"', page).group(1)
    assert _works(key)
    token = ApiToken.objects.get(user=person)
    assert token.name == "Nightly report"
    assert abs(token.expiry - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(action="api_token.minted")
    assert entry.actor_label == person.email and entry.object_id == str(token.pk)
    assert key not in _text(client.get(PAGE))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "days": "90"}, "Give the token a name, such as the program that uses it."),
        ({"name": "   ", "days": "90"}, "Give the token a name, such as the program that uses it."),
        ({"name": "x" * 101, "days": "90"}, "name can be at most 100 characters long."),
        ({"name": "Report", "days": "400"}, "A token can last from 1 to 365 days."),
        ({"name": "Report", "days": "0"}, "A token can last from 1 to 365 days."),
        ({"name": "Report", "days": "soon"}, "Enter the number of days as a whole number"),
    ],
)
def test_it_names_what_is_wrong_with_a_new_token(client, person, data, message):
    client.force_login(person)
    response = client.post(f"{PAGE}new/", data)
    assert response.status_code == 200
    page = _text(response)
    assert "There is a problem" in page and message in page
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token_once_its_owner_confirms(client, person):
    kept = api_token_mint(user=person, name="Dashboard")
    gone = api_token_mint(user=person, name="Nightly report")
    client.force_login(person)
    url = f"{PAGE}{gone.token.pk}/revoke/"
    confirm = _text(client.get(url))
    assert "Revoke the API token ‘Nightly report’?" in confirm
    assert _works(gone.key)  # asking is not revoking
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "The API token ‘Nightly report’ was revoked." in _text(response)
    assert not _works(gone.key) and _works(kept.key)
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert entry.object_id == str(gone.token.pk) and entry.before["name"] == "Nightly report"
    assert entry.actor_label == person.email
    assert client.post(url).status_code == 404  # already gone


def test_it_answers_404_for_another_persons_token(client, person):
    theirs = api_token_mint(user=UserFactory(), name="Someone else's report")
    client.force_login(person)
    url = f"{PAGE}{theirs.token.pk}/revoke/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _works(theirs.key)
    assert not AuditEntry.objects.filter(action="api_token.revoked").exists()


def test_it_sends_visitors_to_sign_in(client, person):
    token = api_token_mint(user=person, name="Report").token
    for url in (PAGE, f"{PAGE}new/", f"{PAGE}{token.pk}/revoke/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_links_the_tokens_from_the_header_and_the_security_page(client, person):
    client.force_login(person)
    page = _text(client.get("/accounts/2fa/"))
    assert page.count(f'href="{PAGE}"') == 2  # "API tokens" in the header, and the page's link
    assert "Manage your API tokens" in page


def test_it_lists_tokens_in_a_fixed_number_of_queries(
    client, person, django_assert_max_num_queries
):
    client.force_login(person)
    for n in range(2):
        api_token_mint(user=person, name=f"Token {n}")
    few = page_queries(client, PAGE)
    for n in range(10):
        api_token_mint(user=person, name=f"More {n}")
    assert page_queries(client, PAGE) == few
    with django_assert_max_num_queries(6):
        assert client.get(PAGE).status_code == 200
