"""Deterministic fictional providers over real ZIP centroids, for demos and benchmarks.

Every listing is marked as sample data (source "sample") and uses fictional
555-01xx phone numbers, so nobody mistakes it for a real facility.

It reads the zipcodes package itself (area codes too, which the site's copy in
treatment/zip_codes.tsv.gz leaves out): only commands import this module, and
only they may pay the package's memory.
"""

import random
from datetime import time, timedelta
from functools import cache

import zipcodes
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from treatment.geo import bounding_box
from treatment.models import OpeningHours, Provider, Service

METRO_ZIPS = [
    "21201",
    "10001",
    "19103",
    "02108",
    "20001",
    "60601",
    "48201",
    "44113",
    "15222",
    "43215",
    "30303",
    "33130",
    "77002",
    "75201",
    "85004",
    "90012",
    "94102",
    "98101",
    "80202",
    "40202",
    "37203",
    "63101",
    "87102",
    "04101",
    "25301",
    "45202",
    "46204",
    "53202",
    "55401",
    "64106",
    "70112",
    "73102",
    "84101",
    "89101",
    "97204",
    "27601",
    "29201",
    "35203",
    "39201",
    "72201",
    "03101",
    "05401",
    "06103",
    "08608",
    "14202",
    "32202",
    "33602",
    "78205",
    "92101",
    "99201",
]
METRO_RADIUS_MILES = 30

NAME_FIRST = [
    "Harbor",
    "Riverside",
    "Beacon",
    "New Dawn",
    "Bridgeway",
    "Cedar",
    "Summit",
    "Open Door",
    "Clear Path",
    "Lakeside",
    "Northstar",
    "Willow",
    "Hope Street",
    "Crossroads",
    "Parkview",
    "Highland",
    "Maple",
    "Pathways",
    "Compass",
    "Unity",
]
ARCHETYPES = {
    # kind: (name suffixes, core services, optional services with chances)
    "otp": (
        ["Opioid Treatment Program", "Methadone Clinic", "Medication Clinic"],
        [
            "outpatient",
            "methadone",
            "buprenorphine",
            "individual-counseling",
            "group-counseling",
            "naloxone",
            "medicaid",
        ],
        {
            "naltrexone-injection": 0.3,
            "detox": 0.3,
            "peer-support": 0.5,
            "medicare": 0.6,
            "self-pay": 0.8,
            "sliding-fee": 0.4,
        },
    ),
    "office": (
        ["Family Medicine", "Health Partners", "Primary Care"],
        ["outpatient", "buprenorphine", "individual-counseling", "primary-care"],
        {
            "telehealth": 0.6,
            "naltrexone": 0.5,
            "naltrexone-injection": 0.4,
            "private-insurance": 0.9,
            "medicaid": 0.6,
            "medicare": 0.6,
            "self-pay": 0.7,
            "naloxone": 0.5,
        },
    ),
    "residential": (
        ["Recovery Center", "Treatment Center", "Recovery House"],
        [
            "residential",
            "detox",
            "individual-counseling",
            "group-counseling",
            "family-counseling",
            "cbt",
            "self-help-groups",
        ],
        {
            "short-term-residential": 0.7,
            "long-term-residential": 0.4,
            "continues-medication": 0.6,
            "buprenorphine": 0.5,
            "naltrexone": 0.4,
            "private-insurance": 0.7,
            "medicaid": 0.5,
            "self-pay": 0.9,
            "payment-assistance": 0.3,
            "trauma-counseling": 0.5,
        },
    ),
    "hospital": (
        ["Hospital", "Medical Center"],
        [
            "hospital-inpatient",
            "detox",
            "buprenorphine",
            "methadone",
            "mental-health-services",
            "medicaid",
            "medicare",
            "private-insurance",
        ],
        {
            "partial-hospitalization": 0.5,
            "intensive-outpatient": 0.5,
            "naloxone": 0.6,
            "tricare": 0.4,
        },
    ),
    "program": (
        ["Counseling Services", "Outpatient Program", "Behavioral Health"],
        [
            "outpatient",
            "intensive-outpatient",
            "individual-counseling",
            "group-counseling",
            "cbt",
            "motivational-interviewing",
        ],
        {
            "partial-hospitalization": 0.4,
            "telehealth": 0.6,
            "buprenorphine": 0.5,
            "contingency-management": 0.4,
            "family-counseling": 0.6,
            "medicaid": 0.7,
            "private-insurance": 0.7,
            "sliding-fee": 0.5,
            "self-pay": 0.8,
            "relapse-prevention": 0.6,
        },
    ),
}
KIND_WEIGHTS = {"otp": 2, "office": 3, "residential": 2, "hospital": 1, "program": 3}
EXTRAS = {
    # Shared across kinds: slug -> chance.
    "adults": 0.95,
    "ages-young-adults": 0.6,
    "older-adults": 0.5,
    "children": 0.1,
    "female": 0.9,
    "male": 0.9,
    "spanish": 0.4,
    "sign-language": 0.1,
    "co-occurring": 0.5,
    "women": 0.2,
    "pregnant-postpartum": 0.15,
    "veterans": 0.2,
    "criminal-justice": 0.25,
    "lgbtq": 0.15,
    "adolescents": 0.08,
    "case-management": 0.5,
    "transportation": 0.2,
    "aftercare": 0.5,
    "peer-support": 0.3,
    "payment-assistance": 0.15,
    "free": 0.05,
    "tricare": 0.1,
}
OTHER_LANGUAGES = [
    "chinese",
    "vietnamese",
    "russian",
    "arabic",
    "french",
    "korean",
    "tagalog",
    "portuguese",
    "polish",
    "hmong",
]
STATUS_WEIGHTS = {
    Provider.Status.ACCEPTING: 5,
    Provider.Status.WAITLIST: 2,
    Provider.Status.NOT_ACCEPTING: 1,
    Provider.Status.UNKNOWN: 2,
}


