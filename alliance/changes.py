"""Change stamps: cache what a collective's pages work out, and drop it the moment it changes.

Each collective has a stamp in Django's cache (Redis in a deployment, a shared folder
without it), and so does the service as a whole. A figure is kept, in the process that
worked it out, with the stamps it was worked out under; marking a collective changed gives
it a new stamp, so every figure worked out before is passed over from the next request on,
in every process.

What marks a collective changed (written down in docs/architecture.md):

- every audited write of a collective (`audit.services.audit_record` calls
  `collective_changed`), and every change to the shared directory (its services call
  `everything_changed`);
- every request that can write (POST, PUT, PATCH, DELETE) by a signed-in person, for each
  collective they belong to before and after it (`collectives.middleware`), so that a write
  the audit log does not keep (an answer, a position, an acknowledgement) counts too;
- the scheduled jobs' services that write outside a request (`nudges_refresh`).

A stamp changes at once and again when the transaction commits, so that a page worked out
from the data before the commit, and stored after the first change, is not kept. Figures
that change with the passing of time (an invitation expiring, a round's closing date) are
kept for at most `MAX_AGE` seconds and never past the day they were worked out on.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_AGE = 60  # seconds a cached figure may outlive the passing of time
MAX_KEPT = 4096  # figures kept per process, the least recently used dropped first
_EVERYTHING = "changes:all"
_kept: OrderedDict[Hashable, tuple[Any, float, Any]] = OrderedDict()
_lock = threading.Lock()


def _collective_key(collective_id: int) -> str:
    return f"changes:collective:{collective_id}"


def _renew(*keys: str) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:  # the cache is down: what was kept goes stale for at most MAX_AGE
        logger.warning("Could not mark %s changed: the cache did not answer", keys, exc_info=True)


def _mark(*keys: str) -> None:
    _renew(*keys)
    transaction.on_commit(lambda: _renew(*keys))


def collective_changed(*collective_ids: int) -> None:
    """Something in these collectives changed: what was cached for them is out of date."""
    if collective_ids:
        _mark(*(_collective_key(pk) for pk in collective_ids))


def everything_changed() -> None:
    """Something every collective may show changed (the directory, the service's settings)."""
    _mark(_EVERYTHING)


def stamp(collective_id: int) -> tuple[str, str]:
    """The stamps now; with the cache down, new ones every time, so nothing kept is used."""
    keys = [_EVERYTHING, _collective_key(collective_id)]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, uuid.uuid4().hex, timeout=None)  # the first process to ask wins
                found[key] = cache.get(key)
    except Exception:
        logger.warning("The cache did not answer: working everything out", exc_info=True)
        return uuid.uuid4().hex, uuid.uuid4().hex
    return found[_EVERYTHING], found[keys[1]]


def cached(name: str, collective_id: int, parts: Hashable, make: Callable[[], T]) -> T:
    """What make() gives for this collective, worked out again only when the collective (or
    everything) changed, the day turned, or MAX_AGE passed. ``parts`` must name everything
    else the value depends on: whose page it is, their role and organisation, the options.

    The value is kept in this process (only the stamps are shared), so a hit costs no
    unpickling; it is shared by the requests this process serves, so treat it as read-only.
    """
    key = (name, collective_id, parts)
    current = (stamp(collective_id), timezone.localdate())
    now = time.monotonic()
    with _lock:
        entry = _kept.get(key)
        if entry is not None and entry[0] == current and now - entry[1] < MAX_AGE:
            _kept.move_to_end(key)
            return entry[2]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        _kept[key] = (current, now, value)
        _kept.move_to_end(key)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return value


def forget_kept() -> None:
    """Drop what this process kept (the tests start each from nothing)."""
    with _lock:
        _kept.clear()
