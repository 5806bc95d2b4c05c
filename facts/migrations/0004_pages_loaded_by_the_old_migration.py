"""Mark the twelve pages that 0002_load_articles loaded as kept in files.

`manage.py load_articles` then brings them up to date from their files on its
first run, as 0002 would have done, and from then on keeps any edit made in
admin (see facts/loading.py). Pages staff made in admin are left alone.
"""

from django.db import migrations

LOADED_BY_0002 = [
    "getting-help-today",
    "group-therapy-and-mutual-support",
    "health-risks-of-heroin",
    "heroin-fentanyl-and-other-opioids",
    "how-heroin-affects-the-brain-and-body",
    "individual-therapy",
    "inpatient-and-residential-treatment",
    "medications-for-opioid-use-disorder",
    "outpatient-treatment",
    "overdose-signs-and-what-to-do",
    "tolerance-dependence-and-withdrawal",
    "treatment-options",
]


def mark_as_kept_in_files(apps, schema_editor):
    Article = apps.get_model("facts", "Article")
    Article.objects.filter(slug__in=LOADED_BY_0002).update(from_files=True)


class Migration(migrations.Migration):
    dependencies = [("facts", "0003_medical_review_and_file_loading")]
    operations = [
        migrations.RunPython(mark_as_kept_in_files, migrations.RunPython.noop)
    ]
