"""Read SAMHSA treatment locator downloads and load them into the directory.

Two layouts are read: the wide CSV/XLSX (17 leading columns, then one column per
service code holding 1 or blank) and the JSON listing (rows whose services are
category codes with "; "-joined service names, turned back into codes with the
tables in treatment/data/). Each code becomes our services through
Service.samhsa_codes.

Every listing keeps a stable source id (SAMHSA's `frid`, or a short hash of
name, street and ZIP), so importing the same file twice creates nothing new.
"""

import csv
import hashlib
import io
import json
import math
import re
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from treatment.geo import US_STATES, zip_centroid
from treatment.models import Provider, Service
from treatment.models.links import validate_web_url
from treatment.phones import is_placeholder

CODE_TABLES = [
    Path(__file__).parent / "data" / "samhsa-su-service-codes.csv",
    Path(__file__).parent / "data" / "samhsa-mh-service-codes-dictionary.csv",
]
LEADING_COLUMNS = (
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "zip4",
    "county",
    "phone",
    "intake_prompt",
    "intake1",
    "intake2",
    "website",
    "latitude",
    "longitude",
    "type_facility",
)
TICKED = {"1", "1.0"}
# The fields an import writes; anything else (publishing, verification, openings,
# descriptions) stays as staff left it.
IMPORTED_FIELDS = (
    "name",
    "street",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "location_is_approximate",
    "phone",
    "intake_phone",
    "website",
)
PROGRESS_EVERY = 500
BATCH_SIZE = 500
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
ZIP_CODE = re.compile(r"^(\d{3,5})(?:-\d{4})?$")
ProviderServices = Provider.services.through


class ImportFileError(Exception):
    """The whole file cannot be read; the message tells staff why."""


class RowError(ValueError):
    """One row cannot be loaded; the message says what is wrong with it."""


@dataclass
class Record:
    """One row as read from a file: where it is, its text fields and its codes."""

    where: str
    values: dict
    codes: set
    problem: str = ""


@dataclass
class Listing:
    where: str
    source_id: str
    fields: dict
    service_ids: set


@dataclass
class ImportSummary:
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list = field(default_factory=list)
    changed_fields: Counter = field(default_factory=Counter)
    unknown_codes: Counter = field(default_factory=Counter)

    @property
    def changed_fields_text(self):
        return counts_text(self.changed_fields)

    @property
    def unknown_codes_text(self):
        return counts_text(self.unknown_codes)

    def report_lines(self):
        """The summary as plain lines, for the command line."""
        lines = [
            f"{self.file_name}: {self.rows} rows"
            + (" (dry run: nothing was saved)" if self.dry_run else ""),
            f"  created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}",
        ]
        if self.changed_fields:
            lines.append(f"  changed fields: {self.changed_fields_text}")
        lines.extend(f"  skipped {problem}" for problem in self.skipped)
        if self.unknown_codes:
            lines.append(
                f"  codes not in our taxonomy (ignored): {self.unknown_codes_text}"
            )
        return lines


def counts_text(counter):
    """ "SA ×2, ECT ×1": most frequent first, then alphabetical."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{key} ×{count}" for key, count in ordered)


# Reading files ---------------------------------------------------------------


def read_records(data):
    """The rows of a wide CSV, XLSX or JSON listing file, as Records."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            "This is an old Excel .xls file. Save it as .xlsx or CSV and try again."
        )
    if data.startswith(b"PK"):
        return read_workbook(data)
    text = decode(data)
    if text.lstrip().startswith("{"):
        return read_json_listing(text)
    return read_wide_csv(text)


def decode(data):
    """UTF-8 (with or without a byte order mark), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def cell_text(value):
    """A cell as trimmed text; spreadsheets turn 21201 and 1 into floats."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def wide_records(header, rows):
    """Records from the wide layout: (where, cells) pairs after the header."""
    columns = [cell_text(name).lower() for name in header]
    missing = [name for name in LEADING_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            "This doesn't look like a SAMHSA locator file: it has no "
            + ", ".join(missing)
            + " column"
            + ("s" if len(missing) > 1 else "")
            + "."
        )
    code_columns = [name for name in columns if name and name not in LEADING_COLUMNS]
    records = []
    for where, cells in rows:
        values = dict(zip(columns, map(cell_text, cells), strict=False))
        if not any(values.values()):
            continue
        codes = {name.upper() for name in code_columns if values.get(name) in TICKED}
        records.append(Record(where, values, codes))
    return records


def read_wide_csv(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        return wide_records(header, ((f"line {reader.line_num}", r) for r in reader))
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num} can't be read as CSV ({error})."
        ) from error


def read_workbook(data):
    workbook = None
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    except Exception as error:  # openpyxl fails in many ways on damaged files
        raise ImportFileError(
            "This file can't be opened as an Excel workbook (.xlsx)."
        ) from error
    finally:
        if workbook is not None:
            workbook.close()
    if not rows:
        raise ImportFileError("The workbook's first sheet is empty.")
    return wide_records(
        rows[0], ((f"row {number}", row) for number, row in enumerate(rows[1:], 2))
    )


