"""A briefing may carry a notice rather than a decision (a system meeting's outcome, a
negotiation's): its own title, and where it comes from. Existing briefings take their
decision's title."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def titles_from_decisions(apps, schema_editor):
    Briefing = apps.get_model("golden_thread", "Briefing")
    Decision = apps.get_model("decisions", "Decision")
    Briefing.objects.update(
        title=Subquery(Decision.objects.filter(pk=OuterRef("decision_id")).values("title")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
        ("golden_thread", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="briefing",
            name="title",
            field=models.CharField(
                default="",
                help_text="The decision's title, or the notice's: what practices see.",
                max_length=200,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="briefing",
            name="source_label",
            field=models.CharField(
                blank=True,
                help_text="For a notice: where it comes from, e.g. a meeting.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="briefing",
            name="source_path",
            field=models.CharField(
                blank=True, help_text="For a notice: the page it comes from.", max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="briefing",
            name="decision",
            field=models.OneToOneField(
                blank=True,
                help_text="The decision it carries; empty for a notice from another part of "
                "Alliance (a system meeting's outcome, a negotiation's).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="briefing",
                to="decisions.decision",
            ),
        ),
        migrations.RunPython(titles_from_decisions, migrations.RunPython.noop),
    ]
