import django.core.validators
from django.db import migrations, models


def raise_k_to_three(apps, schema_editor):
    """k = 2 let each of two raters work out the other's rating: no collective keeps it."""
    Collective = apps.get_model("collectives", "Collective")
    Collective.objects.filter(min_raters__lt=3).update(min_raters=3)


class Migration(migrations.Migration):

    dependencies = [
        ('collectives', '0004_collective_readability_threshold'),
    ]

    operations = [
        migrations.RunPython(raise_k_to_three, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='collective',
            name='min_raters',
            field=models.PositiveSmallIntegerField(default=3, help_text='An organisation sees how others rate it only as the mean of at least this many rating organisations (never fewer than 3). Change it only by a recorded decision; a round keeps the value it had when it closed.', validators=[django.core.validators.MinValueValidator(3), django.core.validators.MaxValueValidator(20)], verbose_name='fewest raters shown'),
        ),
        migrations.AddConstraint(
            model_name='collective',
            constraint=models.CheckConstraint(condition=models.Q(('min_raters__gte', 3)), name='k_is_never_below_three'),
        ),
    ]
