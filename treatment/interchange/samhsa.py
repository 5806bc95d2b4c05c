"""Read SAMHSA treatment locator downloads and load them into the directory.

Two layouts are read: the wide CSV/XLSX (17 leading columns, then one column per
service code holding 1 or blank) and the JSON listing (rows whose services are
category codes with "; "-joined service names, turned back into codes with the
tables in treatment/data/). Each code becomes our services through
Service.samhsa_codes.

Every listing keeps a stable source id (SAMHSA's `frid`, or a short hash of
name, street and ZIP), so importing the same file twice creates nothing new.
A re-import never overwrites what staff or the provider changed or confirmed
here since the last import: it lists those values for staff instead (see
save_listings).
"""

import csv
import hashlib
import io
import math
import re
import zipfile
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import defusedxml.ElementTree as safe_xml
import ijson
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from treatment.geo import US_STATES, zip_centroid
from treatment.models import LastImported, Provider, Service
from treatment.models.links import validate_web_url
from treatment.phones import is_placeholder

CODE_TABLES = [
    Path(__file__).parent / "data" / "samhsa-su-service-codes.csv",
    Path(__file__).parent / "data" / "samhsa-mh-service-codes-dictionary.csv",
    Path(__file__).parent / "data" / "samhsa-licensing-codes.csv",
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
# The listing's services, compared with the file's as one more field.
SERVICES = "services"
PROGRESS_EVERY = 500
BATCH_SIZE = 500
# What one file may hold, imported from admin or with the command alike (see
# README, "Importing SAMHSA files"); a national SAMHSA download holds about
# 30,000 listings and a few hundred columns.
MAX_FILE_MEGABYTES = 50
MAX_FILE_BYTES = MAX_FILE_MEGABYTES * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
MAX_UNPACKED_MEGABYTES = 250  # what an .xlsx (a zip) holds once unpacked
MAX_JSON_DEPTH = 10
MAX_SHARED_TEXTS = 1_000_000  # an .xlsx's different texts (17 columns a row)
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
    # Fields the file would change but that stay as they are here: dicts of
    # provider (its id), name, field, here, file and why (see save_listings).
    kept: list = field(default_factory=list)

    def as_json(self):
        return {
            **vars(self),
            "changed_fields": dict(self.changed_fields),
            "unknown_codes": dict(self.unknown_codes),
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            **data
            | {
                "changed_fields": Counter(data["changed_fields"]),
                "unknown_codes": Counter(data["unknown_codes"]),
            }
        )

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
        lines.extend(
            f"  kept {kept['name']}: {kept['field']} is “{kept['here']}” here, "
            f"“{kept['file']}” in the file ({kept['why']})"
            for kept in self.kept
        )
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


def check_file_size(size):
    """ImportFileError for a file over MAX_FILE_MEGABYTES, before it is read."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_FILE_MEGABYTES} MB. Split it into "
            "smaller files (by state, for example) and import each."
        )


def read_records(data):
    """The rows of a wide CSV, XLSX or JSON listing file, as Records, one at a
    time. Raises ImportFileError, possibly part-way, when the file as a whole
    can't be read or holds more than the limits allow."""
    check_file_size(len(data))
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


def quoted(text, limit=40):
    """“text” for a message: shortened (a cell can hold a whole paragraph), and
    with characters that can't be shown or stored (NUL, escapes) as �."""
    shown = "".join(c if c.isprintable() else "\ufffd" for c in text[:limit])
    return f"“{shown}…”" if len(text) > limit else f"“{shown}”"


def at_most(rows, limit, what):
    """The rows, or ImportFileError once there are more than `limit`."""
    for number, row in enumerate(rows, 1):
        if number > limit:
            raise ImportFileError(
                f"The file has more than {limit:,} {what}. Split it into smaller "
                "files (by state, for example) and import each."
            )
        yield row


def text_values(cells):
    """(values, problem): a row's {column: text}, and what makes the row
    unusable, if anything: a list or object where text belongs (JSON), or a
    NUL character, which no database column can store."""
    values = {}
    for name, value in cells.items():
        if isinstance(value, dict | list):
            return values, f"{quoted(name)} holds a list or object, not text"
        text = cell_text(value)
        if "\x00" in text:
            return values, f"{quoted(name)} contains a NUL character"
        values[name] = text
    return values, ""


def wide_records(header, rows):
    """Records from the wide layout: (where, cells) pairs after the header."""
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            f"The file has more than {MAX_COLUMNS:,} columns; a SAMHSA locator "
            "file has a few hundred."
        )
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
    if any("\x00" in name for name in columns):
        raise ImportFileError("The header row contains a NUL character.")
    code_columns = [name for name in columns if name and name not in LEADING_COLUMNS]
    for where, cells in at_most(rows, MAX_ROWS, "rows"):
        values, problem = text_values(dict(zip(columns, cells, strict=False)))
        if not problem and not any(values.values()):
            continue
        codes = {name.upper() for name in code_columns if values.get(name) in TICKED}
        yield Record(where, values, codes, problem)


