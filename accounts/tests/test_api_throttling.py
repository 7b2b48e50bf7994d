"""The API's limits: per person, per anonymous address, and wrong tokens per address.

The rates are the configured ones (REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']): 600 a minute
per person, 60 a minute per anonymous address, 20 wrong tokens a minute per address.

The requests are real; only the throttles' clock (DRF's SimpleRateThrottle.timer) stands
still, so that "in a minute" holds however slowly a busy machine serves 601 requests, and a
test can move it on a minute instead of sleeping.
"""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken
from accounts.services import api_token_mint
from alliance.testing import UserFactory

ME = "/api/v1/me/"
WRONG = "Token " + "0" * 64


def _auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_mint(user=user, name='Test client').key}"}


@pytest.fixture
def person(db):
    return UserFactory()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda throttle: clock.now)
    return clock


def _is_throttled(response) -> bool:
    return response.status_code == 429 and response["Retry-After"] == "60"


def test_it_answers_a_persons_601st_request_in_a_minute_with_429_and_retry_after(
    client, person, clock
):
    auth = _auth(person)
    statuses = {client.get(ME, **auth).status_code for _ in range(600)}
    assert statuses == {200}
    response = client.get(ME, **auth)
    assert _is_throttled(response), (response.status_code, response.headers)
    assert "Request was throttled" in response.json()["detail"]
    # The limit is per person: someone else from the same address carries on.
    assert client.get(ME, **_auth(UserFactory())).status_code == 200
    # A minute later the first person may go on.
    clock.now += 60
    assert client.get(ME, **auth).status_code == 200


def test_it_throttles_anonymous_requests_per_address(client, db):
    statuses = {client.get(ME).status_code for _ in range(60)}
    assert statuses == {401}
    assert _is_throttled(client.get(ME))
    assert _is_throttled(client.get("/api/v1/collectives/"))  # any endpoint, same address
    assert client.get(ME, REMOTE_ADDR="192.0.2.7").status_code == 401


def test_it_refuses_tokens_from_an_address_that_sent_20_wrong_ones_before_checking_them(
    client, person, clock
):
    auth = _auth(person)
    for _ in range(20):
        assert client.get(ME, HTTP_AUTHORIZATION=WRONG).status_code == 401
    # The right token from that address is not looked at: refused, and not marked as used.
    response = client.get(ME, **auth)
    assert _is_throttled(response), response.status_code
    assert "Too many wrong API tokens from your address" in response.json()["detail"]
    assert ApiToken.objects.get().last_used is None
    # From another address the token works, and from this one again a minute later.
    assert client.get(ME, REMOTE_ADDR="192.0.2.7", **auth).status_code == 200
    assert ApiToken.objects.get().last_used is not None
    clock.now += 60
    assert client.get(ME, **auth).status_code == 200


def test_it_counts_only_wrong_tokens_including_malformed_headers(client, person):
    auth = _auth(person)
    for header in ("Token", "Token two parts", "Token \u00e9t\u00e9", *[WRONG] * 16):
        assert client.get(ME, HTTP_AUTHORIZATION=header).status_code == 401, header
    for _ in range(30):
        assert client.get(ME, **auth).status_code == 200
    assert client.get(ME, HTTP_AUTHORIZATION=WRONG).status_code == 401  # the 20th failure
    assert _is_throttled(client.get(ME, **auth))
    assert _is_throttled(client.get(ME, HTTP_AUTHORIZATION=WRONG))


def test_it_ignores_x_forwarded_for_unless_told_of_proxies(client, person):
    # No trusted proxy: a client cannot dodge the limit by sending a new X-Forwarded-For.
    for n in range(20):
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert client.get(ME, HTTP_AUTHORIZATION=WRONG, **forged).status_code == 401
    response = client.get(ME, HTTP_AUTHORIZATION=WRONG, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert _is_throttled(response)


def test_it_limits_the_address_the_proxy_saw_behind_one_proxy(client, person, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; anything before that is the client's to forge.
    for n in range(20):
        sent = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}, 203.0.113.1"}
        assert client.get(ME, HTTP_AUTHORIZATION=WRONG, **sent).status_code == 401
    seen = {"HTTP_X_FORWARDED_FOR": "198.51.100.99, 203.0.113.1"}
    assert _is_throttled(client.get(ME, HTTP_AUTHORIZATION=WRONG, **seen))
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.2"}
    assert client.get(ME, HTTP_AUTHORIZATION=WRONG, **other).status_code == 401
