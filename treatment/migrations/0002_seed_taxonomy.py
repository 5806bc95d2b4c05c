"""Seed the service taxonomy. Each service lists the SAMHSA codes that mean it.

MU ("methadone used in treatment") and MOA are ticked by programs that accept
patients whose medication is prescribed elsewhere; they do not mean the program
offers methadone, so they map to "continues medication prescribed elsewhere".
"""

from django.db import migrations

# (slug, name, one-line help, facts page, [(slug, name, description, codes)])
TAXONOMY = [
    (
        "care",
        "Type of care",
        "Where and how often treatment happens.",
        "/facts/treatment-options/",
        [
            (
                "hospital-inpatient",
                "Hospital inpatient",
                "24-hour medical care in a hospital.",
                "HI HIT HID",
            ),
            (
                "residential",
                "Residential (any length)",
                "Live at the program, 24 hours a day.",
                "RES RS RL",
            ),
            (
                "short-term-residential",
                "Short-term residential",
                "Live-in treatment for about 30 days or less.",
                "RS",
            ),
            (
                "long-term-residential",
                "Long-term residential",
                "Live-in treatment for months, such as a therapeutic community.",
                "RL",
            ),
            (
                "detox",
                "Detox (withdrawal management)",
                "Medical help to get through withdrawal safely.",
                "DT HID OD RD DB DM",
            ),
            (
                "outpatient",
                "Outpatient",
                "Visits while you live at home.",
                "OP ORT OMB",
            ),
            (
                "intensive-outpatient",
                "Intensive outpatient",
                "Nine or more hours a week of visits, living at home.",
                "OIT",
            ),
            (
                "partial-hospitalization",
                "Partial hospitalization / day treatment",
                "Most of the day at the program, nights at home.",
                "ODT PHDT",
            ),
            ("telehealth", "Telehealth", "Visits by video or phone.", "TELE"),
        ],
    ),
    (
        "medications",
        "Medications",
        "Medicines for opioid use disorder and overdose.",
        "/facts/medications-for-opioid-use-disorder/",
        [
            (
                "methadone",
                "Methadone",
                "Given at opioid treatment programs.",
                "MM OTP METH DM MMW",
            ),
            (
                "buprenorphine",
                "Buprenorphine",
                "Tablets, films or monthly shots (such as Suboxone).",
                "BU BUM UB BWN BWON BERI DB BMW BSDM",
            ),
            (
                "naltrexone",
                "Naltrexone (pill)",
                "Blocks opioids; started after withdrawal is over.",
                "NU UN NXN RPN",
            ),
            (
                "naltrexone-injection",
                "Naltrexone extended-release injection",
                "A monthly shot (such as Vivitrol).",
                "VTRL",
            ),
            (
                "continues-medication",
                "Continues medication prescribed elsewhere",
                "Accepts people already taking methadone or buprenorphine.",
                "MOA MU",
            ),
            (
                "withdrawal-medication",
                "Non-opioid withdrawal medicine",
                "Lofexidine or clonidine to ease withdrawal.",
                "DLC LFXD CLND",
            ),
            (
                "naloxone",
                "Naloxone and overdose education",
                "Training and naloxone to reverse an overdose.",
                "NOE",
            ),
        ],
    ),
    (
        "therapy",
        "Therapy and support",
        "Counseling and recovery support.",
        "/facts/individual-therapy/",
        [
            (
                "individual-counseling",
                "Individual counseling",
                "One-to-one sessions with a counselor.",
                "ICO SACA",
            ),
            (
                "group-counseling",
                "Group counseling",
                "Sessions with a small group and a therapist.",
                "GCO",
            ),
            (
                "family-counseling",
                "Family counseling",
                "Sessions that include family or a partner.",
                "FCO MCO",
            ),
            (
                "cbt",
                "Cognitive behavioral therapy (CBT)",
                "Learn to change thoughts and habits around drug use.",
                "CBT",
            ),
            (
                "contingency-management",
                "Contingency management",
                "Rewards for meeting treatment goals.",
                "CMI CRV",
            ),
            (
                "motivational-interviewing",
                "Motivational interviewing",
                "Talk through mixed feelings about change.",
                "MOTI",
            ),
            (
                "trauma-counseling",
                "Trauma-related counseling",
                "Care that takes past trauma into account.",
                "TRC",
            ),
            (
                "relapse-prevention",
                "Relapse prevention",
                "Plan for triggers and cravings.",
                "RELP",
            ),
            (
                "peer-support",
                "Peer support / recovery coach",
                "Help from someone in recovery.",
                "PEER RC",
            ),
            (
                "self-help-groups",
                "Mutual support groups",
                "Meetings such as 12-step or SMART Recovery.",
                "SHG TWFA",
            ),
        ],
    ),
    (
        "payment",
        "Payment accepted",
        "Check with the provider that they take your plan.",
        "/facts/getting-help-today/",
        [
            ("medicaid", "Medicaid", "", "MD"),
            ("medicare", "Medicare", "", "MC"),
            ("private-insurance", "Private insurance", "", "PI"),
            ("tricare", "Military insurance (TRICARE)", "", "MI"),
            ("state-insurance", "State health plan (not Medicaid)", "", "SI"),
            ("self-pay", "Cash or self-pay", "", "SF"),
            (
                "sliding-fee",
                "Sliding fee scale",
                "The fee depends on your income.",
                "SS",
            ),
            (
                "payment-assistance",
                "Payment assistance",
                "Ask the provider for details.",
                "PA",
            ),
            ("free", "Free of charge", "", "NP"),
            (
                "government-funded",
                "Government-funded programs",
                "State or federal funding for people who can't pay.",
                "FSA SAMF",
            ),
            ("ihs-tribal", "IHS, tribal or urban Indian funds", "", "ITU"),
        ],
    ),
    (
        "groups",
        "Special programs",
        "Programs designed for a group of people.",
        "",
        [
            ("adolescents", "Adolescents", "", "AD"),
            ("young-adults", "Young adults", "", "TAY"),
            ("women", "Adult women", "", "WN"),
            ("pregnant-postpartum", "Pregnant or postpartum women", "", "PW"),
            ("men", "Adult men", "", "MN"),
            ("seniors", "Seniors", "", "SE"),
            ("veterans", "Veterans", "", "VET"),
            ("military", "Active duty military and families", "", "ADM MF"),
            ("lgbtq", "LGBTQ+ people", "", "GL"),
            ("criminal-justice", "People involved with the justice system", "", "CJ"),
            ("co-occurring", "Co-occurring mental health conditions", "", "CO SUMH"),
            ("hiv", "People with HIV or AIDS", "", "HV"),
            ("trauma", "People who have experienced trauma", "", "TRMA"),
        ],
    ),
    (
        "ages",
        "Ages and genders served",
        "Who the provider accepts.",
        "",
        [
            ("children", "Children and adolescents", "", "CHLD"),
            ("ages-young-adults", "Young adults (18 to 25)", "", "YAD"),
            ("adults", "Adults", "", "ADLT"),
            ("older-adults", "Older adults", "", "SNR"),
            ("female", "Women and girls", "", "FEM"),
            ("male", "Men and boys", "", "MALE"),
        ],
    ),
    (
        "languages",
        "Languages",
        "Care in a language other than English.",
        "",
        [
            ("spanish", "Spanish", "", "SP"),
            (
                "sign-language",
                "Sign language",
                "For people who are deaf or hard of hearing.",
                "AH",
            ),
            (
                "native-languages",
                "American Indian or Alaska Native languages",
                "",
                "NX N13 N18 N23 N24 N40",
            ),
            ("arabic", "Arabic", "", "F4"),
            ("chinese", "Chinese", "", "F17"),
            ("creole", "Creole", "", "F19"),
            ("farsi", "Farsi", "", "F25"),
            ("french", "French", "", "F28"),
            ("german", "German", "", "F30"),
            ("greek", "Greek", "", "F31"),
            ("hebrew", "Hebrew", "", "F35"),
            ("hindi", "Hindi", "", "F36"),
            ("hmong", "Hmong", "", "F37"),
            ("hopi", "Hopi", "", "N13"),
            ("italian", "Italian", "", "F42"),
            ("japanese", "Japanese", "", "F43"),
            ("korean", "Korean", "", "F47"),
            ("lakota", "Lakota", "", "N18"),
            ("navajo", "Navajo", "", "N23"),
            ("ojibwa", "Ojibwa", "", "N24"),
            ("polish", "Polish", "", "F66"),
            ("portuguese", "Portuguese", "", "F67"),
            ("russian", "Russian", "", "F70"),
            ("tagalog", "Tagalog", "", "F81"),
            ("vietnamese", "Vietnamese", "", "F92"),
            ("yupik", "Yupik", "", "N40"),
            ("other-languages", "Other languages", "", "FX"),
        ],
    ),
    (
        "other",
        "Other services",
        "Help beyond treatment itself.",
        "",
        [
            ("mental-health-services", "Mental health services", "", "MH MHS"),
            ("primary-care", "Primary care on site", "", "IPC"),
            ("case-management", "Case management", "", "CM"),
            ("transitional-housing", "Transitional or sober housing", "", "HH"),
            ("housing-services", "Housing help", "", "HS"),
            ("employment", "Job training or counseling", "", "EMP"),
            ("transportation", "Transportation help", "", "TA"),
            ("child-care", "Child care while in treatment", "", "CCC"),
            ("aftercare", "Aftercare and discharge planning", "", "ACC DP OFD"),
            ("suicide-prevention", "Suicide prevention", "", "SPS"),
        ],
    ),
]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("treatment", "ServiceCategory")
    Service = apps.get_model("treatment", "Service")
    for category_order, (slug, name, help_line, facts_path, services) in enumerate(
        TAXONOMY
    ):
        category, _ = ServiceCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "order": category_order,
                "description": help_line,
                "facts_path": facts_path,
            },
        )
        for order, (service_slug, service_name, description, codes) in enumerate(
            services
        ):
            Service.objects.update_or_create(
                slug=service_slug,
                defaults={
                    "name": service_name,
                    "category": category,
                    "order": order,
                    "description": description,
                    "samhsa_codes": codes,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
