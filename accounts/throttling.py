"""The API's throttles, per client address and per person, and wrong tokens per address.

DRF's AnonRateThrottle and UserRateThrottle (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES)
limit requests per address and per person; here they count the client address the sign-in
lockout counts. Two gaps remain:

- DRF authenticates before it throttles, so a throttle class cannot stop someone trying
  tokens. `FailedTokenThrottle` counts only failed token authentications per client
  address; `accounts.authentication.TokenAuthentication` asks it before checking a token.
- DRF checks permissions before throttles, so an anonymous request to an endpoint that needs
  sign-in (a 401) is never counted. The API's exception handler (api.exceptions) counts it
  against the view's throttles.

The client's address is the one the sign-in lockout counts (`ClientAddress`: allauth's
`get_client_ip`, which follows TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, with an IPv6
address as its network), so one setting says where a client's address comes from. State
lives in Django's cache.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from rest_framework import throttling
from rest_framework.request import Request


class ClientAddress:
    """A throttle's idea of the client: the address the sign-in lockout uses."""

    def get_ident(self, request: Request) -> str:
        return str(get_adapter(request).client_address(request))


class AnonRateThrottle(ClientAddress, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddress, throttling.UserRateThrottle):
    pass


class FailedTokenThrottle(ClientAddress, throttling.SimpleRateThrottle):
    """Failed token authentications per client address (the `failed_token` rate)."""

    scope = "failed_token"
    num_requests: int  # set from the rate by SimpleRateThrottle
    duration: int

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Request, view: Any) -> bool:
        """Whether this address may try a token now. Unlike DRF's throttles, asking does not
        count: only `failure` does."""
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def failure(self, request: Request) -> None:
        self.allow_request(request, None)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
