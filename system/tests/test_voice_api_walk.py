"""Every provider voice operation in the schema has its step in the API walk (the voice's
steps are alliance/tests/api_walk_system.py's `voice_steps`)."""

from __future__ import annotations

from alliance.tests.api_walk_system import voice_steps


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
