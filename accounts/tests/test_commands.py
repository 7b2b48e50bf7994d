import datetime as dt
import io
import os
import re

from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken, User
from alliance.testing import UserFactory
from audit.models import AuditEntry


def test_createsuperuser_works_without_input(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_superuser and admin.check_password("a-long-admin-password")
    assert os.environ["DJANGO_SUPERUSER_EMAIL"] == "admin@example.org"


def _mint(*args):
    out = io.StringIO()
    call_command("mint_token", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_mint_token_prints_a_working_token_last(client, convenor):
    lines = _mint(convenor.user.email.upper())
    key = lines[-1]
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["email"] == convenor.user.email
    token = ApiToken.objects.get(user=convenor.user)
    assert token.name == "Made with manage.py mint_token"
    assert token.expiry.date() == (timezone.now() + dt.timedelta(days=90)).date()
    assert "It is shown only now" in lines[0]
    entry = AuditEntry.objects.get(action="api_token.minted")
    assert entry.object_id == str(token.pk) and entry.actor_label == "system"
    assert key not in str(entry.after) and token.digest not in str(entry.after)


def test_it_mints_a_token_with_a_name_and_a_lifetime(client, db):
    user = UserFactory()
    key = _mint(user.email, "--name", "Nightly report", "--days", "7")[-1]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Nightly report"
    assert token.expiry.date() == (timezone.now() + dt.timedelta(days=7)).date()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_it_keeps_earlier_tokens_working_when_minting(client, db):
    user = UserFactory()
    first = _mint(user.email, "--name", "First")[-1]
    second = _mint(user.email, "--name", "Second")[-1]
    for key in (first, second):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_it_refuses_to_mint_a_lifetime_past_the_maximum(db):
    import pytest
    from django.core.management import CommandError

    user = UserFactory()
    with pytest.raises(CommandError, match=re.escape("A token can last from 1 to 365 days.")):
        call_command("mint_token", user.email, "--days", "366")
    assert not ApiToken.objects.exists()


def test_mint_token_names_an_unknown_email(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(
        CommandError, match=re.escape("No user has the e-mail address 'nobody@x.org'")
    ):
        call_command("mint_token", "nobody@x.org")


def test_it_refuses_to_mint_for_a_deactivated_account(db):
    import pytest
    from django.core.management import CommandError

    user = UserFactory(is_active=False)
    with pytest.raises(CommandError, match="account is deactivated: it cannot have tokens"):
        call_command("mint_token", user.email)
    assert not ApiToken.objects.exists()
