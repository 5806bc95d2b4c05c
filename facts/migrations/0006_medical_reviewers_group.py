"""The "Medical reviewers" staff group: they read facts pages, record their
medical review of them, and work through visitors' error reports.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Medical reviewers"
PERMISSIONS = [
    "view_article",
    "review_article",
    "view_source",
    "view_errorreport",
    "change_errorreport",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure
    # the facts ones exist now, on a fresh database too.
    create_permissions(
        global_apps.get_app_config("facts"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="facts", codename__in=PERMISSIONS
        )
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("facts", "0005_pages_loaded_by_the_old_migration"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
