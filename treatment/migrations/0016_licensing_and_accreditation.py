"""Add licensing and accreditation to the taxonomy, with SAMHSA's codes.

SAMHSA's locator lists them under License/Certification/Accreditation (category
code LCA): the four national accreditors (JC, CARF, NCQA, COA) and the state
bodies that license or certify a program (STAG, STMH, STDH). The provider page
shows them as signs of quality (treatment/models/quality.py).
"""

from django.db import migrations

CATEGORY = {
    "slug": "licensing",
    "name": "Licensing and accreditation",
    "order": 8,  # after the eight seeded categories
    "description": "State licenses and national accreditation the program reports.",
    "facts_path": "/facts/choosing-a-quality-program/",
}
# (slug, name, description, SAMHSA codes)
SERVICES = [
    (
        "state-substance-use-agency",
        "State substance use agency",
        "Licensed or certified by the state agency for substance use treatment.",
        "STAG",
    ),
    (
        "state-mental-health-department",
        "State mental health department",
        "Licensed or certified by the state mental health department.",
        "STMH",
    ),
    (
        "state-health-department",
        "State department of health",
        "Licensed or certified by the state department of health.",
        "STDH",
    ),
    (
        "joint-commission",
        "The Joint Commission",
        "Checks the quality and safety of health care.",
        "JC",
    ),
    (
        "carf",
        "CARF",
        "The Commission on Accreditation of Rehabilitation Facilities.",
        "CARF",
    ),
    (
        "ncqa",
        "NCQA",
        "The National Committee for Quality Assurance.",
        "NCQA",
    ),
    (
        "coa",
        "COA",
        "The Council on Accreditation.",
        "COA",
    ),
]


def add(apps, schema_editor):
    ServiceCategory = apps.get_model("treatment", "ServiceCategory")
    Service = apps.get_model("treatment", "Service")
    category, _ = ServiceCategory.objects.update_or_create(
        slug=CATEGORY["slug"], defaults=CATEGORY
    )
    for order, (slug, name, description, codes) in enumerate(SERVICES):
        Service.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": category,
                "order": order,
                "description": description,
                "samhsa_codes": codes,
            },
        )


def remove(apps, schema_editor):
    ServiceCategory = apps.get_model("treatment", "ServiceCategory")
    Service = apps.get_model("treatment", "Service")
    Service.objects.filter(slug__in=[slug for slug, *_ in SERVICES]).delete()
    ServiceCategory.objects.filter(
        slug=CATEGORY["slug"], services__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("treatment", "0015_samhsa_imports_in_the_background")]
    operations = [migrations.RunPython(add, remove)]
