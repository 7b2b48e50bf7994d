"""Schemathesis over every operation of the API, as every role, on the demo data.

It loads the OpenAPI schema from the application itself (schemathesis's WSGI integration:
no server), mints a token for each role of the demo collective (convenor, representative,
deputy, member, observer, guest) and for a convenor of another collective, and then:

1. walks every operation once as a role allowed to use it (api_walk.py), each step first
   sent as the outsider, who must be refused; an operation with no step fails the test;
2. sends each operation schema-valid and schema-invalid requests, often with the slug and
   the ids of real rows, as every role;
3. runs schemathesis's stateful scenarios over the schema's links.

Every answer goes through the same checks (CHECKS). In `make test` the examples come from
a fixed seed, so a failure reproduces; `make fuzz` repeats phases 2 and 3 with new examples
until FUZZ_SECONDS have passed. Each failure is reported with the curl command that
reproduces it, and the summary is printed at the end of the run (conftest.py).
"""

from __future__ import annotations

import collections
import datetime
import io
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
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
from alliance.testing import MembershipFactory, UserFactory
from alliance.tests import api_walk
from alliance.tests.api_walk import OUTSIDER
from collectives.models import Collective, CollectiveOrganisation, Invitation, Membership, Role
from collectives.services import token_hash
from surveys.models import SurveyRound

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
# FUZZ_WALK_ONLY=1: only the walk (api_walk.py), for a quick run while adding a step to it.
WALK_ONLY = os.environ.get("FUZZ_WALK_ONLY") == "1"
STATEFUL_SCENARIOS = int(os.environ.get("FUZZ_SCENARIOS", "20"))
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
    # The demo's other collectives share their convenor with this one: the outsider is made.
    yield OUTSIDER, MembershipFactory(role=Role.CONVENOR)


@dataclass
class Tally:
    """What a run saw: each distinct failure (check, operation, role) with one example, the
    requests sent as each role, and the operations a drawn request succeeded on."""

    failures: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    examples: dict[tuple[str, str, str], str] = field(default_factory=dict)
    per_role: collections.Counter[str] = field(default_factory=collections.Counter)
    answered: set[str] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)  # succeeded in a stateful scenario

    @property
    def sent(self) -> int:
        return sum(self.per_role.values())

    def record(self, response: Any, case: Any, role: str, headers: dict[str, str]) -> None:
        self.per_role[role] += 1
        if response.status_code < 300:
            self.answered.add(case.operation.label)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (FailureGroup, Failure) as error:
            found = error.exceptions if isinstance(error, FailureGroup) else [error]
            for failure in found:
                title = getattr(failure, "title", type(failure).__name__)
                key = (title, case.operation.label, role)
                self.failures[key] += 1
                self.examples.setdefault(key, f"{case.as_curl_command()}\n{failure}")

    def kinds(self) -> str:
        kinds: collections.Counter[str] = collections.Counter()
        for (title, _, _), n in self.failures.items():
            kinds[title] += n
        return "\n".join(f"  {n:5} {title}" for title, n in kinds.most_common())

    def report(self) -> str:
        return "\n\n".join(
            f"{n} x {title} — {label} as {role}\n{self.examples[(title, label, role)]}"
            for (title, label, role), n in self.failures.most_common(30)
        )


def _exercise(
    operation: Any,
    mode: GenerationMode,
    tokens: dict[str, str],
    tally: Tally,
) -> None:
    """Each drawn request is sent as every role: the schema's strategies are built once."""

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
        # Real rows, often: the demo's slug and small ids. The path is assigned anew, not
        # changed in place, so that schemathesis judges again whether the case is still
        # invalid, and where (a valid id put in place of an invalid one makes it valid there).
        path = dict(case.path_parameters or {})
        if "slug" in path and data.draw(st.booleans()):
            path["slug"] = api_walk.S
        for name, value in list(path.items()):
            if isinstance(value, int) and data.draw(st.booleans()):
                path[name] = data.draw(DEMO_IDS)
        if path != (case.path_parameters or {}):
            case.path_parameters = path
        for role in tokens:
            _send(case, role, tokens, tally)

    try:
        run()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE, operation.label  # nothing in it to make invalid


