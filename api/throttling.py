"""Throttling beyond DRF's own: wrong tokens per client address, and anonymous 401s.

DRF's AnonRateThrottle and UserRateThrottle (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES)
limit requests per address and per person. Two gaps remain, closed here:

- DRF authenticates before it throttles, so a throttle class cannot stop someone trying
  tokens. `FailedTokenThrottle` counts only failed token authentications per client
  address; `api.authentication.TokenAuthentication` asks it before checking a token.
- DRF checks permissions before throttles, so an anonymous request to an endpoint that needs
  sign-in (a 401) is never counted. `exception_handler` counts it against the same throttles.

The client's address is the one the sign-in lockout counts (`ClientAddress`: allauth's
`get_client_ip`, which follows TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, with an IPv6
address as its network), so one setting says where a client's address comes from. State
lives in Django's cache.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from rest_framework import exceptions, throttling, views
from rest_framework.request import Request
from rest_framework.response import Response


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, once a request refused for want of credentials has been counted
    against the view's throttles: past the anonymous rate it is a 429, not a 401."""
    view, request = context.get("view"), context.get("request")
    if isinstance(exc, exceptions.NotAuthenticated) and view is not None and request is not None:
        try:
            view.check_throttles(request)
        except exceptions.Throttled as throttled:
            exc = throttled
    return views.exception_handler(exc, context)
