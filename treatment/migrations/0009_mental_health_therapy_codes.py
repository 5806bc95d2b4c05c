"""Map SAMHSA's mental-health locator codes for therapy onto our services.

IPT (individual psychotherapy) and GT (group therapy) come from the mental-health
code table; DESIGN.md maps them to individual and group counseling.
"""

from django.db import migrations

ADDED_CODES = {"individual-counseling": "IPT", "group-counseling": "GT"}


def add_codes(apps, schema_editor):
    Service = apps.get_model("treatment", "Service")
    for slug, code in ADDED_CODES.items():
        service = Service.objects.filter(slug=slug).first()
        if service and code not in service.samhsa_codes.split():
            service.samhsa_codes = f"{service.samhsa_codes} {code}".strip()
            service.save(update_fields=["samhsa_codes"])


def remove_codes(apps, schema_editor):
    Service = apps.get_model("treatment", "Service")
    for slug, code in ADDED_CODES.items():
        for service in Service.objects.filter(slug=slug):
            codes = [c for c in service.samhsa_codes.split() if c != code]
            service.samhsa_codes = " ".join(codes)
            service.save(update_fields=["samhsa_codes"])


class Migration(migrations.Migration):
    dependencies = [("treatment", "0008_provider_services_by_service_index")]
    operations = [migrations.RunPython(add_codes, remove_codes)]
