"""Importing SAMHSA locator files: the command, the import function and admin."""

import io
from collections import Counter
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from treatment.interchange.samhsa import (
    LEADING_COLUMNS,
    ImportFileError,
    import_samhsa_file,
)
from treatment.models import LastImported, Provider, Service

DATA = Path(__file__).parent / "data"
WIDE_CSV = DATA / "samhsa-wide.csv"
JSON_LISTING = DATA / "samhsa-listing.json"
CP1252_CSV = DATA / "samhsa-cp1252.csv"
IMPORT_URL = "/admin/treatment/provider/import-samhsa/"

pytestmark = pytest.mark.django_db


def run_import(data, **options):
    return import_samhsa_file(file_name="test", data=data, **options)


def service_slugs(provider):
    return set(provider.services.values_list("slug", flat=True))


def imported(name):
    return Provider.objects.get(source="samhsa", name=name)


def test_wide_csv_loads_good_rows_and_reports_bad_ones_by_line():
    summary = run_import(WIDE_CSV.read_bytes())

    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    assert summary.skipped == [
        "line 4: no name",
        "line 5: coordinates “north, west” are not numbers",
        "line 6: “ZZ” is not a US state or territory",
    ]
    assert summary.unknown_codes == Counter({"SA": 2, "ECT": 1, "ZZQ": 1})

    harbor = imported("Harbor Recovery Center")
    assert harbor.slug == "harbor-recovery-center-baltimore"
    assert harbor.street == "100 Light Street, Suite 2"
    assert (harbor.phone, harbor.intake_phone) == ("410-555-0100", "410-555-0101")
    assert harbor.website == "https://harbor.example.org"
    assert (harbor.latitude, harbor.longitude) == (39.2868, -76.6131)
    assert not harbor.location_is_approximate
    assert not harbor.is_published
    assert harbor.source_id.startswith("hash-")
    assert service_slugs(harbor) == {"methadone", "buprenorphine", "medicaid"}


def test_placeholders_count_as_missing_and_mu_is_not_methadone():
    run_import(WIDE_CSV.read_bytes())

    beacon = imported("Beacon House - Women's Program")
    assert beacon.phone == ""
    assert beacon.website == ""
    assert beacon.location_is_approximate  # no coordinates: the ZIP code's centre
    assert beacon.latitude is not None
    assert service_slugs(beacon) == {
        "continues-medication",
        "sliding-fee",
        "residential",
        "short-term-residential",
    }


def test_short_zip_lower_case_state_and_bare_website_are_tidied():
    run_import(WIDE_CSV.read_bytes())

    unity = imported("Unity Behavioral Health")
    assert (unity.state, unity.zip_code) == ("MA", "02116")
    assert unity.website == "http://www.unity.example.org"
    assert service_slugs(unity) == {"medicaid"}


def test_importing_the_same_file_again_creates_nothing():
    run_import(WIDE_CSV.read_bytes())
    first = dict(Provider.objects.values_list("source_id", "updated_at"))

    summary = run_import(WIDE_CSV.read_bytes())

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert dict(Provider.objects.values_list("source_id", "updated_at")) == first


def test_a_changed_field_is_updated_and_staff_decisions_are_kept():
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    Provider.objects.filter(pk=harbor.pk).update(is_published=True)
    changed = WIDE_CSV.read_text().replace("410-555-0100", "410-555-0199")

    summary = run_import(changed.encode())

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert summary.changed_fields == Counter({"phone": 1})
    harbor.refresh_from_db()
    assert harbor.phone == "410-555-0199"
    assert harbor.is_published
    assert harbor.slug == "harbor-recovery-center-baltimore"


def test_changed_services_are_replaced():
    run_import(WIDE_CSV.read_bytes())
    without_methadone = WIDE_CSV.read_text().replace("SA,1,1,1,1,,1", "SA,1,,1,,,1", 1)

    summary = run_import(without_methadone.encode())

    assert summary.changed_fields == Counter({"services": 1})
    assert service_slugs(imported("Harbor Recovery Center")) == {
        "buprenorphine",
        "medicaid",
    }


# The file's new phone and website for Harbor Recovery Center, and its
# services without methadone.
UPDATED_CSV = (
    WIDE_CSV.read_text()
    .replace("410-555-0100", "410-555-0199")
    .replace("https://harbor.example.org", "https://harbor.example.com")
    .replace("SA,1,1,1,1,,1", "SA,1,,1,,,1", 1)
    .encode()
)