def read_wide_csv(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        yield from wide_records(
            header, ((f"line {reader.line_num}", row) for row in reader)
        )
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num} can't be read as CSV ({error})."
        ) from error


def read_workbook(data):
    """The first sheet's rows, streamed. The sheet's own claim about its size
    (its dimension) is ignored: rows are read as they come, as wide as the
    header, and the whole workbook may unpack to MAX_UNPACKED_MEGABYTES."""
    unreadable = "This file can't be opened as an Excel workbook (.xlsx)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook_parts(archive)
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(unreadable) from error
    # Imported here, not with the module: every web worker loads this module
    # (admin's import page) and openpyxl would cost each some 6 MB.
    import openpyxl

    workbook = None
    try:
        # openpyxl parses with defusedxml when it is installed (it is pinned):
        # entity tricks such as "billion laughs" are refused.
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        header = next(
            sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ()
        )
        width = max(
            (n for n, cell in enumerate(header, 1) if cell is not None), default=0
        )
        if not width:
            raise ImportFileError("The workbook's first sheet is empty.")
        rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
        yield from wide_records(
            header[:width],
            ((f"row {number}", row) for number, row in enumerate(rows, 2)),
        )
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl fails in many ways on damaged files
        raise ImportFileError(unreadable) from error
    finally:
        if workbook is not None:
            workbook.close()


def check_workbook_parts(archive):
    """ImportFileError for a workbook that would cost far more to read than its
    rows are worth: more than MAX_UNPACKED_MEGABYTES unpacked, a part with more
    than MAX_ROWS rows, a row of more than MAX_COLUMNS cells (openpyxl holds a
    whole row at once), or more than MAX_SHARED_TEXTS texts (it holds them
    all). Each part is streamed, keeping nothing, before openpyxl opens any.
    """
    members = archive.infolist()
    if sum(member.file_size for member in members) > MAX_UNPACKED_MEGABYTES << 20:
        raise ImportFileError(
            f"This workbook unpacks to more than {MAX_UNPACKED_MEGABYTES} MB. "
            "Save it as CSV, or split it, and try again."
        )
    for member in members:
        rows = cells = texts = 0
        with archive.open(member) as part:
            try:
                for event, element in safe_xml.iterparse(part, ("start", "end")):
                    name = element.tag.rpartition("}")[2]
                    if event == "end":
                        element.clear()
                    elif name == "row":
                        rows, cells = rows + 1, 0
                    elif name == "c":
                        cells += 1
                    elif name == "si":
                        texts += 1
                    if (
                        rows > MAX_ROWS
                        or cells > MAX_COLUMNS
                        or texts > MAX_SHARED_TEXTS
                    ):
                        raise ImportFileError(
                            "This workbook holds more than the importer reads: "
                            f"at most {MAX_ROWS:,} rows of {MAX_COLUMNS:,} "
                            f"cells, and {MAX_SHARED_TEXTS:,} different texts."
                        )
            except safe_xml.ParseError:
                continue  # not XML (an image, say); openpyxl reads no such part
            except DefusedXmlException as error:
                raise ImportFileError(
                    "This workbook defines XML entities, which Excel never "
                    "writes; it can't be imported."
                ) from error


