import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = {
    "facts-index": "/facts/",
    "facts-medications": "/facts/medications-for-opioid-use-disorder/",
    "facts-overdose": "/facts/overdose-signs-and-what-to-do/",
    "facts-search": "/search/?q=methadone",
    "facts-search-empty": "/search/?q=",
}


@pytest.mark.parametrize("name, path", PAGES.items())
def test_facts_pages_are_accessible_and_fit_a_phone(
    phone_page, live_server, name, path
):
    phone_page.goto(live_server.url + path)
    assert axe_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, f"{name}-phone")
    assert phone_page.off_site_requests == []
    assert phone_page.console_errors == []


def test_article_page_on_a_desktop(desktop_page, live_server):
    desktop_page.goto(live_server.url + PAGES["facts-medications"])
    assert axe_violations(desktop_page) == []
    screenshot(desktop_page, "facts-medications-desktop")
    assert desktop_page.off_site_requests == []


def test_reader_goes_from_index_to_article_to_filtered_directory(
    no_js_page, live_server
):
    page = no_js_page
    page.goto(live_server.url + "/facts/")
    page.get_by_role("link", name="Medications for opioid use disorder").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Medications for opioid use disorder"
    )
    assert page.get_by_text("Awaiting medical review").is_visible()
    page.get_by_role("link", name="Find treatment providers").click()
    page.wait_for_url("**/treatment/?**")
    assert "medications=methadone" in page.url
    assert page.get_by_label("Methadone").is_checked()
    assert page.off_site_requests == []


def test_search_box_on_the_index_finds_pages(no_js_page, live_server):
    page = no_js_page
    page.goto(live_server.url + "/facts/")
    page.get_by_label("Search the facts pages").fill("naloxone")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=naloxone")
    assert page.get_by_role("link", name="Overdose: signs and what to do").is_visible()
    assert page.off_site_requests == []
