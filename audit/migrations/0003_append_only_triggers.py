"""The database itself refuses to change or delete audit entries.

PostgreSQL: one plpgsql function raises for UPDATE and DELETE (a row trigger) and for
TRUNCATE (a statement trigger). SQLite: BEFORE UPDATE and BEFORE DELETE triggers abort, and
a BEFORE INSERT trigger aborts an insert that reuses an existing id, because SQLite's
INSERT OR REPLACE deletes the old row without firing delete triggers.

Both raise an integrity error (SQLSTATE 23000 on PostgreSQL, SQLITE_CONSTRAINT on SQLite)
whose message begins "The audit log is append-only".

On SQLite, a later migration that alters this table rebuilds it (Django copies the rows to
a new table and drops the old one, and its triggers with it): such a migration must install
the triggers again. audit/tests/test_append_only.py fails if they are missing.
"""

from django.db import migrations

TABLE = "audit_auditentry"
MESSAGE = "The audit log is append-only"

POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION audit_auditentry_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % on {TABLE} is refused.', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER audit_auditentry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_auditentry_no_update_or_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditentry_refuse_change()",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {TABLE} is refused.');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: DELETE on {TABLE} is refused.');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditentry_no_replace BEFORE INSERT ON {TABLE}
    WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: replacing an entry in {TABLE} is refused.');
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_replace",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
]


def _run(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise RuntimeError(
            f"No append-only triggers for the audit log on {vendor}: Alliance runs on "
            "PostgreSQL or SQLite."
        )
    for statement in statements_by_vendor[vendor]:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def drop(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_actor_kept_when_user_deleted"),
    ]

    operations = [
        migrations.RunPython(install, drop, elidable=False),
    ]