def read_json_listing(text):
    """The rows of a JSON listing ({"rows": [...]}), streamed with ijson."""
    data = text.encode()
    try:
        if not has_list_of_rows(data):
            raise ImportFileError(
                "This JSON file isn't a SAMHSA listing: it has no list of “rows”."
            )
        rows = ijson.items(io.BytesIO(data), "rows.item", use_float=True)
        for number, row in enumerate(at_most(rows, MAX_ROWS, "rows"), 1):
            where = f"row {number}"
            if not isinstance(row, dict):
                yield Record(where, {}, set(), problem="not a listing object")
                continue
            services = row.pop("services", None)
            values, problem = text_values(row)
            if not problem and has_nul(services):
                problem = "its services contain a NUL character"
            yield Record(where, values, codes_from_services(services), problem)
    except ijson.JSONError as error:
        reason = str(error).splitlines()[0] if str(error) else "it ends too soon"
        raise ImportFileError(f"This file isn't valid JSON ({reason}).") from error


def has_nul(value):
    """Whether a JSON value holds a NUL character anywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    return isinstance(value, list) and any(map(has_nul, value))


def has_list_of_rows(data):
    """Whether the JSON document is an object whose "rows" is a list; raises
    ImportFileError when it nests deeper than MAX_JSON_DEPTH (a listing
    needs 5), before anything is built from it."""
    depth, top_is_object, rows_key_seen, rows_is_list = 0, None, False, False
    for event, value in ijson.basic_parse(io.BytesIO(data)):
        if top_is_object is None:
            top_is_object = event == "start_map"
        if rows_key_seen:
            rows_is_list, rows_key_seen = event == "start_array", False
        if event in {"start_map", "start_array"}:
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ImportFileError("This JSON file is nested too deeply to read.")
        elif event in {"end_map", "end_array"}:
            depth -= 1
        elif event == "map_key" and depth == 1 and top_is_object:
            rows_key_seen = value == "rows"
    return rows_is_list


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
        raise RowError(
            f"{quoted(values.get('state', ''))} is not a US state or territory"
        )
    zip_match = ZIP_CODE.match(values.get("zip", ""))
    if not zip_match:
        raise RowError(f"ZIP code {quoted(values.get('zip', ''))} is not 5 digits")
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
    shown = quoted(f"{latitude_text}, {longitude_text}")
    try:
        latitude, longitude = float(latitude_text), float(longitude_text)
    except ValueError:
        raise RowError(f"coordinates {shown} are not numbers") from None
    if not (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    ):
        raise RowError(f"coordinates {shown} are off the map")
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

    Raises ImportFileError when the file as a whole can't be read or is over
    the limits; then nothing is saved. Bad rows are skipped and listed in the
    summary with their line or row number. New listings are published only
    with `publish`; `dry_run` writes nothing. `progress(stage, done, total)`
    is called with "reading" and the rows read so far (total None) every
    PROGRESS_EVERY rows and once at the end, then once with "saving".
    """
    summary = ImportSummary(file_name=file_name, dry_run=dry_run)
    service_ids = service_ids_by_code()
    listings = {}
    for record in read_records(data):
        summary.rows += 1
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
        if progress and summary.rows % PROGRESS_EVERY == 0:
            progress("reading", summary.rows, None)
    if progress:
        progress("reading", summary.rows, None)
        progress("saving", 0, len(listings))
    with nullcontext() if dry_run else transaction.atomic():
        save_listings(
            list(listings.values()), summary, publish=publish, dry_run=dry_run
        )
    return summary


