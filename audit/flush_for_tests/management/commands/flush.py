"""Django's `flush`, with the audit log's append-only triggers lifted while it runs.

Test settings only (see the package's docstring). Everything happens in one transaction:
the triggers are lifted, every table is emptied, the triggers are put back exactly as they
were, and only then does it commit. If any step fails the transaction rolls back, triggers
included (both databases roll back DDL). Lifting them needs what dropping them needs
(owning the table), so this gives the tests no power that a database owner lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit.models import AuditEntry


def _lift_and_restore(connection: BaseDatabaseWrapper) -> tuple[list[str], list[str]]:
    """The statements that lift the audit table's triggers, and those that restore them."""
    table = AuditEntry._meta.db_table
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return [], []
        if connection.vendor == "postgresql":
            return (
                [f"ALTER TABLE {quoted} DISABLE TRIGGER USER"],
                [f"ALTER TABLE {quoted} ENABLE TRIGGER USER"],
            )
        # SQLite cannot disable a trigger: drop them and create them again from their own SQL.
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [table],
        )
        triggers = cursor.fetchall()
    return (
        [f"DROP TRIGGER {connection.ops.quote_name(name)}" for name, _ in triggers],
        [sql for _, sql in triggers],
    )


@contextmanager
def audit_triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Lift the audit table's triggers inside the caller's transaction, then restore them."""
    lift, restore = _lift_and_restore(connection)
    with connection.cursor() as cursor:
        for statement in lift:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)


class Command(flush.Command):
    help = flush.Command.help + " Test settings only: also empties the audit log."

    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias), audit_triggers_lifted(connection):
            super().handle(**options)
