"""The SAMHSA importer's bounds, and admin imports run by the task worker."""

import html
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from tests.crafted_files import SMALL_HOSTILE_WORKBOOKS
from treatment.interchange import jobs, samhsa
from treatment.interchange.samhsa import (
    LEADING_COLUMNS,
    MAX_COLUMNS,
    MAX_ROWS,
    ImportFileError,
    import_samhsa_file,
)
from treatment.models import Provider, SamhsaImport
from treatment.models.imports import WORKER_SILENT_AFTER

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
WIDE_CSV = DATA / "samhsa-wide.csv"
IMPORT_URL = "/admin/treatment/provider/import-samhsa/"
HEADER = ",".join(LEADING_COLUMNS)
GOOD_ROW = (
    "Harbor Recovery Center,,100 Light Street,,Baltimore,MD,21201,,,"
    "410-555-0100,,,,,39.2868,-76.6131,SA"
)


def run_import(data, **options):
    return import_samhsa_file(file_name="test", data=data, **options)


# Crafted files -----------------------------------------------------------------

MEASURE = """
import os, resource, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings_test"
import django
django.setup()
from tests.crafted_files import SMALL_HOSTILE_WORKBOOKS
from treatment.interchange.samhsa import ImportFileError, read_records
data = SMALL_HOSTILE_WORKBOOKS[sys.argv[1]]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    outcome = f"read {sum(1 for _ in read_records(data))} rows"
except ImportFileError as error:
    outcome = f"refused: {error}"
seconds = time.perf_counter() - started
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(outcome, seconds, grown / 1024, sep="\\n")
"""


@pytest.mark.parametrize("name", SMALL_HOSTILE_WORKBOOKS)
def test_a_small_crafted_workbook_is_refused_or_read_within_5_s_and_100_mb(name):
    assert len(SMALL_HOSTILE_WORKBOOKS[name]) <= 2048
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, name],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    outcome, seconds, megabytes = result.stdout.splitlines()
    assert float(seconds) < 5, outcome
    assert float(megabytes) < 100, outcome


@pytest.mark.parametrize("name", SMALL_HOSTILE_WORKBOOKS)
def test_a_small_crafted_workbook_saves_nothing_it_should_not(name):
    try:
        summary = run_import(SMALL_HOSTILE_WORKBOOKS[name])
    except ImportFileError as error:
        assert str(error)  # a message for staff, not a traceback
    else:
        assert summary.created == 0  # none of them holds a real listing
    assert not Provider.objects.exists()


def test_entity_tricks_are_refused_with_a_message():
    name = "entities that expand a billion times"
    with pytest.raises(ImportFileError, match="defines XML entities"):
        run_import(SMALL_HOSTILE_WORKBOOKS[name])


def test_a_claimed_dimension_is_ignored():
    sheet = openpyxl.Workbook()
    sheet.active.append(list(LEADING_COLUMNS))
    sheet.active.append(GOOD_ROW.split(","))
    out = io.BytesIO()
    sheet.save(out)
    # openpyxl writes <dimension ref="A1:Q2"/>; claim the whole sheet instead.
    data = out.getvalue()
    claimed = data.replace(b"A1:Q2", b"A1:XFD1048576")
    assert run_import(claimed).created == 1


# Limits --------------------------------------------------------------------------


def test_more_rows_than_the_limit_are_refused_before_anything_is_saved():
    data = f"{HEADER}\n{GOOD_ROW}\n".encode() + b",\n" * MAX_ROWS
    with pytest.raises(ImportFileError, match=f"more than {MAX_ROWS:,} rows"):
        run_import(data)
    assert not Provider.objects.exists()


def test_more_columns_than_the_limit_are_refused():
    extra = ",".join(f"code{n}" for n in range(MAX_COLUMNS))
    data = f"{HEADER},{extra}\n{GOOD_ROW}\n".encode()
    with pytest.raises(ImportFileError, match=f"more than {MAX_COLUMNS:,} columns"):
        run_import(data)


def test_json_nested_deeper_than_a_listing_is_refused():
    data = b'{"rows": [' + b"[" * 50 + b"]" * 50 + b"]}"
    with pytest.raises(ImportFileError, match="nested too deeply"):
        run_import(data)