def save_listings(listings, summary, *, publish, dry_run):
    """Create the file's new listings and update the others with what it says.

    A value the file changes is taken unless the listing's own value differs
    from what the last import said (staff or the provider changed it here
    since), or the listing was confirmed by its provider or checked by staff
    on or after the day of the last import. Then the listing keeps its value,
    and the summary lists it for staff to check."""
    existing = {
        provider.source_id: provider
        for provider in Provider.objects.filter(source=Provider.Source.SAMHSA).only(
            "pk",
            "source_id",
            "created_at",
            "confirmed_on",
            "verified_on",
            *IMPORTED_FIELDS,
        )
    }
    current_services = defaultdict(set)
    for provider_id, service_id in ProviderServices.objects.filter(
        provider__source=Provider.Source.SAMHSA
    ).values_list("provider_id", "service_id"):
        current_services[provider_id].add(service_id)
    last_imported = {
        provider_id: (values, imported_at)
        for provider_id, values, imported_at in LastImported.objects.filter(
            provider__source=Provider.Source.SAMHSA
        ).values_list("provider_id", "values", "imported_at")
    }
    service_names = dict(Service.objects.values_list("pk", "name"))

    new, changed, new_services, imported = [], [], {}, {}
    now = timezone.now()
    for listing in listings:
        provider = existing.get(listing.source_id)
        if provider is None:
            new.append(listing)
            continue
        in_file = imported[provider.pk] = listing_values(listing)
        here = {name: getattr(provider, name) for name in IMPORTED_FIELDS}
        here[SERVICES] = sorted(current_services[provider.pk])
        # Listings imported before this was kept have no record: their
        # creation (their first import) stands for the last import.
        last, imported_at = last_imported.get(provider.pk, ({}, provider.created_at))
        confirmation = confirmation_since(provider, imported_at)
        taken = []
        for name, value in in_file.items():
            if value == here[name]:
                continue
            changed_here = name in last and last[name] != here[name]
            why = confirmation or (
                changed_here and "changed here since the last import"
            )
            if not why:
                taken.append(name)
                continue
            summary.kept.append(
                {
                    "provider": provider.pk,
                    "name": provider.name,
                    "field": name,
                    "here": shown(here[name], service_names),
                    "file": shown(value, service_names),
                    "why": why,
                }
            )
        if not taken:
            summary.unchanged += 1
            continue
        summary.changed_fields.update(taken)
        for name in taken:
            if name == SERVICES:
                new_services[provider.pk] = listing.service_ids
            else:
                setattr(provider, name, in_file[name])
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
    for provider, listing in zip(created, new, strict=True):
        new_services[provider.pk] = listing.service_ids
        imported[provider.pk] = listing_values(listing)
    replace_services(new_services)
    LastImported.objects.bulk_create(
        [
            LastImported(provider_id=pk, values=values, imported_at=now)
            for pk, values in imported.items()
        ],
        update_conflicts=True,
        unique_fields=["provider"],
        update_fields=["values", "imported_at"],
        batch_size=BATCH_SIZE * 10,
    )


def listing_values(listing):
    """What the file says of a listing: its fields and its services' ids."""
    return {**listing.fields, SERVICES: sorted(listing.service_ids)}


def confirmation_since(provider, imported_at):
    """Why the listing outranks the file: its provider confirmed it or staff
    checked it on or after the day it was last imported; else ""."""
    day = timezone.localdate(imported_at)
    if provider.confirmed_on and provider.confirmed_on >= day:
        return f"confirmed by the provider on {provider.confirmed_on:%Y-%m-%d}"
    if provider.verified_on and provider.verified_on >= day:
        return f"checked by staff on {provider.verified_on:%Y-%m-%d}"
    return ""


def shown(value, service_names):
    """A value as the summary shows it to staff."""
    if isinstance(value, list):
        return "; ".join(service_names.get(pk, str(pk)) for pk in value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "(blank)" if value in (None, "") else str(value)


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
