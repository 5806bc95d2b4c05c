"""Directory editors' provider form and list in admin, in a browser."""

import pytest

from tests.browser.conftest import DESKTOP, axe_violations, open_page, screenshot
from tests.browser.test_data_browser import sign_in_as_an_editor
from treatment.models import Provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def far_from_the_server(browser, live_server):
    """A desktop browser in Auckland, 18 hours ahead of the server's New York:
    admin's calendar would note the difference under every date ("Note: Enter
    times in the America/New_York timezone. (You are 18 hours ahead.)")."""
    page = open_page(browser, live_server, DESKTOP, timezone_id="Pacific/Auckland")
    yield page
    page.context.close()


def test_editor_ticks_services_by_group_and_types_dates(
    far_from_the_server, live_server, make_provider
):
    page = far_from_the_server
    provider = make_provider(
        name="Harbor Clinic",
        source=Provider.Source.SAMHSA,
        source_id="QF1X7Y2Z",
        services=["outpatient"],
    )
    sign_in_as_an_editor(page, live_server)
    page.get_by_role("link", name="Harbor Clinic").click()
    page.get_by_role("heading", name="Change provider").wait_for()
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == (
        "Pacific/Auckland"
    )

    assert no_time_zone_note(page)
    assert "Hold down" not in page.content()
    assert axe_violations(page) == []
    medications = page.get_by_role("group", name="Medications")
    medications.get_by_role("checkbox", name="Buprenorphine", exact=True).check()
    page.get_by_role("group", name="Licensing and accreditation").get_by_role(
        "checkbox", name="CARF", exact=True
    ).check()
    page.get_by_label("Checked by our staff on").fill("2026-11-27")
    page.get_by_label("Status stated on").fill("2026-11-20")
    assert not page.get_by_label("Page address").is_visible()  # in technical details
    page.get_by_text("Technical details").click()
    assert page.get_by_label("Page address").input_value() == provider.slug
    assert "QF1X7Y2Z" in page.locator(".fieldBox.field-source_id").inner_text()
    screenshot(page, "admin-provider-form")
    assert no_time_zone_note(page)

    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    provider.refresh_from_db()
    assert set(provider.services.values_list("slug", flat=True)) == {
        "outpatient",
        "buprenorphine",
        "carf",
    }
    assert str(provider.verified_on) == "2026-11-27"
    assert str(provider.accepting_status_on) == "2026-11-20"
    assert page.console_errors == []


def no_time_zone_note(page):
    return (
        page.locator(".timezonewarning").count() == 0
        and "timezone. (You are" not in page.locator("#content").inner_text()
    )


def test_provider_list_fits_1280_pixels(desktop_page, live_server, make_provider):
    make_provider(
        name="The Very Long Named Comprehensive Behavioral Health and Recovery "
        "Center of the Greater Chesapeake Region",
        city="Ellicott City",
        accepting_status=Provider.Status.NOT_ACCEPTING,
    )
    for number in range(5):
        make_provider(name=f"Clinic {number}")
    page = desktop_page
    sign_in_as_an_editor(page, live_server)
    page.locator("#result_list").wait_for()
    screenshot(page, "admin-provider-list")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    # Nor does the table scroll sideways inside its own box.
    results = page.locator("#changelist .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [header.strip() for header in headers if header.strip()] == [
        "NAME",
        "PLACE",
        "PUBLISHED",
        "NEW PATIENTS",
        "CONFIRMED",
        "NEEDS REVIEW",
    ]
    assert page.console_errors == []


def test_a_new_listings_page_address_comes_from_its_name(desktop_page, live_server):
    page = desktop_page
    sign_in_as_an_editor(page, live_server)
    page.get_by_role("link", name="Add provider").click()
    page.get_by_label("Name:", exact=True).fill("Bright Path Recovery")
    page.get_by_label("City:", exact=True).fill("Towson")
    page.get_by_label("State:", exact=True).select_option("MD")
    page.get_by_label("ZIP code:", exact=True).fill("21204")
    page.get_by_role("group", name="Payment accepted").get_by_role(
        "checkbox", name="Medicaid", exact=True
    ).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()
    provider = Provider.objects.get(name="Bright Path Recovery")
    assert provider.slug == "bright-path-recovery"
    assert provider.source == Provider.Source.MANUAL
    assert list(provider.services.values_list("slug", flat=True)) == ["medicaid"]
    assert page.console_errors == []
