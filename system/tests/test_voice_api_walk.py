"""The provider voice's steps for the API walk (alliance/tests/api_walk.py), ready to be
joined to it (`yield from voice_steps(kept)` in `steps`), and a test that every voice
operation in the schema has its step. Roles and helpers are the walk's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from alliance.tests.api_walk import COL, P2, C, P, Step, _as, k, the, today

V = f"{COL}/system"


def voice_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """A practice raises a need, another supports it and takes it back, the leadership
    group prioritises it, makes a mandate, records a meeting and the outcome."""
    yield from [
        Step(
            f"POST {V}/needs/",
            P,
            body={"title": "Walk need", "detail": "Walked through the API."},
            keep=_as("need"),
        ),
        Step(f"GET {V}/needs/", C),
        Step(f"GET {V}/needs/{{id}}/", C, the("need")),
        Step(f"PUT {V}/needs/{{id}}/support/", P2, the("need"), body={"evidence": "We too."}),
        Step(f"DELETE {V}/needs/{{id}}/support/", P2, the("need")),
        Step(
            f"POST {V}/needs/{{id}}/prioritise/",
            C,
            the("need"),
            body={"decision": "prioritised", "priority": 1, "reason": "The walk needs it."},
        ),
        Step(
            f"GET {V}/needs/practices/{{organisation}}/",
            P,
            {"organisation": k("need.practice.id")},
        ),
        Step(
            f"POST {V}/mandates/",
            C,
            body={
                "need": k("need.id"),
                "ask": "Clinics until 6pm.",
                "of_whom": k("practice"),  # any directory organisation the collective sees
                "opening_position": "Until 6pm.",
                "limits": "Until 4pm.",
            },
            keep=_as("mandate"),
        ),
        Step(f"GET {V}/mandates/", C),
        Step(f"GET {V}/mandates/{{id}}/", C, the("mandate")),
        Step(f"PATCH {V}/mandates/{{id}}/", C, the("mandate"), body={"ask": "Until 5pm."}),
        Step(
            f"POST {V}/mandates/{{id}}/events/",
            C,
            the("mandate"),
            body={"kind": "meeting", "happened_on": today(), "text": "We met them."},
        ),
        Step(
            f"POST {V}/mandates/{{id}}/outcome/",
            C,
            the("mandate"),
            body={
                "status": "concluded",
                "outcome": "They agreed to 5pm.",
                "meaning": "Book bloods until 5pm.",
                "confirm_hard": True,
            },
        ),
    ]


def test_every_voice_operation_has_a_step(client, convenor):
    client.force_login(convenor.user)
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = {
        f"{method.upper()} {address}"
        for address, methods in schema["paths"].items()
        if "/system/needs/" in address or "/system/mandates/" in address
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    }
    walked = {step.label for step in voice_steps({})}
    assert operations == walked