def test_a_file_over_the_size_limit_is_refused_by_the_command_unread(tmp_path):
    big = tmp_path / "national.csv"
    with big.open("wb") as file:  # sparse: nothing is written, or read
        file.truncate(samhsa.MAX_FILE_BYTES + 1)
    with pytest.raises(CommandError, match="larger than 50 MB"):
        call_command("import_samhsa", str(big), stdout=io.StringIO())


def test_a_file_over_the_size_limit_is_refused_by_admin(admin_client, monkeypatch):
    monkeypatch.setattr(samhsa, "MAX_FILE_BYTES", 100)
    upload = SimpleUploadedFile("national.csv", WIDE_CSV.read_bytes())
    response = admin_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert "larger than 50 MB" in response.content.decode()
    assert not SamhsaImport.objects.exists()


# Bad rows are messages, not failures --------------------------------------------


def test_a_nul_character_skips_its_row_with_a_message():
    data = f"{HEADER}\nBad\x00Name,,1 Main St,,Baltimore,MD,21201\n{GOOD_ROW}\n"
    summary = run_import(data.encode())
    assert summary.created == 1
    assert summary.skipped == ["line 2: “name1” contains a NUL character"]


def json_listing(*rows):
    return json.dumps({"rows": list(rows)}).encode()


GOOD_JSON_ROW = {
    "name1": "Open Door",
    "city": "Baltimore",
    "state": "MD",
    "zip": "21202",
}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**GOOD_JSON_ROW, "name1": {"first": "Open"}}, "“name1” holds a list"),
        ({**GOOD_JSON_ROW, "city": ["Baltimore", "Towson"]}, "“city” holds a list"),
        ({**GOOD_JSON_ROW, "name1": "Open\x00Door"}, "“name1” contains a NUL"),
        (
            {**GOOD_JSON_ROW, "services": [{"f2": "PAY", "f3": "Medicaid\x00"}]},
            "its services contain a NUL character",
        ),
        ({**GOOD_JSON_ROW, "state": "M D\x1b[31m\u202e" * 20}, "is not a US state"),
        (["not", "an", "object"], "not a listing object"),
    ],
)
def test_json_rows_with_nested_values_or_nul_get_a_message(row, message):
    summary = run_import(json_listing(row, GOOD_JSON_ROW | {"name1": "Other"}))
    assert summary.created == 1
    assert len(summary.skipped) == 1
    assert summary.skipped[0].startswith("row 1: ")
    assert message in summary.skipped[0]
    assert summary.skipped[0].isprintable()
    assert len(summary.skipped[0]) < 120


# Admin imports in the background ---------------------------------------------------


