import datetime as dt
import re
import time

import pyotp
import pytest
from django.utils import timezone

from accounts.models import FailedSignIn
from alliance.testing import PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def _sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def _confirm_password(client):
    """Changing security settings asks for the password again (allauth's reauthentication)."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def person(db):
    return UserFactory(email="gp@example.org")


def test_it_signs_in_with_email_and_password(client, person):
    response = _sign_in(client, "GP@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code in (200, 302)
    assert "_auth_user_id" in client.session


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, person):
    for _ in range(5):
        page = _sign_in(client, person.email, "wrong password").content.decode()
        assert "The email address and/or password you specified are not correct" in page
    response = _sign_in(client, person.email, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts" in page
    match = re.search(r"You can try again at (\d\d:\d\d) \(in (\d+) minutes\)", page)
    assert match, page
    assert 14 <= int(match.group(2)) <= 15


def test_the_lock_lifts_fifteen_minutes_after_the_failures(client, person):
    long_ago = timezone.now() - dt.timedelta(minutes=16)
    for _ in range(5):
        FailedSignIn.objects.create(email=person.email, attempted_at=long_ago)
    assert _sign_in(client, person.email, PASSWORD).status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, person):
    for minutes in (20, 18, 10, 5):
        FailedSignIn.objects.create(
            email=person.email, attempted_at=timezone.now() - dt.timedelta(minutes=minutes)
        )
    _sign_in(client, person.email, "wrong password")
    assert _sign_in(client, person.email, PASSWORD).status_code == 302


def test_public_sign_up_is_closed(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert "invitation" in page.lower()
    client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    from accounts.models import User

    assert not User.objects.filter(email="x@example.org").exists()


def test_two_factor_enrolment_then_a_code_is_needed_to_sign_in(client, person):
    assert _sign_in(client, person.email, PASSWORD).status_code == 302
    _confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r"\b([A-Z2-7]{32})\b", page).group(1)
    totp = pyotp.TOTP(secret)
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp.now()})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    response = _sign_in(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still sent to sign in

    page = client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    assert "Incorrect code" in page
    assert "_auth_user_id" not in client.session

    next_code = totp.at(time.time() + 30)
    response = client.post("/accounts/2fa/authenticate/", {"code": next_code})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_recovery_codes_are_offered_after_enrolment(client, person):
    _sign_in(client, person.email, PASSWORD)
    _confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r"\b([A-Z2-7]{32})\b", page).group(1)
    client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    codes = re.findall(r"\b[a-z0-9]{8}\b", page)
    assert len(codes) >= 10
