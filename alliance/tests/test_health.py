"""The probes a load balancer and monitoring call: /healthz and /readyz."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from huey import PriorityRedisHuey
from huey.contrib import djhuey

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def _port_where_nothing_listens() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queue_down(monkeypatch):
    """The job queue on a Redis port where nothing listens (a real Redis client, refused)."""
    url = f"redis://127.0.0.1:{_port_where_nothing_listens()}/0"
    monkeypatch.setattr(djhuey, "HUEY", PriorityRedisHuey("alliance", url=url))


def test_it_answers_200_without_sign_in_when_the_database_and_the_queue_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    assert "sessionid" not in response.cookies


def test_it_answers_503_naming_the_queue_when_redis_does_not_answer(client, db, queue_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "queue": "unavailable"}


def test_it_is_ready_when_migrations_are_applied_and_static_files_need_no_manifest(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "static": "ok"}


def test_it_is_not_ready_until_collectstatic_has_written_the_manifest(
    client, db, settings, tmp_path
):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["static"] == "missing: run manage.py collectstatic, then restart"

    call_command("collectstatic", "--noinput", verbosity=0)
    settings.STORAGES = {**MANIFEST_STORAGE}  # a new process: the manifest is read afresh
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["static"] == "ok"


def test_the_probes_answer_only_reads(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.head("/readyz").status_code == 200


def test_a_probe_over_plain_http_is_answered_where_pages_redirect_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_it_is_not_ready_while_a_migration_is_not_applied(client, db):
    MigrationRecorder(connection).record_unapplied("sessions", "0001_initial")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "not applied: run manage.py migrate"
