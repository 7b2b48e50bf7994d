"""Deleting a user no longer touches the audit log.

The actor foreign key had on_delete=SET_NULL, so deleting a user rewrote their entries. Now
nothing cascades and there is no database constraint: an entry keeps the deleted user's id
and its actor_label.

Reversing: the old field's constraint needs a user behind every actor id, so the ids of
users deleted since are cleared first (what SET_NULL would have done); actor_label keeps who
it was. Reversing append_only_triggers, which comes after, has already dropped the
triggers that would refuse this.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def clear_ids_of_deleted_users(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AuditEntry.objects.filter(actor_id__isnull=False).exclude(
        actor_id__in=User.objects.values("pk")
    ).update(actor_id=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(migrations.RunPython.noop, clear_ids_of_deleted_users),
    ]