@cache
def metro_zips():
    """For each metro, the real standard ZIP codes within METRO_RADIUS_MILES."""
    rows = [
        row
        for row in zipcodes.list_all()
        if row["zip_code_type"] == "STANDARD" and float(row["lat"]) != 0
    ]
    metros = []
    for metro in METRO_ZIPS:
        (centre,) = zipcodes.matching(metro)
        min_lat, max_lat, min_lng, max_lng = bounding_box(
            float(centre["lat"]), float(centre["long"]), METRO_RADIUS_MILES
        )
        metros.append(
            [
                row
                for row in rows
                if min_lat <= float(row["lat"]) <= max_lat
                and min_lng <= float(row["long"]) <= max_lng
            ]
        )
    return metros


WEEKDAYS = range(5)
# Each kind's weeks: (chance, open 24/7, [(days, opens, closes)]), the rest
# with no hours at all; then the chances of "walk-ins welcome" and "same-day
# start". Methadone clinics open early, counselling runs into the evening.
SAMPLE_HOURS = {
    "otp": (
        [
            (0.7, False, [(WEEKDAYS, "05:30", "14:00"), ([5], "07:00", "11:00")]),
            (0.2, False, [(WEEKDAYS, "06:00", "12:00"), (WEEKDAYS, "16:00", "19:00")]),
        ],
        0.5,
        0.4,
    ),
    "office": (
        [
            (0.5, False, [(WEEKDAYS, "08:00", "17:00")]),
            (0.3, False, [(WEEKDAYS, "08:30", "12:00"), (WEEKDAYS, "13:00", "17:30")]),
        ],
        0.1,
        0.2,
    ),
    "residential": ([(0.8, True, [])], 0.2, 0.3),
    "hospital": ([(1.0, True, [])], 0.6, 0.5),
    "program": (
        [
            (0.4, False, [(WEEKDAYS, "17:00", "21:00"), ([5], "10:00", "14:00")]),
            (0.4, False, [(WEEKDAYS, "09:00", "17:00"), ([1, 3], "18:00", "21:00")]),
        ],
        0.3,
        0.1,
    ),
}


def sample_hours(kind, rng):
    """(open 24/7, walk-ins welcome, same-day start, [(weekday, opens,
    closes)]) for a provider of this kind."""
    weeks, walk_ins, same_day = SAMPLE_HOURS[kind]
    draw, always, intervals = rng.random(), False, []
    for chance, week_always, week in weeks:
        if draw < chance:
            always = week_always
            intervals = [
                (day, time.fromisoformat(opens), time.fromisoformat(closes))
                for days, opens, closes in week
                for day in days
            ]
            break
        draw -= chance
    return always, rng.random() < walk_ins, rng.random() < same_day, intervals