def test_a_value_changed_here_since_the_last_import_is_kept_and_listed():
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    Provider.objects.filter(pk=harbor.pk).update(phone="410-555-0111")  # staff's

    summary = run_import(UPDATED_CSV)

    harbor.refresh_from_db()
    assert harbor.phone == "410-555-0111"
    assert harbor.website == "https://harbor.example.com"  # not changed here
    assert service_slugs(harbor) == {"buprenorphine", "medicaid"}
    assert summary.changed_fields == Counter({"website": 1, "services": 1})
    assert (summary.updated, summary.unchanged) == (1, 2)
    kept = {
        "provider": harbor.pk,
        "name": "Harbor Recovery Center",
        "field": "phone",
        "here": "410-555-0111",
        "file": "410-555-0199",
        "why": "changed here since the last import",
    }
    assert summary.kept == [kept]
    # Listed at every import until staff settle it: here, by taking the file's.
    assert run_import(UPDATED_CSV).kept == [kept]
    Provider.objects.filter(pk=harbor.pk).update(phone="410-555-0199")
    assert run_import(UPDATED_CSV).kept == []


def test_services_changed_here_since_the_last_import_are_kept():
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    harbor.services.add(Service.objects.get(slug="telehealth"))

    summary = run_import(UPDATED_CSV)

    assert service_slugs(harbor) == {
        "methadone",
        "buprenorphine",
        "medicaid",
        "telehealth",
    }
    (kept,) = [kept for kept in summary.kept if kept["field"] == "services"]
    assert "Telehealth" in kept["here"] and "Methadone" in kept["here"]
    assert "Methadone" not in kept["file"] and "Medicaid" in kept["file"]
    assert kept["why"] == "changed here since the last import"


@pytest.mark.parametrize(
    ("confirmation", "why"),
    [
        ("confirmed_on", "confirmed by the provider on"),
        ("verified_on", "checked by staff on"),
    ],
)
def test_a_listing_confirmed_since_the_last_import_keeps_its_values(confirmation, why):
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    today = timezone.localdate()
    Provider.objects.filter(pk=harbor.pk).update(**{confirmation: today})

    summary = run_import(UPDATED_CSV)

    harbor.refresh_from_db()
    assert harbor.phone == "410-555-0100"
    assert harbor.website == "https://harbor.example.org"
    assert "methadone" in service_slugs(harbor)
    assert summary.updated == 0
    assert {(kept["field"], kept["why"]) for kept in summary.kept} == {
        (field, f"{why} {today:%Y-%m-%d}") for field in ("phone", "website", "services")
    }


def test_a_confirmation_before_the_last_import_lets_the_file_in():
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    yesterday = timezone.localdate() - timedelta(days=1)
    Provider.objects.filter(pk=harbor.pk).update(confirmed_on=yesterday)

    summary = run_import(UPDATED_CSV)

    harbor.refresh_from_db()
    assert harbor.phone == "410-555-0199" and summary.kept == []


def test_a_listing_imported_before_records_counts_its_creation_as_last_import():
    run_import(WIDE_CSV.read_bytes())
    LastImported.objects.all().delete()
    harbor = imported("Harbor Recovery Center")
    Provider.objects.filter(pk=harbor.pk).update(phone="410-555-0111")

    run_import(UPDATED_CSV)  # nothing says the phone was changed here

    harbor.refresh_from_db()
    assert harbor.phone == "410-555-0199"
    assert LastImported.objects.get(provider=harbor).values["phone"] == "410-555-0199"
    Provider.objects.filter(pk=harbor.pk).update(verified_on=timezone.localdate())
    LastImported.objects.all().delete()
    assert {kept["field"] for kept in run_import(WIDE_CSV.read_bytes()).kept} == {
        "phone",
        "website",
        "services",
    }


def test_a_dry_run_lists_what_it_would_keep_and_records_nothing():
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    Provider.objects.filter(pk=harbor.pk).update(phone="410-555-0111")
    recorded = list(LastImported.objects.values_list("values", "imported_at"))

    summary = run_import(UPDATED_CSV, dry_run=True)

    assert [kept["field"] for kept in summary.kept] == ["phone"]
    assert list(LastImported.objects.values_list("values", "imported_at")) == recorded
    harbor.refresh_from_db()
    assert harbor.website == "https://harbor.example.org"


def test_json_listing_maps_service_names_back_to_codes():
    summary = run_import(JSON_LISTING.read_bytes())

    assert summary.created == 2
    assert summary.skipped == ["row 3: no name", "row 4: not a listing object"]
    assert summary.unknown_codes == Counter(
        {"SA": 1, "KIT": 1, "Interpretive dance": 1}
    )
    open_door = Provider.objects.get(source_id="QF1X7Y2Z")
    assert open_door.intake_phone == "410-555-0201"
    # "Young adults" is TAY under special programs and YAD under ages.
    assert service_slugs(open_door) == {
        "detox",
        "methadone",
        "continues-medication",
        "medicaid",
        "private-insurance",
        "young-adults",
        "ages-young-adults",
    }
    cedar = imported("Cedar Family Medicine - Buprenorphine Clinic")
    assert cedar.source_id.startswith("hash-")
    assert (cedar.phone, cedar.website) == ("", "")
    assert service_slugs(cedar) == {"buprenorphine", "outpatient"}


