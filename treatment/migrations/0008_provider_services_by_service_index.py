"""An index on the provider-services table by service, then provider.

Filters ("offers any of these services") and facet counts look providers up by
service; with both columns in the index they never read the table. Django
makes the table itself (a plain ManyToManyField), so the index is raw SQL,
the same on PostgreSQL and SQLite.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0007_provider_text_trigram_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX treatment_provider_services_by_service "
            "ON treatment_provider_services (service_id, provider_id)",
            "DROP INDEX treatment_provider_services_by_service",
        )
    ]
