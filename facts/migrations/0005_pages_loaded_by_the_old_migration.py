"""Mark the pages that 0002_load_articles loaded as kept in files.

0002 loaded every file in facts/articles/ once; the pages with a file of their
name are those. `manage.py load_articles` then brings them up to date from their
files on its first run, as 0002 would have done, and from then on keeps any edit
made in admin (see facts/loading.py). Other pages were made in admin: left alone.
"""

from pathlib import Path

from django.db import migrations

ARTICLES = Path(__file__).resolve().parent.parent / "articles"


def mark_as_kept_in_files(apps, schema_editor):
    Article = apps.get_model("facts", "Article")
    slugs = [path.stem for path in ARTICLES.glob("*.md")]
    Article.objects.filter(slug__in=slugs).update(from_files=True)


class Migration(migrations.Migration):
    dependencies = [("facts", "0004_medical_review_and_file_loading")]
    operations = [
        migrations.RunPython(mark_as_kept_in_files, migrations.RunPython.noop)
    ]
