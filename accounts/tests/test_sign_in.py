import re
import time

from alliance.testing import PASSWORD

LOGIN = "/accounts/login/"


def _sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_it_signs_in_with_email_and_password(client, person):
    response = _sign_in(client, "GP@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert "_auth_user_id" in client.session


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


def test_two_factor_enrolment_then_a_code_is_needed_to_sign_in(client, person, totp):
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


def test_recovery_codes_are_offered_after_enrolment(client, totp):
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    codes = re.findall(r"\b[a-z0-9]{8}\b", page)
    assert len(codes) >= 10