def stateful(
    schema: Any,
    tokens: dict[str, str],
    tally: Tally,
) -> None:
    """Schemathesis's stateful phase: scenarios that follow the links between operations
    (those the schema gives, api/schema.py, and those schemathesis infers: a created
    proposal's id into reading, moving and deciding it), as the roles that can create most
    (convenor and representative)."""

    def scenario(role: str) -> Any:
        headers = {"Authorization": f"Token {tokens[role]}"}

        class Scenario(schema.as_state_machine()):  # type: ignore[misc]
            # Each scenario starts from the same data and leaves none behind: a savepoint,
            # rolled back. Otherwise what one scenario made changes what the next one's
            # steps can do, and Hypothesis stops, finding its draws inconsistent.
            def setup(self) -> None:
                self.savepoint = transaction.atomic()
                self.savepoint.__enter__()

            def teardown(self) -> None:
                transaction.set_rollback(True)
                self.savepoint.__exit__(None, None, None)

            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"headers": headers}

            def before_call(self, case: Any) -> None:
                # A scenario starts from a drawn slug: in the demo's collective, so that its
                # links lead to real rows (another's answers 404 to these roles, checked above).
                if "slug" in (case.path_parameters or {}):
                    case.path_parameters = {**case.path_parameters, "slug": api_walk.S}
                cache.clear()

            def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                tally.record(response, case, role, headers)
                if response.status_code < 300:
                    tally.linked.add(case.operation.label)

        return Scenario

    for role in (str(Role.CONVENOR), str(Role.REPRESENTATIVE)):
        scenario(role).run(
            settings=settings(
                max_examples=STATEFUL_SCENARIOS,
                stateful_step_count=8,
                deadline=None,
                database=None,
                derandomize=not SECONDS,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.generate],
            )
        )


def walk(
    schema: Any,
    tokens: dict[str, str],
    tally: Tally,
) -> set[str]:
    """Every operation once as a role that may use it, in an order that gives each a real
    row in the right state (api_walk.py), and first as another collective's convenor.
    Returns the operations walked."""
    kept = walk_setup(tokens)
    walked: set[str] = set()
    for step in api_walk.steps(kept):
        operation = schema.find_operation_by_label(step.label)
        assert operation is not None, f"the walk's step {step.label} is not in the schema"
        try:
            case = operation.Case(
                path_parameters=api_walk.path_parameters(step, kept),
                body=api_walk.resolve(step.body, kept) if step.body is not None else NOT_SET,
                media_type=step.media_type
                or ("application/json" if step.body is not None else None),
            )
        except (KeyError, IndexError) as error:
            raise AssertionError(f"{step.label}: nothing kept for {error}") from error
        refused = [OUTSIDER] if "{slug}" in operation.path else []
        if refused and case.method != "GET" and step.label not in api_walk.PERSONAL:
            # Observers read but change nothing; guests (system partners) see what is shared.
            refused += [str(Role.OBSERVER), str(Role.GUEST)]
        for role in refused:
            response = _send(case, role, tokens, tally)
            assert response.status_code in (403, 404), (
                f"{step.label} answered {response.status_code} to {role}"
            )
        response = _send(case, step.role, tokens, tally)
        assert response.status_code < 300, (
            f"{step.label} as {step.role}: {response.status_code} {response.text[:600]}"
        )
        walked.add(step.label)
        if step.keep is not None:
            step.keep(kept, response.json() if response.content else None)
    return walked


def _send(
    case: Any,
    role: str,
    tokens: dict[str, str],
    tally: Tally,
) -> Any:
    """Send the case as ``role`` (no token for a role that has none: anyone) and record
    what it answered."""
    headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}
    cache.clear()  # the throttles' counts: their own tests check them, not this one
    response = case.call(headers=headers)
    tally.record(response, case, role, headers)
    return response


