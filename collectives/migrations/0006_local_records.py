"""What a collective records about directory organisations and people: a local name and a
note for each member organisation, and people's roles in the collective. All start empty:
until a collective records a role of its own, its pages show the directory's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collectives', '0005_min_raters_at_least_three'),
        ('directory', '0003_directory_ownership'),
    ]

    operations = [
        migrations.AddField(
            model_name='collectiveorganisation',
            name='display_name',
            field=models.CharField(blank=True, help_text='What the collective calls it, if not its official name. Shown only in this collective.', max_length=200, verbose_name='local name'),
        ),
        migrations.AddField(
            model_name='collectiveorganisation',
            name='note',
            field=models.TextField(blank=True, help_text="Anything the collective wants to remember about it. Shown only to this collective's members.", max_length=2000),
        ),
        migrations.CreateModel(
            name='CollectivePersonRole',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('pcn_clinical_director', 'PCN Clinical Director'), ('practice_manager', 'Practice manager'), ('gp_partner', 'GP partner'), ('salaried_gp', 'Salaried GP'), ('lmc_officer', 'LMC officer'), ('federation_leader', 'Federation leader'), ('system_leader', 'System leader'), ('other', 'Other')], max_length=32)),
                ('collective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='person_roles', to='collectives.collective')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='collective_roles', to='directory.person')),
            ],
            options={
                'ordering': ['person__name'],
                'constraints': [models.UniqueConstraint(fields=('collective', 'person'), name='one_role_per_person_in_a_collective')],
            },
        ),
    ]
