"""Each provider gets a stored, indexed public id for other systems (the
HSDS API finds a provider by it rather than hashing every key): added empty,
filled with a random UUID per provider, then made unique and required."""

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Provider = apps.get_model("treatment", "Provider")
    providers = list(Provider.objects.filter(public_id=None).only("pk"))
    for provider in providers:
        provider.public_id = uuid.uuid4()
    Provider.objects.bulk_update(providers, ["public_id"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0012_submission_counts_and_plain_staff_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="provider",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="The listing's id for other systems (the HSDS API). "
                "Never changes.",
                unique=True,
            ),
        ),
    ]
