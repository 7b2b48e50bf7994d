"""Who owns directory records: shared service data, or one collective's own.

Until now any convenor of any collective an organisation belonged to could change it and
its people, so existing records carry no owner. This migration decides, for each:

- An organisation with an ODS code came from the NHS files: it stays shared (no owner).
- An organisation without an ODS code was added by hand. If exactly one collective has it
  as a member, that collective added it (only convenors could add one, and they did so for
  their collective), so it becomes that collective's own. One in no collective, or in
  several, cannot be given to one collective without taking it from the others: it stays
  shared, for the service's data stewards to keep.
- A person at an organisation that is now a collective's own becomes that collective's own.
  A person at a shared organisation that exactly one collective has as a member was added
  by that collective (or is seen only by it): they become its own, so no other collective
  that adds the organisation later sees them. Anyone else (at an organisation in no
  collective, or in several) stays shared.

Reversing drops the owners (and the constraint); nothing else changes.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def give_hand_made_records_an_owner(apps, schema_editor):
    Organisation = apps.get_model("directory", "Organisation")
    Person = apps.get_model("directory", "Person")
    CollectiveOrganisation = apps.get_model("collectives", "CollectiveOrganisation")

    in_one_collective = (
        CollectiveOrganisation.objects.values("organisation_id")
        .order_by()
        .annotate(n=Count("collective_id"))
        .filter(n=1)
        .values_list("organisation_id", flat=True)
    )
    organisations_of: dict[int, list[int]] = {}
    for organisation_id, collective_id in CollectiveOrganisation.objects.filter(
        organisation_id__in=list(in_one_collective)
    ).values_list("organisation_id", "collective_id"):
        organisations_of.setdefault(collective_id, []).append(organisation_id)
    for collective_id, organisation_ids in organisations_of.items():
        Organisation.objects.filter(pk__in=organisation_ids, ods_code__isnull=True).update(
            owner_id=collective_id
        )
        # Its people: at its own organisations, or at shared ones only it has.
        Person.objects.filter(organisation_id__in=organisation_ids).update(owner_id=collective_id)


class Migration(migrations.Migration):

    dependencies = [
        ('collectives', '0004_collective_readability_threshold'),
        ('directory', '0002_ods_import'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='owner',
            field=models.ForeignKey(blank=True, help_text="The collective that added it by hand, and alone may change and see it. Empty for shared directory data (ODS imports, the service's data stewards).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='own_organisations', to='collectives.collective'),
        ),
        migrations.AddField(
            model_name='person',
            name='owner',
            field=models.ForeignKey(blank=True, help_text="The collective that added this person, and alone sees and changes them. Empty for shared directory data kept by the service's data stewards.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='own_people', to='collectives.collective'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.CheckConstraint(condition=models.Q(('owner__isnull', True), ('ods_code__isnull', True), _connector='OR'), name='an_ods_organisation_is_shared'),
        ),
        migrations.RunPython(give_hand_made_records_an_owner, migrations.RunPython.noop),
    ]