@pytest.fixture
def task_worker(transactional_db):
    """Tasks wait in the database, as in production, until task_worker() runs
    them as `manage.py db_worker` does (which closes the connection)."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ):
        yield lambda: call_command("db_worker", "--batch", "--no-startup-delay")


def upload(client, path=WIDE_CSV, **options):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **options}
    return client.post(IMPORT_URL, data)


def test_an_upload_waits_for_the_worker_then_shows_its_summary(
    admin_client, task_worker
):
    response = upload(admin_client)
    samhsa_import = SamhsaImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == samhsa_import.get_absolute_url()
    assert samhsa_import.data  # kept for the worker
    page = admin_client.get(response["Location"]).content.decode()
    assert "waiting for the task worker" in page
    assert not Provider.objects.exists()

    task_worker()

    samhsa_import.refresh_from_db()
    assert samhsa_import.status == SamhsaImport.Status.DONE
    assert samhsa_import.data is None  # the file is dropped once imported
    assert samhsa_import.rows_read == 6 and samhsa_import.listings_to_save == 3
    # Each report from the worker is dated, the last one after it started.
    assert samhsa_import.last_word_at > samhsa_import.started_at
    assert Provider.objects.filter(source="samhsa").count() == 3
    page = admin_client.get(response["Location"]).content.decode()
    assert "Imported samhsa-wide.csv" in page
    assert "line 5: coordinates “north, west” are not numbers" in page
    assert "Import these rows now" not in page


def test_progress_is_shown_while_the_import_runs(admin_user, admin_client):
    samhsa_import = SamhsaImport.objects.create(
        file_name="national.xlsx",
        status=SamhsaImport.Status.RUNNING,
        rows_read=12500,
        started_by=admin_user,
    )
    page = admin_client.get(samhsa_import.get_absolute_url()).content.decode()
    assert "Reading national.xlsx: 12500 rows so far" in page
    assert 'data-finished="false"' in page
    assert "js/import-progress.js" in page
    assert "See the latest progress" in page  # without JavaScript

    SamhsaImport.objects.filter(pk=samhsa_import.pk).update(listings_to_save=12000)
    page = admin_client.get(samhsa_import.get_absolute_url()).content.decode()
    assert "Saving 12000 listings read from 12500 rows" in page


def test_an_import_whose_worker_went_silent_says_it_has_probably_stopped(
    admin_user, admin_client
):
    samhsa_import = SamhsaImport.objects.create(
        file_name="national.xlsx",
        status=SamhsaImport.Status.RUNNING,
        rows_read=12500,
        started_by=admin_user,
        started_at=timezone.now() - timedelta(hours=1),
        last_word_at=timezone.now() - timedelta(minutes=9),
    )
    page = admin_client.get(samhsa_import.get_absolute_url()).content.decode()
    assert "Reading national.xlsx: 12500 rows so far" in page
    assert "probably stopped" not in page

    SamhsaImport.objects.filter(pk=samhsa_import.pk).update(
        last_word_at=timezone.now() - WORKER_SILENT_AFTER - timedelta(seconds=1)
    )
    page = admin_client.get(samhsa_import.get_absolute_url()).content.decode()
    assert "The task worker has said nothing of this import since" in page
    assert "it has probably stopped" in page and "saved nothing" in page
    assert f'<a href="{IMPORT_URL}">upload the file again</a>' in page


def test_a_dry_run_is_followed_by_import_these_rows_now(admin_client, task_worker):
    upload(admin_client, dry_run="on", publish="on")
    task_worker()
    dry_run = SamhsaImport.objects.get()
    page = admin_client.get(dry_run.get_absolute_url()).content.decode()
    assert "Dry run of samhsa-wide.csv: nothing was saved" in page
    assert "Import these rows now" in page
    assert "publishing new listings at once" in page
    assert not Provider.objects.exists()

    now_url = f"{dry_run.get_absolute_url()}import-now/"
    response = admin_client.post(now_url)  # no file asked for
    real = SamhsaImport.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == real.get_absolute_url()
    assert real.dry_run_of == dry_run and not real.dry_run and real.publish
    task_worker()

    assert Provider.objects.published().filter(source="samhsa").count() == 3
    dry_run.refresh_from_db()
    assert dry_run.data is None
    page = admin_client.get(dry_run.get_absolute_url()).content.decode()
    assert "Import these rows now" not in page
    assert "These rows were imported" in page
    admin_client.post(now_url)  # a second click imports nothing more
    assert SamhsaImport.objects.count() == 2


def test_a_dry_runs_file_is_dropped_after_a_day(admin_client, task_worker):
    upload(admin_client, dry_run="on")
    task_worker()
    dry_run = SamhsaImport.objects.get()
    SamhsaImport.objects.filter(pk=dry_run.pk).update(
        finished_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    upload(admin_client, dry_run="on")
    task_worker()  # each finished import drops old dry runs' files

    dry_run.refresh_from_db()
    assert dry_run.data is None
    page = admin_client.get(dry_run.get_absolute_url()).content.decode()
    assert "Import these rows now" not in page
    assert "no longer kept" in page
    admin_client.post(f"{dry_run.get_absolute_url()}import-now/")
    assert not Provider.objects.exists()


def test_an_unreadable_upload_is_reported_on_its_page(admin_client):
    bad = SimpleUploadedFile("listing.json", b'{"rows": [{"name1": ')
    response = admin_client.post(IMPORT_URL, {"file": bad}, follow=True)
    page = html.unescape(response.content.decode())
    assert "listing.json was not imported: This file isn't valid JSON" in page
    assert SamhsaImport.objects.get().data is None


def test_an_unexpected_error_fails_the_import_without_a_traceback(
    admin_client, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(jobs, "import_samhsa_file", broken)
    response = upload(admin_client)
    page = admin_client.get(response["Location"]).content.decode()
    assert "stopped on an unexpected error, so nothing was saved" in page
    assert "secret detail" not in page and "Traceback" not in page
    assert "SAMHSA import" in caplog.text  # for the developers, in the log


def test_the_import_page_lists_recent_imports(admin_client):
    upload(admin_client, dry_run="on")
    page = admin_client.get(IMPORT_URL).content.decode()
    assert "Recent imports" in page
    assert "samhsa-wide.csv" in page and "Dry run" in page
