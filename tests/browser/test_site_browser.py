import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("page_fixture", ["phone_page", "desktop_page"])
def test_home_page_shows_the_help_strip_with_working_links(
    request, live_server, page_fixture
):
    page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/")
    strip = page.get_by_role("complementary", name="Get help now")
    assert strip.is_visible()
    assert strip.get_by_role("link", name="Call 911").get_attribute("href") == "tel:911"
    assert strip.get_by_role("link", name="text 988").get_attribute("href") == "sms:988"
    helpline = strip.get_by_role("link", name="1-800-662-4357")
    assert helpline.get_attribute("href") == "tel:+18006624357"
    assert helpline.is_visible()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"home-{page_fixture}")
    assert page.off_site_requests == []
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/", "/help/", "/privacy/", "/no-such-page/"])
def test_site_pages_have_no_accessibility_violations(phone_page, live_server, path):
    phone_page.goto(live_server.url + path)
    assert axe_violations(phone_page) == []
    assert phone_page.off_site_requests == []


def test_skip_link_is_first_and_moves_focus_to_main(phone_page, live_server):
    phone_page.goto(live_server.url + "/")
    phone_page.keyboard.press("Tab")
    focused = phone_page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("document.activeElement.id") == "main"


def test_home_search_form_submits_the_typed_location(phone_page, live_server):
    phone_page.goto(live_server.url + "/")
    phone_page.get_by_label("ZIP code or city").fill("Baltimore, MD")
    phone_page.get_by_label("What kind of help?").select_option("outpatient")
    phone_page.get_by_role("button", name="Find treatment").click()
    phone_page.wait_for_url("**/treatment/?**")
    assert "near=Baltimore%2C+MD" in phone_page.url
    assert "help=outpatient" in phone_page.url
    assert phone_page.get_by_role("link", name="Remove Outpatient").is_visible()
    assert phone_page.off_site_requests == []
