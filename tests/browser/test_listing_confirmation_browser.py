"""A provider checks its listing on a phone from the emailed link, and staff
review what it suggests (issue 15)."""

from datetime import time

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_data_browser import sign_in_as_an_editor
from tests.browser.test_spanish_browser import english_words
from treatment.listings.services import link_for
from treatment.models import (
    OpeningHours,
    Provider,
    SuggestedChange,
    VerificationRequest,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def link(make_provider):
    provider = make_provider(
        name="Harbor Clinic",
        phone="410-555-0100",
        website="https://harbor.example.org",
        listing_contact_email="listings@harbor.example.org",
        accepting_status=Provider.Status.WAITLIST,
        services=["outpatient", "buprenorphine", "medicaid"],
    )
    OpeningHours.objects.bulk_create(  # 8 a.m. to 5 p.m. on weekdays
        OpeningHours(provider=provider, weekday=day, opens=time(8), closes=time(17))
        for day in range(5)
    )
    request = VerificationRequest.objects.create(
        provider=provider, email=provider.listing_contact_email
    )
    return link_for(request)


def check(page, name, status=200):
    """Phone-sized, axe-clean, nothing fetched elsewhere, no script errors
    (a page answered with an error status logs only that status)."""
    screenshot(page, name)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.off_site_requests == []
    assert all(f"status of {status}" in error for error in page.console_errors)


def test_provider_confirms_its_listing_on_a_phone(phone_page, live_server, link):
    page = phone_page
    page.goto(live_server.url + link)
    assert page.get_by_role("heading", level=1).inner_text() == "Is your listing right?"
    assert page.get_by_role("link", name="410-555-0100").is_visible()
    check(page, "listing-confirm-phone")

    page.get_by_role("button", name="Everything is correct").click()
    page.wait_for_url("**/confirm-listing/done/")
    assert (
        "Your listing is confirmed" in page.get_by_role("heading", level=1).inner_text()
    )
    check(page, "listing-confirmed-phone")
    assert Provider.objects.get().confirmed_on == timezone.localdate()

    response = page.goto(live_server.url + link)  # the link works once
    assert response.status == 410
    assert "How to get a new link" in page.content()
    check(page, "listing-link-used-phone", status=410)


def test_provider_suggests_changes_on_a_phone(phone_page, live_server, link):
    page = phone_page
    page.goto(live_server.url + link)
    page.get_by_role("link", name="Suggest changes").click()
    page.wait_for_url("**/changes/")
    # The week as listed, each time named by its day.
    assert page.get_by_label("Monday: Opens", exact=True).input_value() == "08:00"
    assert page.get_by_label("Friday: Closes", exact=True).input_value() == "17:00"
    assert page.get_by_label("Sunday: Opens", exact=True).input_value() == ""
    check(page, "listing-suggest-phone")

    page.get_by_label("Main phone").fill("555-0100")
    page.get_by_role("radio", name="Accepting new patients", exact=True).check()
    page.get_by_label("Saturday: Opens", exact=True).fill("09:00")
    page.get_by_label("Saturday: Closes", exact=True).fill("12:00")
    page.get_by_label("Monday: Opens again", exact=True).fill("18:00")
    page.get_by_role("checkbox", name="Methadone").check()
    page.get_by_role("button", name="Send these changes").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").first.inner_text()
    assert "Please check these 2 answers" in summary
    assert "Monday: enter both the opening and the closing time" in summary
    assert page.get_by_label("Saturday: Opens", exact=True).input_value() == "09:00"
    check(page, "listing-suggest-error-phone")

    page.get_by_label("Main phone").fill("(410) 555-0111")
    page.get_by_label("Monday: Closes again", exact=True).fill("20:00")
    page.get_by_role("button", name="Send these changes").click()
    page.wait_for_url("**/confirm-listing/changes-sent/")
    check(page, "listing-changes-sent-phone")
    change = SuggestedChange.objects.get()
    office_day = ["08:00", "17:00"]
    assert change.after == {
        "phone": "410-555-0111",
        "accepting_status": "accepting",
        "opening_hours": [
            [0, *office_day],
            [0, "18:00", "20:00"],
            *[[day, *office_day] for day in range(1, 5)],
            [5, "09:00", "12:00"],
        ],
        "services": ["buprenorphine", "medicaid", "methadone", "outpatient"],
    }
    assert Provider.objects.get().phone == "410-555-0100"  # waits for staff


def test_the_week_is_suggested_without_javascript(no_js_page, live_server, link):
    page = no_js_page
    page.goto(live_server.url + link + "changes/")
    page.get_by_label("Open 24 hours, 7 days a week").check()
    page.get_by_role("button", name="Send these changes").click()
    page.wait_for_load_state()
    assert (
        "the weekly hours would not be used"
        in page.get_by_role("alert").first.inner_text()
    )
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]:
        for end in ["Opens", "Closes"]:
            page.get_by_label(f"{day}: {end}", exact=True).fill("")
    page.get_by_role("button", name="Send these changes").click()
    page.wait_for_url("**/changes-sent/")
    assert SuggestedChange.objects.get().after == {
        "open_24_7": True,
        "opening_hours": [],
    }


def test_the_week_reads_in_spanish_on_a_phone(phone_page, live_server, link):
    page = phone_page
    page.goto(live_server.url + "/es" + link + "changes/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_label("Lunes: Abre", exact=True).input_value() == "08:00"
    assert page.get_by_label("Lunes: Vuelve a abrir", exact=True).input_value() == ""
    # Less proper names (an accrediting body is its own name).
    assert english_words(page, ["Harbor Clinic", "The Joint Commission"]) == []
    check(page, "listing-suggest-phone-es")


def test_staff_review_a_suggested_change(phone_page, desktop_page, live_server, link):
    page = phone_page
    page.goto(live_server.url + link + "changes/")
    page.get_by_label("Website").fill("https://new.harbor.example.org")
    page.get_by_role("button", name="Send these changes").click()
    page.wait_for_url("**/changes-sent/")

    page = desktop_page
    sign_in_as_an_editor(page, live_server)
    page.goto(live_server.url + "/admin/treatment/suggestedchange/")
    page.get_by_role("link", name="Harbor Clinic (Baltimore, MD)").click()
    diff = page.locator("table.change-diff").inner_text()
    assert "Website\thttps://harbor.example.org\thttps://new.harbor.example.org" in diff
    screenshot(page, "staff-review-change")
    page.get_by_role("button", name="Approve: change the listing now").click()
    page.wait_for_url("**/admin/treatment/suggestedchange/")
    assert "Harbor Clinic shows the changes now" in page.content()
    screenshot(page, "staff-review-queue-empty")
    provider = Provider.objects.get()
    assert provider.website == "https://new.harbor.example.org"
    assert provider.confirmed_on == timezone.localdate()
    assert page.console_errors == []