def read_json_listing(text):
    try:
        listing = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"This file isn't valid JSON ({error.msg} on line {error.lineno})."
        ) from error
    except RecursionError as error:
        raise ImportFileError("This JSON file is nested too deeply to read.") from error
    rows = listing.get("rows") if isinstance(listing, dict) else None
    if not isinstance(rows, list):
        raise ImportFileError(
            "This JSON file isn't a SAMHSA listing: it has no list of “rows”."
        )
    records = []
    for number, row in enumerate(rows, 1):
        where = f"row {number}"
        if not isinstance(row, dict):
            records.append(Record(where, {}, set(), problem="not a listing object"))
            continue
        values = {
            key: cell_text(value) for key, value in row.items() if key != "services"
        }
        records.append(Record(where, values, codes_from_services(row.get("services"))))
    return records


def codes_from_services(services):
    """Service codes for a JSON row's services; unknown names are kept as text."""
    by_category, by_name = service_name_codes()
    codes = set()
    for group in services if isinstance(services, list) else []:
        if not isinstance(group, dict):
            continue
        category = cell_text(group.get("f2")).upper()
        for name in cell_text(group.get("f3")).split(";"):
            key = normalise_name(name)
            if key:
                codes.add(
                    by_category.get((category, key)) or by_name.get(key, name.strip())
                )
    return codes


def normalise_name(name):
    return " ".join(name.split()).casefold()


