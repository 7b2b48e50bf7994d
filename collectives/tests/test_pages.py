"""The collective pages remember the collective a person used last (collective_page)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.testing import MembershipFactory
from collectives.decorators import SESSION_KEY


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_the_session_is_written_only_when_the_person_changes_collective(member, client):
    other = MembershipFactory(user=member.user).collective
    client.force_login(member.user)
    home = f"/c/{member.collective.slug}/"
    assert _session_writes(client, home)  # the first visit remembers the collective
    assert client.session[SESSION_KEY] == member.collective.slug
    assert _session_writes(client, home) == []  # the same collective again: nothing to write
    assert _session_writes(client, f"/c/{other.slug}/")  # another collective is remembered
    assert client.session[SESSION_KEY] == other.slug
