"""The tenant, for the apps below collectives.

Collectives owns tenancy: a person's membership of a collective, found from the URL's slug
(collectives.access, collectives.decorators). It sits above accounts, directory, audit and
notifications in the layers (docs/architecture.md), yet those apps have collective pages and
API views too (the audit log, the notifications inbox), and the directory shows each person
what their collectives recorded and added. They ask collectives through this port, which
collectives fills in when the project starts (CollectivesConfig.ready), as the feature apps
give the home page their attention providers: a lower layer takes what it needs from a higher
one as an argument or a registry entry, never as an import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
PageDecorator = Callable[[View], View]


class ActingMembership(Protocol):
    """A person's membership of a collective (collectives.models.Membership), as the apps
    below collectives take it from their callers."""

    user_id: int
    collective_id: int

    @property
    def collective(self) -> Any: ...

    @property
    def is_convenor(self) -> bool: ...

    @property
    def can_record(self) -> bool:
        """Whether they record things for the collective (observers and guests read)."""


class Tenancy(Protocol):
    """What the apps below collectives ask of it."""

    def collective_page(self, section: str, *, convenor_only: bool) -> PageDecorator:
        """collectives.decorators.collective_page."""

    def outside_collective_page(self, section: str) -> PageDecorator:
        """collectives.decorators.outside_collective_page."""

    def membership_for_user(self, user: Any, slug: str, *, convenor_only: bool) -> Any:
        """The user's membership of the collective with this slug: 404 for an outsider,
        403 for a member who is not a convenor where ``convenor_only``."""

    def collective_ids_of(self, user: Any) -> QuerySet[Any]:
        """The ids of the user's collectives, as a subquery (``collective_id``)."""

    def member_organisation_ids(self, collective_ids: Any) -> QuerySet[Any]:
        """The ids of the member organisations of a collective (an id) or of collectives (a
        subquery), as a subquery (``organisation_id``)."""

    def convenor_memberships_of(self, user: Any) -> QuerySet[Any]:
        """The user's memberships as a convenor, with their collectives."""

    def member_records_for(self, user: Any, organisation: Any) -> QuerySet[Any]:
        """The user's collectives' records of an organisation that is a member of them, with
        their collectives, by collective name."""

    def member_organisation_add(self, *, actor_membership: Any, organisation: Any) -> Any:
        """collectives.services.member_organisation_add."""


_provided: Tenancy | None = None


def provide(tenancy: Tenancy) -> None:
    """Collectives gives its answers when the project starts."""
    global _provided
    _provided = tenancy


def tenancy() -> Tenancy:
    if _provided is None:
        raise ImproperlyConfigured(
            "No tenancy: the collectives app provides it when it starts (is it installed?)."
        )
    return _provided


def collective_page(section: str, *, convenor_only: bool = False) -> PageDecorator:
    """A page of one collective, as collectives.decorators.collective_page makes it: the view
    gets the person's membership after the request (404 for an outsider)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            page = tenancy().collective_page(section, convenor_only=convenor_only)(view)
            return page(request, *args, **kwargs)

        return wrapper

    return decorator


def outside_collective_page(section: str) -> PageDecorator:
    """A page of no collective, as collectives.decorators.outside_collective_page makes it."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return tenancy().outside_collective_page(section)(view)(request, *args, **kwargs)

        return wrapper

    return decorator
