"""The apps renamed to the product's words, and how a database made before moves with them.

Three apps took the names the product uses: `relationships` (the trust surveys) became
`surveys`, `habits` (the five habits) became `relationships`, and `cascade` became
`golden_thread`. Their migrations are the same files under the new labels, so a database
made before the rename needs only its labels moved: its tables renamed, its record of
applied migrations and its content types relabelled. Nothing is copied, and every row stays
where it is.

`migrate` (accounts/management/commands/migrate.py) calls `move_renamed_apps` before it
reads the record of applied migrations, because `relationships` changes meaning: left alone,
the old survey app's record would make the new `relationships` app look migrated already.
The move is one transaction, and a database made after the rename (or a new one) is left
untouched.

Audit log entries keep the labels they were written with (`relationships.surveyround` in
an entry from before the rename): the log is append-only, and it says what happened then.
"""

from __future__ import annotations

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# In this order: `relationships` is vacated before `habits` takes its name.
RENAMES: tuple[tuple[str, str], ...] = (
    ("relationships", "surveys"),
    ("habits", "relationships"),
    ("cascade", "golden_thread"),
)

# Tables only the old layout has: the survey rounds under the old label, or either of the
# apps whose label is gone.
_OLD_LAYOUT_TABLES = ("relationships_surveyround", "habits_contact", "cascade_briefing")


def made_before_the_renames(connection: BaseDatabaseWrapper) -> bool:
    tables = set(connection.introspection.table_names())
    return any(table in tables for table in _OLD_LAYOUT_TABLES)


def move_renamed_apps(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """Move a database made before the renames to the new labels; return the tables
    renamed, as (old, new). A database already on the new labels is left as it is."""
    if not made_before_the_renames(connection):
        return []
    renamed: list[tuple[str, str]] = []
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for old, new in RENAMES:
            tables = connection.introspection.table_names(cursor)
            for table in sorted(t for t in tables if t.startswith(f"{old}_")):
                moved = new + table[len(old) :]
                cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(moved)}")
                renamed.append((table, moved))
            if "django_migrations" in tables:
                cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [new, old])
            if "django_content_type" in tables:
                cursor.execute(
                    "UPDATE django_content_type SET app_label = %s WHERE app_label = %s",
                    [new, old],
                )
    return renamed
