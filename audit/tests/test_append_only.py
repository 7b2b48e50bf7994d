"""The database itself keeps the audit log append-only, on PostgreSQL and on SQLite.

These run on whichever database the suite runs on; CI runs them on both (.ci/run).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands import flush as django_flush
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from accounts.models import User
from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from audit.services import audit_record
from collectives.models import Membership

TABLE = AuditEntry._meta.db_table
REFUSED = "The audit log is append-only"


def _entry(membership: Membership, action: str = "test.done") -> AuditEntry:
    return audit_record(
        actor=membership.user,
        action=action,
        obj=membership,
        collective=membership.collective,
        before={"role": "member"},
        after={"role": "convenor"},
    )


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Run raw SQL in a savepoint, so that a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _as_stored(entry: AuditEntry) -> tuple[Any, ...]:
    return tuple(
        AuditEntry.objects.filter(pk=entry.pk).values_list(
            "at", "actor_id", "actor_label", "action", "object_id", "before", "after"
        )[0]
    )


def test_it_refuses_a_raw_sql_update_of_an_entry(convenor):
    entry = _entry(convenor)
    stored = _as_stored(entry)
    with pytest.raises(IntegrityError, match=f"{REFUSED}: UPDATE on {TABLE} is refused"):
        _raw(
            f"UPDATE {TABLE} SET action = %s, actor_label = %s WHERE id = %s", ["x", "y", entry.pk]
        )
    assert _as_stored(entry) == stored


def test_it_refuses_a_raw_sql_delete_of_an_entry(convenor):
    entry = _entry(convenor)
    stored = _as_stored(entry)
    with pytest.raises(IntegrityError, match=f"{REFUSED}: DELETE on {TABLE} is refused"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert _as_stored(entry) == stored


def test_it_refuses_to_empty_the_table(transactional_db, convenor):
    # Committed entries: PostgreSQL will not TRUNCATE a table inside the transaction that
    # inserted rows with foreign-key checks still pending, whatever the triggers say.
    entries = [_entry(convenor, f"test.{n}") for n in range(3)]
    if connection.vendor == "postgresql":
        statement, refused = f"TRUNCATE {TABLE}", "TRUNCATE"
    else:  # SQLite has no TRUNCATE: an unqualified DELETE is its equivalent
        statement, refused = f"DELETE FROM {TABLE}", "DELETE"
    with pytest.raises(IntegrityError, match=f"{REFUSED}: {refused} on {TABLE} is refused"):
        _raw(statement)
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).count() == 3


def test_it_refuses_an_upsert_over_an_entry(convenor):
    entry = _entry(convenor)
    stored = _as_stored(entry)
    with pytest.raises(IntegrityError, match=REFUSED):
        _raw(
            f"INSERT INTO {TABLE} (id, at, actor_label, action, object_type, object_id, "
            "object_label) SELECT id, at, actor_label, action, object_type, object_id, "
            f"object_label FROM {TABLE} WHERE id = %s "
            "ON CONFLICT (id) DO UPDATE SET action = 'rewritten'",
            [entry.pk],
        )
    assert _as_stored(entry) == stored


def test_it_refuses_insert_or_replace_over_an_entry(convenor):
    if connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's own statement")
    entry = _entry(convenor)
    stored = _as_stored(entry)
    # REPLACE deletes the old row without firing delete triggers, so it has its own.
    with pytest.raises(IntegrityError, match=f"{REFUSED}: replacing an entry"):
        _raw(
            f"INSERT OR REPLACE INTO {TABLE} (id, at, actor_label, action, object_type, "
            "object_id, object_label) VALUES (%s, %s, 'someone', 'rewritten', 't', '1', '')",
            [entry.pk, entry.at],
        )
    assert _as_stored(entry) == stored


def test_it_still_appends_entries_after_the_triggers(convenor):
    first = _entry(convenor, "test.first")
    second = _entry(convenor, "test.second")
    assert list(
        AuditEntry.objects.filter(pk__in=[first.pk, second.pk])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["test.first", "test.second"]


def test_it_keeps_a_deleted_users_entries_as_they_were(transactional_db, client, convenor, member):
    entry = _entry(member, "membership.changed")
    stored = _as_stored(entry)
    member_id, email = member.user.pk, member.user.email

    member.user.delete()  # commits: transactional_db

    assert not User.objects.filter(pk=member_id).exists()
    assert _as_stored(entry) == stored
    assert stored[1:3] == (member_id, email)
    client.force_login(convenor.user)
    page = client.get(f"/c/{convenor.collective.slug}/audit/")
    assert page.status_code == 200
    assert email in page.content.decode()
    assert "membership.changed" in page.content.decode()
    api = client.get(f"/api/v1/collectives/{convenor.collective.slug}/audit/")
    assert api.status_code == 200
    assert {"actor_label": email, "action": "membership.changed"}.items() <= next(
        row for row in api.json()["results"] if row["id"] == entry.pk
    ).items()


def test_it_lets_a_superuser_delete_a_user_with_entries_in_the_admin(
    transactional_db, client, member
):
    entry = _entry(member, "membership.changed")
    stored = _as_stored(entry)
    admin = User.objects.create_superuser("root@example.org", "correct horse battery")
    client.force_login(admin)
    entry_page = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert f"User id {member.user.pk}</a>" in client.get(entry_page).content.decode()

    response = client.post(f"/admin/accounts/user/{member.user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=member.user.pk).exists()
    assert _as_stored(entry) == stored
    shown = client.get(entry_page)
    assert shown.status_code == 200
    assert member.user.email in shown.content.decode()
    assert f"Deleted (user id {member.user.pk})" in shown.content.decode()


def test_it_refuses_to_delete_a_collective_with_entries(convenor):
    _entry(convenor)
    with pytest.raises(ProtectedError, match=r"AuditEntry\.collective"):
        convenor.collective.delete()
    assert AuditEntry.objects.filter(collective=convenor.collective).exists()


def test_it_refuses_djangos_own_flush_while_the_log_has_entries(transactional_db, convenor):
    """`manage.py flush` in production: the log is not erased, and nothing else is either."""
    _entry(convenor)
    with pytest.raises(CommandError, match="couldn't be flushed"):
        call_command(django_flush.Command(), interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 1
    assert User.objects.filter(pk=convenor.user.pk).exists()


def test_it_empties_the_log_with_the_test_settings_flush_and_keeps_the_triggers(
    transactional_db, convenor
):
    _entry(convenor)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert not User.objects.exists()

    entry = _entry(MembershipFactory())
    with pytest.raises(IntegrityError, match=REFUSED):
        _raw(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match=REFUSED):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
