import re

import pyotp
import pytest
from django.core.cache import cache

from alliance.testing import PASSWORD, UserFactory

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts requests per client address in the cache; start each test afresh."""
    cache.clear()


@pytest.fixture
def person(db):
    return UserFactory(email="gp@example.org")


@pytest.fixture
def totp(client, person):
    """The person turns on two-factor authentication through the pages; they stay signed in.
    Returns their authenticator (pyotp.TOTP)."""
    assert client.post(LOGIN, {"login": person.email, "password": PASSWORD}).status_code == 302
    # Changing security settings asks for the password again (allauth's reauthentication).
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    authenticator = pyotp.TOTP(re.search(r"\b([A-Z2-7]{32})\b", page).group(1))
    response = client.post("/accounts/2fa/totp/activate/", {"code": authenticator.now()})
    assert response.status_code == 302
    return authenticator
