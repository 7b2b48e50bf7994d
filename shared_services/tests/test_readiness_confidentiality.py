"""No page, API answer or export tells anyone but a practice's own people where it stands,
or what it answered (PRODUCT.md §4). A property test over random services: random practices,
random closed rounds of answers and ratings, random shares, a random k and a random lead.

For a practice P and everyone who is not one of P's people (the lead, a convenor, the
other practices' representatives and members), it fetches the readiness page, the API
answer and the CSV export; changes P's answers and ratings; and fetches them again. What
they see must not change, except:

- the counts of the lead and the convenors, which may move only when P is among the
  practices counted, and which are always counts over at least k practices that have not
  shared (checked against the test's own account of who can be placed);
- nothing else: when P shares, the lead sees its placement by name, so there P's answers
  are changed only within its quadrant, and the lead's view must not change at all.

It also checks that a practice that has not shared is never named to the lead or a
convenor (unless the name appears in their own practice's evidence, as one they rated).
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.changes import forget_kept
from alliance.testing import MembershipFactory
from collectives.models import Membership, Role
from shared_services import readiness
from shared_services.models import ReadinessShare
from shared_services.tests.test_readiness_support import (
    World,
    answer,
    closed_round,
    make_world,
)
from surveys.models import Response, TieRating

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
_COUNTS = re.compile(r"<h2 class=\"nhsuk-heading-l\">Across the service</h2>.*?<h3", re.S)


@dataclass(frozen=True)
class Answers:
    alone: int | None
    joint: int | None
    trust: dict[int, int]  # index of the organisation rated (0: the host) -> 1 to 4


def _answers(organisations: int) -> st.SearchStrategy[Answers | None]:
    return st.none() | st.builds(
        Answers,
        alone=st.none() | st.integers(1, 5),
        joint=st.none() | st.integers(1, 5),
        trust=st.dictionaries(st.integers(0, organisations), st.integers(1, 4), max_size=6),
    )


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    practices = draw(st.integers(2, 5))
    rounds = draw(st.integers(1, 2))
    return {
        "practices": practices,
        "k": draw(st.integers(3, 4)),
        "lead_at": draw(st.none() | st.integers(0, practices - 1)),
        "answers": draw(
            st.lists(
                st.lists(_answers(practices), min_size=practices, max_size=practices),
                min_size=rounds,
                max_size=rounds,
            )
        ),
        "shared": draw(st.sets(st.integers(0, practices - 1))),
        "target": draw(st.integers(0, practices - 1)),
        "seed": draw(st.integers(0, 2**16)),
    }


def _build(scenario: dict[str, Any]) -> World:
    world = make_world(scenario["practices"], k=scenario["k"], lead_at=scenario["lead_at"])
    organisations = [world.host, *world.practices]
    for n, answers in enumerate(scenario["answers"]):
        survey = closed_round(world, title=f"Round {n}", days_ago=10 + 40 * n)
        for practice, given_ in zip(world.practices, answers, strict=True):
            if given_ is None:
                continue
            trust = {
                organisations[i].pk: value
                for i, value in given_.trust.items()
                if organisations[i].pk != practice.pk
            }
            answer(survey, practice, alone=given_.alone, joint=given_.joint, trust=trust)
    for index in scenario["shared"]:
        ReadinessShare.objects.create(
            service=world.service,
            organisation=world.practices[index],
            shared_by=world.rep(index).user,
        )
    return world


def _placeable(world: World, organisation_id: int) -> bool:
    """The test's own account: a practice can be placed when it answered a belief question
    and rated the host or another practice of the service, in closed rounds (every round
    here is closed)."""
    believes = Response.objects.filter(organisation_id=organisation_id).exclude(
        sustainable_alone=None, joint_difference=None
    )
    relevant = {world.host.pk, *(p.pk for p in world.practices)} - {organisation_id}
    rated = TieRating.objects.filter(
        response__organisation_id=organisation_id, ratee_id__in=relevant
    )
    return believes.exists() and rated.exists()


def _seen(client: Client, membership: Membership, world: World) -> dict[str, Any]:
    client.force_login(membership.user)
    page = client.get(world.page())
    api = client.get(world.api())
    export = client.get(world.page("export"))
    assert page.status_code == api.status_code == export.status_code == 200
    return {
        "page": _CSRF.sub("", page.content.decode()),
        "api": api.json(),
        "csv": list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")))),
    }


def _without_counts(seen: dict[str, Any]) -> dict[str, Any]:
    api = json.loads(json.dumps(seen["api"]))
    if api["overview"]:
        for key in ("counts_shown", "message", "counts"):
            api["overview"].pop(key)
    return {
        "page": _COUNTS.sub("<h3", seen["page"]),
        "api": api,
        "csv": [row for row in seen["csv"] if row[0] != "Practices that have not shared"],
    }


def _placement_of(client: Client, world: World, index: int) -> str:
    client.force_login(world.rep(index).user)
    return str(client.get(world.api()).json()["own"]["placement"])


def _change_answers(world: World, organisation_id: int, seed: int, *, keep_side: bool) -> None:
    """Change the answers and ratings the practice gave. ``keep_side``: so that its belief
    and trust stay exactly what they were (belief: both answers moved the same way; trust:
    its scores swapped between the organisations it rated, and each rating's three items
    spread around their mean), so its placement cannot change but its ratings do."""
    rng = random.Random(seed)
    for response in Response.objects.filter(organisation_id=organisation_id):
        alone, joint = response.sustainable_alone, response.joint_difference
        if not keep_side:
            alone = None if alone is None else rng.randint(1, 5)
            joint = None if joint is None else rng.randint(1, 5)
        elif alone is not None and joint is not None:
            shift = rng.randint(max(1 - alone, 1 - joint), min(5 - alone, 5 - joint))
            alone, joint = alone + shift, joint + shift
        response.sustainable_alone, response.joint_difference = alone, joint
        response.save()
        ratings = list(response.ratings.order_by("pk"))
        scores = [r.reliability for r in ratings]
        if keep_side:
            rng.shuffle(scores)
        else:
            scores = [rng.randint(1, 4) for _ in scores]
        for rating, score in zip(ratings, scores, strict=True):
            assert score is not None
            spread = 1 if keep_side and 2 <= score <= 3 and rng.random() < 0.5 else 0
            rating.reliability, rating.purpose, rating.openness = (
                score - spread,
                score,
                score + spread,
            )
            rating.save()


def _check_counts(world: World, viewer: Membership, seen: dict[str, Any]) -> None:
    overview = seen["api"]["overview"]
    shared = set(
        ReadinessShare.objects.filter(revoked_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    counted = {
        p.pk
        for p in world.practices
        if p.pk not in shared and p.pk != viewer.organisation_id and _placeable(world, p.pk)
    }
    k = readiness.effective_k(world.collective.min_raters)
    shown = [row for row in seen["csv"] if row[0] == "Practices that have not shared"]
    if len(counted) >= k:
        assert overview["counts_shown"]
        assert sum(c["practices"] for c in overview["counts"]) == len(counted)
        assert sum(int(row[3]) for row in shown) == len(counted)
    else:
        assert not overview["counts_shown"] and overview["counts"] == []
        assert [row[2] for row in shown] == ["Not enough practices to show readiness"]
        assert "Not enough practices to show readiness" in seen["page"]


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=scenarios())
def test_no_one_outside_a_practice_learns_its_placement_or_its_ratings(scenario):
    with transaction.atomic():
        cache.clear()
        forget_kept()
        _check_scenario(scenario)
        transaction.set_rollback(True)


def _check_scenario(scenario: dict[str, Any]) -> None:
    client = Client()
    world = _build(scenario)
    target = scenario["target"]
    practice = world.practices[target]
    shared = target in scenario["shared"]
    viewers = [world.convenor, MembershipFactory(collective=world.collective, role=Role.OBSERVER)]
    if world.lead.organisation_id != practice.pk:
        viewers.append(world.lead)
    for index, other in enumerate(world.practices):
        if other.pk != practice.pk:
            viewers += [world.rep(index), world.member(index)]
    before = {v.pk: _seen(client, v, world) for v in viewers}
    placement = _placement_of(client, world, target)
    for viewer in viewers:
        seen = before[viewer.pk]
        if seen["api"]["overview"] is not None:
            _check_counts(world, viewer, seen)
        if seen["api"]["own"] is None and not shared:
            for what in ("page", "api", "csv"):
                assert practice.name not in json.dumps(seen[what]), (viewer.role, what)

    _change_answers(world, practice.pk, scenario["seed"], keep_side=shared)
    if shared:
        assert _placement_of(client, world, target) == placement
    for viewer in viewers:
        after = _seen(client, viewer, world)
        if after["api"]["overview"] is not None:
            _check_counts(world, viewer, after)
            if not shared:  # its placement is among the counts, and only there
                assert _without_counts(after) == _without_counts(before[viewer.pk])
                continue
        assert after == before[viewer.pk], (viewer.role, viewer.organisation_id)