def sample_providers(count, seed):
    """Yield (Provider, [service slugs], [(weekday, opens, closes)]), the
    same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (reproducible fiction, not secrets)
    # The hours draw from their own generator, so the listings stay as they were.
    hours_rng = random.Random(f"hours-{seed}")  # noqa: S311
    today = timezone.localdate()
    metros = metro_zips()
    kinds = list(KIND_WEIGHTS)
    for number in range(1, count + 1):
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        suffixes, core, optional = ARCHETYPES[kind]
        row = rng.choice(rng.choice(metros))
        name = f"{rng.choice(NAME_FIRST)} {rng.choice(suffixes)} of {row['city']}"
        area_code = (row["area_codes"] or ["555"])[0]
        phone = f"({area_code}) 555-01{rng.randrange(100):02d}"
        services = set(core)
        services.update(s for s, chance in optional.items() if rng.random() < chance)
        services.update(s for s, chance in EXTRAS.items() if rng.random() < chance)
        if rng.random() < 0.15:
            services.add(rng.choice(OTHER_LANGUAGES))
        status = rng.choices(list(STATUS_WEIGHTS), weights=STATUS_WEIGHTS.values())[0]
        verified = rng.random() < 0.85
        always, walk_ins, same_day, intervals = sample_hours(kind, hours_rng)
        provider = Provider(
            name=name,
            slug=f"sample-{slugify(name)}-{seed}-{number}"[:220],
            summary=f"Sample listing: a fictional {kind_label(kind)} in {row['city']}.",
            description=(
                "This listing is made up to show how the directory works. "
                "It is not a real facility."
            ),
            street=f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
            city=row["city"],
            state=row["state"],
            zip_code=row["zip_code"],
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
            location_is_approximate=True,
            phone=phone,
            intake_phone=phone if rng.random() < 0.7 else "",
            hours="Closed on public holidays." if intervals else "",
            open_24_7=always,
            walk_ins_welcome=walk_ins,
            same_day_start=same_day,
            accepting_status=status,
            accepting_status_on=(
                None
                if status == Provider.Status.UNKNOWN
                else today - timedelta(days=rng.randrange(60))
            ),
            is_published=True,
            verified_on=today - timedelta(days=rng.randrange(400))
            if verified
            else None,
            source=Provider.Source.SAMPLE,
            source_id=f"{seed}-{number}",
        )
        yield provider, sorted(services), intervals


STREETS = [
    "Main Street",
    "Oak Avenue",
    "Market Street",
    "Park Road",
    "Elm Street",
    "Church Street",
    "Washington Avenue",
    "Lake Drive",
    "Hill Road",
    "2nd Street",
]


def kind_label(kind):
    return {
        "otp": "opioid treatment program",
        "office": "doctor's office that prescribes buprenorphine",
        "residential": "residential treatment center",
        "hospital": "hospital program",
        "program": "outpatient counseling program",
    }[kind]


def generate_sample_directory(count, seed, batch_size=2000):
    """Create `count` sample providers with their services; returns how many."""
    service_ids = dict(Service.objects.values_list("slug", "pk"))
    ProviderServices = Provider.services.through
    created = 0
    batch = []
    generated = sample_providers(count, seed)
    with transaction.atomic():
        for provider, slugs, intervals in generated:
            batch.append((provider, slugs, intervals))
            if len(batch) == batch_size:
                created += _save_batch(batch, service_ids, ProviderServices)
                batch = []
        if batch:
            created += _save_batch(batch, service_ids, ProviderServices)
    return created


def _save_batch(batch, service_ids, through):
    providers = Provider.objects.bulk_create([provider for provider, *_ in batch])
    through.objects.bulk_create(
        [
            through(provider_id=provider.pk, service_id=service_ids[slug])
            for provider, (_, slugs, _) in zip(providers, batch, strict=True)
            for slug in slugs
            if slug in service_ids
        ],
        batch_size=10000,
    )
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(provider=provider, weekday=day, opens=opens, closes=closes)
            for provider, (*_, intervals) in zip(providers, batch, strict=True)
            for day, opens, closes in intervals
        ],
        batch_size=10000,
    )
    return len(providers)
