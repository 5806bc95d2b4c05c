"""Inquiries keep the recipient (name and address) they were stored with, and
a claim while one is being emailed; changes of providers' inquiry emails are
recorded and the inquiry handlers may read the record.

Inquiries stored before this get the recipient they would have had until now:
the provider at its current inquiry email, or our staff.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STAFF_GROUP = "Inquiry handlers"
CHANGE_PERMISSION = "view_inquiryemailchange"


def fix_recipients(apps, schema_editor):
    Inquiry = apps.get_model("treatment", "Inquiry")
    staff = f"{settings.SITE_NAME} staff"
    for inquiry in Inquiry.objects.select_related("provider").iterator():
        provider = inquiry.provider
        if provider and provider.inquiry_email:
            inquiry.recipient_name = provider.name
            inquiry.recipient_email = provider.inquiry_email
        else:
            inquiry.recipient_name = staff
        inquiry.save(update_fields=["recipient_name", "recipient_email"])


def let_handlers_read_changes(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(
        global_apps.get_app_config("treatment"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="treatment", codename=CHANGE_PERMISSION
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("treatment", "0010_us_phone_ascii_digits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="inquiry",
            name="recipient_name",
            field=models.CharField(
                default="",
                help_text="Who the visitor agreed would read it.",
                max_length=200,
                verbose_name="sent to",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inquiry",
            name="recipient_email",
            field=models.EmailField(
                blank=True,
                help_text="The provider's inquiry email when the message arrived. Empty when our staff read it.",
                max_length=254,
                verbose_name="recipient's email",
            ),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="sending_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fix_recipients, migrations.RunPython.noop),
        migrations.CreateModel(
            name="InquiryEmailChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "provider_name",
                    models.CharField(max_length=200, verbose_name="provider"),
                ),
                (
                    "old_email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="old address"
                    ),
                ),
                (
                    "new_email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="new address"
                    ),
                ),
                (
                    "changed_by_name",
                    models.CharField(max_length=150, verbose_name="changed by"),
                ),
                (
                    "changed_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="changed"),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="inquiry_email_changes",
                        to="treatment.provider",
                    ),
                ),
            ],
            options={
                "verbose_name": "change of a provider's inquiry email",
                "verbose_name_plural": "changes of providers' inquiry emails",
                "ordering": ["-changed_at"],
            },
        ),
        migrations.RunPython(let_handlers_read_changes, migrations.RunPython.noop),
    ]
