import io
import os
import re

from django.core.management import call_command
from rest_framework.authtoken.models import Token

from accounts.models import User
from alliance.testing import UserFactory


def test_createsuperuser_works_without_input(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_superuser and admin.check_password("a-long-admin-password")
    assert os.environ["DJANGO_SUPERUSER_EMAIL"] == "admin@example.org"


def test_mint_token_prints_a_working_token_last(client, convenor):
    out = io.StringIO()
    call_command("mint_token", convenor.user.email.upper(), stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert Token.objects.get(user=convenor.user).key == key
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["email"] == convenor.user.email


def test_mint_token_replaces_the_earlier_token(client, db):
    user = UserFactory()
    out = io.StringIO()
    call_command("mint_token", user.email, stdout=out)
    first = out.getvalue().strip().splitlines()[-1]
    call_command("mint_token", user.email, stdout=out)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401


def test_mint_token_names_an_unknown_email(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(
        CommandError, match=re.escape("No user has the e-mail address 'nobody@x.org'")
    ):
        call_command("mint_token", "nobody@x.org")
