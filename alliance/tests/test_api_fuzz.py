"""Schemathesis over every operation of the API, as every role, on the demo data.

It loads the OpenAPI schema from the application itself (schemathesis's WSGI integration:
no server), mints a token for each role of the demo collective (convenor, representative,
deputy, member, observer, guest) and for a convenor of another collective, and sends each
operation schema-valid and schema-invalid requests with the ids and the slug of real rows,
checking every answer (CHECKS). In `make test` the examples come from a fixed seed, so a
failure reproduces; `make fuzz` draws new ones in each round until FUZZ_SECONDS have passed,
and each failure is reported with the curl command that reproduces it.
"""

from __future__ import annotations

import collections
import io
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from accounts.services import api_token_mint
from alliance.testing import MembershipFactory
from collectives.models import Collective, Membership, Role

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
    use_after_free,
]
# In `make test`: two schema-valid and two schema-invalid requests per operation, each sent
# as every role (about 3,000 requests). `make fuzz` sets more, for longer.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "0"))  # 0: one pass of EXAMPLES per operation
# Ids in the demo are small: draw path ids from here, so most requests reach a real row.
DEMO_IDS = st.integers(min_value=1, max_value=60)


def application() -> Callable[..., Any]:
    django = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # as a WSGI server on TCP sets it
        return django(environ, start_response)

    return app


def roles() -> Iterator[tuple[str, Any]]:
    collective = Collective.objects.get(slug="isle-of-wight")
    organisation = (
        Membership.objects.filter(collective=collective, role=Role.REPRESENTATIVE)
        .first()
        .organisation  # type: ignore[union-attr]
    )
    for role in (Role.CONVENOR, Role.REPRESENTATIVE, Role.MEMBER):
        member = Membership.objects.filter(collective=collective, role=role).first()
        assert member is not None, role
        yield role, member
    for role in (Role.DEPUTY, Role.OBSERVER, Role.GUEST):
        yield role, MembershipFactory(collective=collective, role=role, organisation=organisation)
    other = Membership.objects.exclude(collective=collective).filter(role=Role.CONVENOR).first()
    yield "another collective's convenor", other


def _exercise(
    operation: Any,
    mode: GenerationMode,
    tokens: dict[str, str],
    failures: collections.Counter[tuple[str, str, str]],
    examples: dict[Any, str],
    answered: dict[str, set[str]],
) -> int:
    """Each drawn request is sent as every role: the schema's strategies are built once."""
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not SECONDS,  # make test: a fixed seed; make fuzz: new examples each round
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: Any) -> None:
        nonlocal sent
        if "slug" in (case.path_parameters or {}) and data.draw(st.booleans()):
            case.path_parameters["slug"] = "isle-of-wight"
        for name, value in list((case.path_parameters or {}).items()):
            if isinstance(value, int) and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(DEMO_IDS)
        for role, key in tokens.items():
            headers = {"Authorization": f"Token {key}"}
            cache.clear()  # the throttles' counts: their own tests check them, not this one
            response = case.call(headers=headers)
            sent += 1
            if response.status_code < 300:
                answered.setdefault(operation.label, set()).add(role)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (FailureGroup, Failure) as error:
                found = error.exceptions if isinstance(error, FailureGroup) else [error]
                for failure in found:
                    title = getattr(failure, "title", type(failure).__name__)
                    key = (title, operation.label, role)
                    failures[key] += 1
                    examples.setdefault(key, f"{case.as_curl_command()}\n{failure}")

    try:
        run()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE, operation.label  # nothing in it to make invalid
    return sent


def fuzz(
    tokens: dict[str, str],
    failures: collections.Counter[tuple[str, str, str]],
    examples: dict[Any, str],
    answered: dict[str, set[str]],
) -> int:
    """Run every operation as every role; count each distinct failure, and note which roles
    each operation answered with a success. Returns the number of requests sent. The roles'
    tokens are made once: a convenor's request may remove a member, whose requests are then
    refused, as they should be."""
    app = application()
    first = {"Authorization": f"Token {next(iter(tokens.values()))}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers=first)
    sent = 0
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            sent += _exercise(result.ok(), mode, tokens, failures, examples, answered)
    return sent


@pytest.mark.django_db
def test_every_operation_as_every_role_answers_as_its_schema_says() -> None:
    call_command("load_demo", stdout=io.StringIO())
    # The WSGI handler closes the database connection when a request ends; the test's
    # transaction lives on it. Django's test client turns that off for its requests, and so
    # does this test for schemathesis's (on PostgreSQL the connection would be closed).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_for_the_time_given()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_for_the_time_given() -> None:
    failures: collections.Counter[tuple[str, str, str]] = collections.Counter()
    examples: dict[Any, str] = {}
    answered: dict[str, set[str]] = {}
    tokens = {
        str(role): api_token_mint(user=membership.user, name=f"fuzz {role}").key
        for role, membership in roles()
    }
    started, sent = time.monotonic(), 0
    while True:
        sent += fuzz(tokens, failures, examples, answered)
        if time.monotonic() - started >= SECONDS:
            break
    report = "\n\n".join(
        f"{n} x {title} — {label} as {role}\n{examples[(title, label, role)]}"
        for (title, label, role), n in failures.most_common(30)
    )
    kinds = collections.Counter()
    for (title, _, _), n in failures.items():
        kinds[title] += n
    summary = "\n".join(f"  {n:5} {title}" for title, n in kinds.most_common())
    print(f"schemathesis: {sent} requests, {sum(failures.values())} failures\n{summary}")
    print(f"operations answered with a success: {len(answered)}")
    assert not failures, f"{len(failures)} kinds of failure:\n{summary}\n\n{report}"