@cache
def service_name_codes():
    """({(category code, service name): code}, {service name: code}) from the tables.

    The second holds only names that mean one code in every category.
    """
    by_category, codes_by_name = {}, defaultdict(set)
    for path in CODE_TABLES:
        with path.open(encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                row = {key.strip(): (value or "").strip() for key, value in row.items()}
                name, code = normalise_name(row["service_name"]), row["service_code"]
                by_category[(row["category_code"], name)] = code
                codes_by_name[name].add(code)
    by_name = {
        name: codes.pop() for name, codes in codes_by_name.items() if len(codes) == 1
    }
    return by_category, by_name


# Turning rows into listings ----------------------------------------------------


def parse_listing(record, service_ids_by_code):
    """A Listing from a Record, or RowError saying what is wrong with the row."""
    if record.problem:
        raise RowError(record.problem)
    values = record.values
    name = " - ".join(
        part for part in (values.get("name1"), values.get("name2")) if part
    )
    if not name:
        raise RowError("no name")
    city = values.get("city", "")
    if not city:
        raise RowError("no city")
    state = values.get("state", "").upper()
    if not state:
        raise RowError("no state")
    if state not in US_STATES:
        raise RowError(f"“{values.get('state', '')}” is not a US state or territory")
    zip_match = ZIP_CODE.match(values.get("zip", ""))
    if not zip_match:
        raise RowError(f"ZIP code “{values.get('zip', '')}” is not 5 digits")
    zip_code = zip_match[1].zfill(5)
    street = ", ".join(
        part for part in (values.get("street1"), values.get("street2")) if part
    )
    fields = {
        "name": name[:200],
        "street": street[:200],
        "city": city[:100],
        "state": state,
        "zip_code": zip_code,
        **coordinates(
            values.get("latitude", ""), values.get("longitude", ""), zip_code
        ),
        "phone": real_phone(values.get("phone", "")),
        "intake_phone": real_phone(values.get("intake1", ""))
        or real_phone(values.get("intake2", "")),
        "website": real_website(values.get("website", "")),
    }
    service_ids = set()
    for code in record.codes:
        service_ids.update(service_ids_by_code.get(code, ()))
    source_id = values.get("frid") or hashed_source_id(name, street, zip_code)
    return Listing(record.where, source_id[:100], fields, service_ids)


def coordinates(latitude_text, longitude_text, zip_code):
    """Exact coordinates from the file, else the ZIP code's centre (approximate)."""
    if not latitude_text and not longitude_text:
        place = zip_centroid(zip_code)
        if place is None:
            return {
                "latitude": None,
                "longitude": None,
                "location_is_approximate": False,
            }
        return {
            "latitude": place.latitude,
            "longitude": place.longitude,
            "location_is_approximate": True,
        }
    try:
        latitude, longitude = float(latitude_text), float(longitude_text)
    except ValueError:
        raise RowError(
            f"coordinates “{latitude_text}, {longitude_text}” are not numbers"
        ) from None
    if not (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    ):
        raise RowError(
            f"coordinates “{latitude_text}, {longitude_text}” are off the map"
        )
    return {
        "latitude": latitude,
        "longitude": longitude,
        "location_is_approximate": False,
    }


def real_phone(text):
    """The number as written, or "" for a blank or placeholder one."""
    return "" if is_placeholder(text) else text[:30]


def real_website(text):
    """A usable http(s) URL, or "" (a bare "http://" counts as none)."""
    text = text.strip()
    if "://" not in text and text:
        text = f"http://{text}"
    try:
        validate_web_url(text)
    except ValidationError:
        return ""
    return text if len(text) <= 200 else ""


def hashed_source_id(name, street, zip_code):
    """A short stable id for a listing without a SAMHSA `frid`."""
    key = "|".join(
        " ".join(part.split()).casefold() for part in (name, street, zip_code)
    )
    return "hash-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def service_ids_by_code():
    """{SAMHSA code: [our service ids]} from every service's samhsa_codes."""
    mapping = defaultdict(list)
    for service in Service.objects.only("pk", "samhsa_codes"):
        for code in service.code_list():
            mapping[code].append(service.pk)
    return dict(mapping)


# Saving ------------------------------------------------------------------------


def import_samhsa_file(*, file_name, data, publish=False, dry_run=False, progress=None):
    """Load one SAMHSA file; returns an ImportSummary.

    Raises ImportFileError when the file as a whole can't be read. Bad rows are
    skipped and listed in the summary with their line or row number. New
    listings are published only with `publish`; `dry_run` writes nothing.
    `progress(done, total)` is called every PROGRESS_EVERY rows and at the end.
    """
    records = read_records(data)
    summary = ImportSummary(file_name=file_name, dry_run=dry_run, rows=len(records))
    service_ids = service_ids_by_code()
    listings = {}
    for number, record in enumerate(records, 1):
        try:
            listing = parse_listing(record, service_ids)
        except RowError as error:
            summary.skipped.append(f"{record.where}: {error}")
        else:
            first = listings.setdefault(listing.source_id, listing)
            if first is listing:
                summary.unknown_codes.update(
                    code for code in record.codes if code not in service_ids
                )
            else:
                summary.skipped.append(
                    f"{record.where}: the same listing as {first.where}"
                )
        if progress and (number % PROGRESS_EVERY == 0 or number == len(records)):
            progress(number, len(records))
    with nullcontext() if dry_run else transaction.atomic():
        save_listings(
            list(listings.values()), summary, publish=publish, dry_run=dry_run
        )
    return summary


def save_listings(listings, summary, *, publish, dry_run):
    existing = {
        provider.source_id: provider
        for provider in Provider.objects.filter(source=Provider.Source.SAMHSA).only(
            "pk", "source_id", *IMPORTED_FIELDS
        )
    }
    current_services = defaultdict(set)
    for provider_id, service_id in ProviderServices.objects.filter(
        provider__source=Provider.Source.SAMHSA
    ).values_list("provider_id", "service_id"):
        current_services[provider_id].add(service_id)

    new, changed, new_services = [], [], {}
    now = timezone.now()
    for listing in listings:
        provider = existing.get(listing.source_id)
        if provider is None:
            new.append(listing)
            continue
        changed_fields = [
            name
            for name, value in listing.fields.items()
            if getattr(provider, name) != value
        ]
        if listing.service_ids != current_services[provider.pk]:
            changed_fields.append("services")
            new_services[provider.pk] = listing.service_ids
        if not changed_fields:
            summary.unchanged += 1
            continue
        summary.changed_fields.update(changed_fields)
        for name, value in listing.fields.items():
            setattr(provider, name, value)
        provider.updated_at = now
        changed.append(provider)
    summary.created, summary.updated = len(new), len(changed)
    if dry_run:
        return

    Provider.objects.bulk_update(
        changed, [*IMPORTED_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )
    created = Provider.objects.bulk_create(
        new_providers(new, publish=publish), batch_size=BATCH_SIZE
    )
    new_services.update(
        (provider.pk, listing.service_ids)
        for provider, listing in zip(created, new, strict=True)
    )
    replace_services(new_services)


def new_providers(listings, *, publish):
    taken = set(Provider.objects.values_list("slug", flat=True))
    return [
        Provider(
            **listing.fields,
            slug=unique_slug(listing.fields, taken),
            source=Provider.Source.SAMHSA,
            source_id=listing.source_id,
            is_published=publish,
        )
        for listing in listings
    ]


def unique_slug(fields, taken):
    """name-city, with -2, -3... on collision; adds the slug to `taken`."""
    base = slugify(f"{fields['name']} {fields['city']}")[:200].strip("-") or "provider"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def replace_services(services_by_provider):
    """Set each provider's services to the given ids, in a few bulk queries."""
    provider_ids = list(services_by_provider)
    for start in range(0, len(provider_ids), BATCH_SIZE):
        ProviderServices.objects.filter(
            provider_id__in=provider_ids[start : start + BATCH_SIZE]
        ).delete()
    ProviderServices.objects.bulk_create(
        [
            ProviderServices(provider_id=provider_id, service_id=service_id)
            for provider_id, service_ids in services_by_provider.items()
            for service_id in service_ids
        ],
        batch_size=BATCH_SIZE * 10,
    )
