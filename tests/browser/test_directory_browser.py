import pytest

from tests.browser.conftest import axe_violations, screenshot
from treatment.models import Provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def providers(make_provider):
    make_provider(
        name="Near Clinic",
        zip_code="21202",
        phone="410-555-0111",
        services=["outpatient", "buprenorphine", "medicaid"],
        accepting_status=Provider.Status.ACCEPTING,
    )
    make_provider(
        name="Farther Clinic",
        city="Annapolis",
        zip_code="21401",
        services=["outpatient", "buprenorphine", "medicaid"],
    )
    make_provider(
        name="Methadone Only", zip_code="21230", services=["methadone", "medicaid"]
    )
    make_provider(
        name="Cash Only", zip_code="21230", services=["buprenorphine", "self-pay"]
    )


def find_buprenorphine_with_medicaid(page, base_url):
    page.goto(base_url + "/")
    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_role("button", name="Find treatment").click()
    page.wait_for_url("**/treatment/?**")
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Buprenorphine (").check()
    page.locator("summary", has_text="Payment accepted").click()
    page.get_by_role("checkbox", name="Medicaid (").check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**medications=buprenorphine**")


def check_results_then_open_provider(page):
    heading = page.get_by_role("heading", level=1)
    assert "2 providers within 25 miles of Baltimore, MD 21201" in heading.inner_text()
    cards = page.locator(".result h2")
    assert cards.all_inner_texts() == ["Near Clinic", "Farther Clinic"]
    assert "1.0 miles away" in page.locator(".result").first.inner_text()
    page.get_by_role("link", name="Near Clinic").click()
    call = page.get_by_role("link", name="Call 410-555-0111")
    assert call.get_attribute("href") == "tel:+14105550111"
    assert call.is_visible()


def test_phone_visitor_finds_buprenorphine_with_medicaid(
    phone_page, live_server, providers
):
    find_buprenorphine_with_medicaid(phone_page, live_server.url)
    screenshot(phone_page, "search-phone")
    check_results_then_open_provider(phone_page)
    screenshot(phone_page, "provider-phone")
    assert phone_page.off_site_requests == []
    assert phone_page.console_errors == []


def test_same_flow_without_javascript(no_js_page, live_server, providers):
    find_buprenorphine_with_medicaid(no_js_page, live_server.url)
    check_results_then_open_provider(no_js_page)
    assert no_js_page.off_site_requests == []


def test_search_and_provider_pages_have_no_accessibility_violations(
    phone_page, live_server, providers
):
    phone_page.goto(
        live_server.url + "/treatment/?near=21201&medications=buprenorphine"
    )
    assert axe_violations(phone_page) == []
    phone_page.goto(live_server.url + "/treatment/?near=Atlantis%2C+ZZ")
    assert axe_violations(phone_page) == []
    phone_page.get_by_role("link", name="Find treatment").first.click()
    phone_page.goto(live_server.url + "/treatment/?near=21201")
    phone_page.get_by_role("link", name="Near Clinic").click()
    assert axe_violations(phone_page) == []
    assert phone_page.off_site_requests == []
    width = phone_page.viewport_size["width"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
