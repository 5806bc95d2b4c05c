"""Trigram indexes for the keyword search on PostgreSQL; nothing on SQLite.

Django's icontains compares UPPER(column::text) LIKE UPPER(%s), so each index is
on that expression. Creating the pg_trgm extension needs the CREATE privilege
on the database (pg_trgm is a trusted extension from PostgreSQL 13).
"""

from django.db import migrations

COLUMNS = ["name", "city", "description"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX treatment_provider_{column}_trgm ON treatment_provider "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX treatment_provider_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0006_published_location_index"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
