"""Loaded the facts pages once. `manage.py load_articles` does it on every release
now (facts/loading.py), so this migration no longer does anything; it stays
because databases have it recorded as applied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("facts", "0001_initial"),
        ("treatment", "0002_seed_taxonomy"),
    ]
    operations = []
