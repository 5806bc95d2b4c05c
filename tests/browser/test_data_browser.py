"""Data in and out, in a browser: the results CSV, printing, the admin upload."""

import csv
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WIDE_CSV = Path(__file__).resolve().parents[1] / "data" / "samhsa-wide.csv"


@pytest.fixture
def results_url(live_server, make_provider):
    make_provider(name="Harbor Clinic", services=["methadone", "medicaid"])
    make_provider(name="Beacon House", zip_code="21202", services=["residential"])
    return live_server.url + "/treatment/?near=21201&radius=10"


def test_visitor_downloads_the_results_as_csv(desktop_page, results_url):
    desktop_page.goto(results_url)

    with desktop_page.expect_download() as download:
        desktop_page.get_by_role("link", name="Download these results (CSV)").click()

    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["Name"] for row in rows] == ["Harbor Clinic", "Beacon House"]
    assert download.value.suggested_filename == "treatment-providers.csv"


def test_print_button_prints_a_clean_list(desktop_page, results_url):
    desktop_page.goto(results_url)
    desktop_page.evaluate("window.print = () => { window.printed = true; }")

    desktop_page.get_by_role("button", name="Print this list").click()
    assert desktop_page.evaluate("window.printed") is True

    desktop_page.emulate_media(media="print")
    screenshot(desktop_page, "search-print")
    assert desktop_page.locator(".result").count() == 2
    assert desktop_page.locator(".result").first.is_visible()
    for hidden in (".search-box", ".filters", ".toolbar", ".result-actions"):
        assert not desktop_page.locator(hidden).is_visible(), hidden
    assert desktop_page.console_errors == []


def test_without_javascript_the_print_button_stays_hidden(no_js_page, results_url):
    no_js_page.goto(results_url)

    assert not no_js_page.get_by_role("button", name="Print this list").is_visible()
    assert no_js_page.get_by_role(
        "link", name="Download these results (CSV)"
    ).is_visible()


def sign_in_as_an_editor(page, live_server):
    editor = User.objects.create_user(
        "boss", "boss@example.org", "a-long-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Directory editors"))
    page.goto(live_server.url + "/admin/treatment/provider/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Log in").click()


def upload(page, dry_run):
    page.get_by_role("link", name="Import SAMHSA file").click()
    page.get_by_label("SAMHSA locator file").set_input_files(WIDE_CSV)
    page.get_by_role("checkbox", name="Dry run").set_checked(dry_run)
    page.get_by_role("button", name="Import").click()


def test_staff_upload_a_samhsa_file_in_admin(desktop_page, live_server):
    page = desktop_page
    sign_in_as_an_editor(page, live_server)

    upload(page, dry_run=True)  # the test settings run tasks at once
    assert (
        "nothing was saved" in page.get_by_role("heading", level=2).first.inner_text()
    )
    page.get_by_role("button", name="Import these rows now").click()
    screenshot(page, "admin-import-samhsa")
    summary = page.locator("#summary-heading + table").inner_text()
    assert "Created\t3" in summary
    assert "line 4: no name" in page.content()
    assert page.console_errors == []


def test_an_import_page_follows_the_worker_by_itself(
    desktop_page, live_server, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = desktop_page
    sign_in_as_an_editor(page, live_server)

    upload(page, dry_run=False)
    status = page.get_by_role("status")
    assert "waiting for the task worker" in status.inner_text()
    screenshot(page, "admin-import-waiting")

    call_command("db_worker", "--batch", "--no-startup-delay")
    page.get_by_role("heading", name="Imported samhsa-wide.csv").wait_for()
    assert "Created\t3" in page.locator("#summary-heading + table").inner_text()
    assert page.console_errors == []