def test_windows_1252_file_keeps_its_accents_and_quotes():
    summary = run_import(CP1252_CSV.read_bytes())

    assert summary.created == 2
    names = set(Provider.objects.values_list("name", flat=True))
    assert names == {
        "Clínica Peña – Servicios de Recuperación",
        "St. Mary’s “New Start” Program",
    }


def test_utf8_with_byte_order_mark_is_read():
    summary = run_import(b"\xef\xbb\xbf" + WIDE_CSV.read_bytes())

    assert summary.created == 3


def workbook_bytes(rows, header=(*LEADING_COLUMNS, "mm", "bu", "md")):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_row(name, zip_code, latitude, longitude, *flags):
    return [
        name,
        None,
        "1 Tremont Street",
        None,
        "Boston",
        "MA",
        zip_code,
        None,
        "Suffolk",
        "617-555-0400",
        None,
        None,
        None,
        "https://tremont.example.org",
        latitude,
        longitude,
        "SA",
        *flags,
    ]


def test_xlsx_with_numeric_zip_codes_and_float_flags():
    data = workbook_bytes(
        [
            xlsx_row("Tremont Clinic", 2108, 42.3572, -71.0621, 1.0, None, 1),
            xlsx_row("Bad Point Clinic", 2108, "here", -71.0621, 1.0, None, None),
        ]
    )

    summary = run_import(data)

    assert summary.created == 1
    assert summary.skipped == ["row 3: coordinates “here, -71.0621” are not numbers"]
    tremont = imported("Tremont Clinic")
    assert tremont.zip_code == "02108"
    assert service_slugs(tremont) == {"methadone", "medicaid"}


def test_empty_workbook_gets_a_clear_message():
    with pytest.raises(ImportFileError, match="first sheet is empty"):
        run_import(workbook_bytes(header=None, rows=[]))


def test_duplicate_rows_in_one_file_load_once():
    text = WIDE_CSV.read_text()
    header, first = text.splitlines()[:2]
    summary = run_import(f"{header}\n{first}\n{first}\n".encode())

    assert summary.created == 1
    assert summary.skipped == ["line 3: the same listing as line 2"]


def test_slugs_get_a_suffix_when_taken(make_provider):
    make_provider(slug="harbor-recovery-center-baltimore")
    header, first = WIDE_CSV.read_text().splitlines()[:2]
    second = first.replace("100 Light Street", "200 Light Street")

    run_import(f"{header}\n{first}\n{second}\n".encode())

    slugs = set(Provider.objects.filter(source="samhsa").values_list("slug", flat=True))
    assert slugs == {
        "harbor-recovery-center-baltimore-2",
        "harbor-recovery-center-baltimore-3",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel .xls file"),
        (b"PK\x03\x04 not really a workbook", "can't be opened as an Excel"),
        (b'{"rows": [', "isn't valid JSON"),
        (b'{"rows": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"results": []}', "no list of “rows”"),
        (b"name,city\nA,B\n", "it has no name1, name2, street1"),
        (b"\x00\x01\x02\xff\xfe", "doesn't look like a SAMHSA locator file"),
        (b'name1,"' + b"x" * 200_000, "Line 1 can't be read as CSV"),
    ],
)
def test_unreadable_files_get_a_clear_message(data, message):
    with pytest.raises(ImportFileError, match=message.replace(".", r"\.")):
        run_import(data)
    assert not Provider.objects.exists()


def test_large_file_is_imported_in_a_few_bulk_queries(
    django_assert_max_num_queries,
):
    header, first = WIDE_CSV.read_text().splitlines()[:2]
    rows = [first.replace("100 Light", f"{number} Light") for number in range(1200)]
    data = "\n".join([header, *rows]).encode()

    with django_assert_max_num_queries(20):
        summary = run_import(data)

    assert summary.created == 1200
    assert Provider.objects.count() == 1200
    assert Provider.services.through.objects.count() == 3600


# The command ---------------------------------------------------------------


