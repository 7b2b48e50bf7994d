"""Retire rest_framework.authtoken's tokens, which were kept in plain text.

A plain-text key cannot be hashed into a knox token after the fact without keeping it
readable all along, so the old tokens are revoked: each owner gets an audit entry (their API
tokens page says why), then the table goes, with the authtoken app's migration records, so
that an older release's `migrate` would make it again.
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

TABLE = "authtoken_token"


def revoke_plain_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    User = apps.get_model("accounts", "User")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, created FROM {TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    emails = dict(User.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "email"))
    for user_id, created in rows:
        AuditEntry.objects.create(
            actor=None,
            actor_label="system",
            action="api_tokens.revoked",
            object_type="accounts.user",
            object_id=str(user_id),
            object_label=emails.get(user_id, "")[:254],
            before={"tokens": [{"name": "token kept in plain text", "created": str(created)}]},
            after={"because": "stored_in_plain_text"},
        )
    schema_editor.execute(f"DROP TABLE {TABLE}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("audit", "0001_initial"),
    ]

    operations = [
        # Backwards there is nothing to restore: the revoked keys are gone for good.
        migrations.RunPython(revoke_plain_text_tokens, migrations.RunPython.noop),
    ]
