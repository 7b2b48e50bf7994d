"""Probes for load balancers and monitoring: `/healthz` and `/readyz` (docs/operations.md).

`/healthz` says whether the process can reach what it depends on: the database and the job
queue (Huey's storage: Redis with `REDIS_URL`, otherwise its SQLite file). `/readyz` says
whether this process may be sent traffic: the database answers, every migration of this code
is applied, and the hashed static manifest was there when the process started. Each answers
200, or 503 naming what failed, with a small JSON body and no detail an outsider could use
(the cause is logged). They need no sign-in, touch no session, are never redirected to
HTTPS (`SECURE_REDIRECT_EXEMPT`) and are not throttled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe
from huey.contrib import djhuey

logger = logging.getLogger(__name__)

OK = "ok"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _queue() -> str:
    # Counting the waiting jobs needs a round trip to Redis or a read of the SQLite file.
    # With HUEY_IMMEDIATE there is no queue (jobs run in the web process), and this is 0.
    djhuey.HUEY.storage.queue_size()
    return OK


def _migrations() -> str:
    # Reading the migration files takes some 30 ms the first time, a few ms after that.
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "not applied: run manage.py migrate"
    return OK


def _static_manifest() -> str:
    # The manifest storage reads staticfiles.json once, when the process first needs it. A
    # process started before collectstatic ran keeps serving pages that fail: restart it.
    if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.hashed_files:
        return "missing: run manage.py collectstatic, then restart"
    return OK


def _answer(request: HttpRequest, checks: dict[str, Callable[[], str]]) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:
            logger.warning("%s: %s is unavailable: %s", request.path, name, error)
            results[name] = "unavailable"
    healthy = all(result == OK for result in results.values())
    response = JsonResponse(
        {"status": OK if healthy else "unavailable", **results}, status=200 if healthy else 503
    )
    if request.method == "HEAD":
        response.content = b""  # a WSGI server warns of a body sent with HEAD on every probe
    return response


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer(request, {"database": _database, "queue": _queue})


@login_not_required
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    return _answer(
        request, {"database": _database, "migrations": _migrations, "static": _static_manifest}
    )