def run_command(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_samhsa", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_command_lists_the_values_it_kept(tmp_path):
    run_command(str(WIDE_CSV))
    Provider.objects.filter(name="Harbor Recovery Center").update(phone="410-555-0111")
    updated = tmp_path / "updated.csv"
    updated.write_bytes(UPDATED_CSV)

    output, _ = run_command(str(updated))

    assert (
        "kept Harbor Recovery Center: phone is “410-555-0111” here, “410-555-0199” "
        "in the file (changed here since the last import)"
    ) in output


def test_command_prints_a_closing_summary():
    output, _ = run_command(str(WIDE_CSV), str(JSON_LISTING))

    assert "created 3, updated 0, unchanged 0, skipped 3" in output
    assert "skipped line 4: no name" in output
    assert "codes not in our taxonomy (ignored): SA ×2, ECT ×1, ZZQ ×1" in output
    assert "created 2, updated 0, unchanged 0, skipped 2" in output
    assert Provider.objects.filter(source="samhsa", is_published=False).count() == 5


def test_dry_run_reports_but_writes_nothing():
    output, _ = run_command("--dry-run", str(WIDE_CSV))

    assert "dry run: nothing was saved" in output
    assert "created 3" in output
    assert not Provider.objects.exists()


def test_publish_puts_new_listings_live():
    run_command("--publish", str(WIDE_CSV))

    assert Provider.objects.published().count() == 3


def test_command_shows_progress_on_large_files(tmp_path):
    header, first = WIDE_CSV.read_text().splitlines()[:2]
    rows = [first.replace("100 Light", f"{number} Light") for number in range(1200)]
    big = tmp_path / "big.csv"
    big.write_text("\n".join([header, *rows]))

    _, progress = run_command(str(big))

    assert "\rread 500 rows\rread 1,000 rows\rread 1,200 rows" in progress
    assert "saving 1,200 listings" in progress


def test_command_loads_good_files_and_names_the_bad_ones(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")

    with pytest.raises(CommandError) as error:
        run_command(str(bad), str(tmp_path / "missing.csv"), str(WIDE_CSV))

    assert "bad.json: This file isn't valid JSON" in str(error.value)
    assert "missing.csv: No such file or directory" in str(error.value)
    assert Provider.objects.count() == 3


# Admin upload --------------------------------------------------------------


@pytest.fixture
def staff_user(db):
    return User.objects.create_user("staffer", password="pw", is_staff=True)


def upload(client, path=WIDE_CSV, **options):
    """Upload in admin; the import runs at once (the test settings' task
    backend) and the client follows to its page."""
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **options}
    return client.post(IMPORT_URL, data, follow=True)


def test_admin_upload_imports_and_shows_the_summary(admin_client):
    response = upload(admin_client)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(IMPORT_URL)
    page = response.content.decode()
    assert "Imported samhsa-wide.csv" in page
    assert "line 5: coordinates “north, west” are not numbers" in page
    assert "ECT ×1" in page
    assert Provider.objects.filter(source="samhsa", is_published=False).count() == 3


def test_admin_import_lists_the_values_it_kept(admin_client):
    run_import(WIDE_CSV.read_bytes())
    harbor = imported("Harbor Recovery Center")
    Provider.objects.filter(pk=harbor.pk).update(phone="410-555-0111")
    updated = SimpleUploadedFile("samhsa-wide.csv", UPDATED_CSV)

    page = admin_client.post(IMPORT_URL, {"file": updated}, follow=True)

    html = page.content.decode()
    assert "Values kept as they are here" in html
    change_url = reverse("admin:treatment_provider_change", args=[harbor.pk])
    assert f'<a href="{change_url}">Harbor Recovery Center</a>' in html
    assert (
        "<td>phone</td><td>410-555-0111</td><td>410-555-0199</td>"
        "<td>changed here since the last import</td>"
    ) in html


def test_admin_upload_dry_run_and_publish(admin_client):
    response = upload(admin_client, dry_run="on")
    assert "nothing was saved" in response.content.decode()
    assert not Provider.objects.exists()

    upload(admin_client, JSON_LISTING, publish="on")
    assert Provider.objects.published().count() == 2


def test_admin_upload_of_a_bad_file_says_why_it_was_not_imported(admin_client):
    bad = SimpleUploadedFile("listing.xls", b"\xd0\xcf\x11\xe0 old excel")

    response = admin_client.post(IMPORT_URL, {"file": bad}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "listing.xls was not imported" in page
    assert "Save it as .xlsx or CSV" in page
    assert "Nothing was saved" in page


def test_changelist_links_to_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:treatment_provider_changelist"))

    assert f'href="{IMPORT_URL}"' in response.content.decode()


def test_staff_without_add_permission_cannot_import(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_provider"))
    client.force_login(staff_user)

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client).status_code == 403
    changelist = client.get(reverse("admin:treatment_provider_changelist"))
    assert IMPORT_URL not in changelist.content.decode()
    assert not Provider.objects.exists()


def test_staff_with_add_permission_can_import(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="add_provider"))
    client.force_login(staff_user)

    assert upload(client).status_code == 200
    assert Provider.objects.count() == 3
