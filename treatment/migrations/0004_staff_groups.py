"""Two staff groups. Inquiry handlers read and follow up visitors' messages;
directory editors run the listings and listing reports and cannot see inquiries.
Staff users get their access by being put in one of these groups.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Inquiry handlers": ["view_inquiry", "change_inquiry"],
    "Directory editors": [
        f"{action}_{model}"
        for model in ("provider", "service", "servicecategory", "listingreport")
        for action in ("add", "change", "view", "delete")
    ],
}


def create_staff_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure
    # the treatment ones exist now, on a fresh database too.
    create_permissions(
        global_apps.get_app_config("treatment"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="treatment", codename__in=codenames
            )
        )


def delete_staff_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("treatment", "0003_inquiry_and_listing_report"),
    ]

    operations = [migrations.RunPython(create_staff_groups, delete_staff_groups)]