def walk_setup(tokens: dict[str, str]) -> dict[str, Any]:
    """The walk's extra people (a second practice's representative, a data steward, a spare
    member to change and remove, someone invited) and the demo's rows it starts from."""
    collective = Collective.objects.get(slug=api_walk.S)
    representative = Membership.objects.filter(collective=collective, role=Role.REPRESENTATIVE)
    leading = CollectiveOrganisation.objects.filter(collective=collective, is_leadership=True)
    # R: the demo's representative (a PCN's, in the leadership group); R2 another member of
    # that group's; P and P2 two practices' representatives.
    second = (
        representative.filter(organisation__in=leading.values("organisation"))
        .exclude(pk=representative.first().pk)  # type: ignore[union-attr]  # R, as roles() chose
        .first()
    )
    practices = representative.filter(organisation__kind="practice").order_by("pk")
    first_practice, other_practice = practices[0], practices[1]
    for name, member in (
        (api_walk.R2, second),
        (api_walk.P, first_practice),
        (api_walk.P2, other_practice),
    ):
        tokens[name] = api_token_mint(user=member.user, name="walk").key  # type: ignore[union-attr]
    # Consensus needs every leadership-group member's position: a speaker for each.
    leaders = []
    for member in leading:
        speaker = representative.filter(organisation_id=member.organisation_id).first()
        speaker = speaker or MembershipFactory(
            collective=collective, role=Role.REPRESENTATIVE, organisation_id=member.organisation_id
        )
        name = f"the representative of {member.organisation_id}"
        tokens[name] = api_token_mint(user=speaker.user, name="walk").key
        leaders.append(name)
    steward = UserFactory(is_superuser=True)
    tokens[api_walk.STEWARD] = api_token_mint(user=steward, name="walk").key
    spare = MembershipFactory(
        collective=collective, role=Role.MEMBER, organisation=first_practice.organisation
    )
    token = "walk-invitation-token"
    Invitation.objects.create(
        collective=collective,
        email="jo.walker@example.org",
        role=Role.MEMBER,
        organisation=first_practice.organisation,
        token_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    every_practice = list(
        CollectiveOrganisation.objects.filter(
            collective=collective, organisation__kind="practice"
        ).values_list("organisation_id", flat=True)
    )
    finished = SurveyRound.objects.filter(collective=collective, closed_at__isnull=False).first()
    return {
        "leaders": leaders,
        "guest": {"id": Membership.objects.get(collective=collective, role=Role.GUEST).pk},
        "spare": {"id": spare.pk},
        "token": token,
        "practice": first_practice.organisation_id,
        "other_practice": other_practice.organisation_id,
        "third_practice": next(
            organisation
            for organisation in every_practice
            if organisation not in (first_practice.organisation_id, other_practice.organisation_id)
        ),
        "monday": (
            timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        ).isoformat(),
        "finished_round": finished.pk if finished else None,
    }


def fuzz(
    schema: Any,
    tokens: dict[str, str],
    tally: Tally,
) -> None:
    """One round: every operation as every role with drawn requests, then the stateful
    scenarios. The roles' tokens are made once: a convenor's request may remove a member,
    whose requests are then refused, as they should be."""
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(result.ok(), mode, tokens, tally)
    stateful(schema, tokens, tally)


@pytest.mark.django_db
def test_every_operation_as_every_role_answers_as_its_schema_says(
    record_property: Callable[[str, object], None],
) -> None:
    call_command("load_demo", stdout=io.StringIO())
    # The WSGI handler closes the database connection when a request ends; the test's
    # transaction lives on it. Django's test client turns that off for its requests, and so
    # does this test for schemathesis's (on PostgreSQL the connection would be closed).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_for_the_time_given(record_property)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_for_the_time_given(record_property: Callable[[str, object], None]) -> None:
    tokens = {
        str(role): api_token_mint(user=membership.user, name=f"fuzz {role}").key
        for role, membership in roles()
    }
    app = application()
    first = {"Authorization": f"Token {next(iter(tokens.values()))}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers=first)
    operations = {result.ok().label for result in schema.get_all_operations()}
    started = time.monotonic()
    # The walk first, on the demo as loaded; then the drawn requests, round after round.
    walking, drawn = Tally(), Tally()
    walked = walk(schema, dict(tokens), walking)
    rounds = 0
    while not WALK_ONLY:
        fuzz(schema, tokens, drawn)
        rounds += 1
        if time.monotonic() - started >= SECONDS:
            break
    roles_seen = ", ".join(f"{role} {n}" for role, n in drawn.per_role.items())
    summary = (
        f"schemathesis over {len(operations)} operations "
        f"({time.monotonic() - started:.0f} s, {rounds} round(s)):\n"
        f"  the walk: {walking.sent} requests, {len(operations & walked)} operations succeeded "
        f"as a role allowed to use them, {sum(walking.failures.values())} failures\n"
        f"  drawn and stateful: {drawn.sent} requests ({roles_seen}), "
        f"{sum(drawn.failures.values())} failures, "
        f"{sum(n for key, n in drawn.failures.items() if key[0] == 'Server error')} "
        f"server errors; {len(drawn.answered)} operations succeeded for a drawn request, "
        f"{len(drawn.linked)} in a stateful scenario"
    )
    for tally in (walking, drawn):
        if tally.failures:
            summary += "\n" + tally.kinds()
    print(summary)
    record_property("schemathesis", summary)  # conftest.py prints it at the end of the run
    for tally in (walking, drawn):
        assert not tally.failures, f"{len(tally.failures)} kinds of failure:\n{tally.report()}"
    never = sorted(operations - walked)
    assert not never, (
        "Operations in the schema that the walk does not use as a role allowed to: add a step "
        "for each to alliance/tests/api_walk.py.\n  " + "\n  ".join(never)
    )
