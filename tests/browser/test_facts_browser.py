import pytest
from playwright.sync_api import expect

from facts.models import Article, ErrorReport
from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = {
    "facts-index": "/facts/",
    "facts-medications": "/facts/medications-for-opioid-use-disorder/",
    "facts-overdose": "/facts/overdose-signs-and-what-to-do/",
    "facts-review-policy": "/facts/how-we-review/",
    "facts-report-error": "/facts/overdose-signs-and-what-to-do/report/",
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
    expect(page.get_by_role("heading", level=1)).to_have_text(
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


def test_family_member_finds_helping_someone_at_a_glance(phone_page, live_server):
    Article.objects.update_or_create(
        slug="talking-with-someone-you-love",
        defaults={
            "title": "Talking with someone you love",
            "summary": "How to start the talk.",
            "body": "Pick a calm moment.",
            "section": Article.Section.HELPING,
            "is_published": True,
        },
    )
    page = phone_page
    page.goto(live_server.url + "/facts/")
    jump = page.get_by_role("navigation", name="Jump to")
    links = jump.get_by_role("link").all_inner_texts()
    assert links[:2] == ["Overdose and getting help now", "Helping someone"]
    box = jump.bounding_box()
    assert box["y"] + box["height"] <= 844  # on a phone's first screen
    jump.get_by_role("link", name="Helping someone").click()
    section = page.get_by_role("region", name="Helping someone")
    assert section.get_by_role(
        "link", name="Talking with someone you love"
    ).is_visible()
    assert page.url.endswith("/facts/#helping")
    screenshot(page, "facts-index-helping-phone")


def test_report_form_with_errors_is_accessible(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/facts/overdose-signs-and-what-to-do/report/")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    # static/js/form-errors.js takes the reader to the field to fix.
    expect(page.locator("#id_details")).to_be_focused()  # waits for the page
    assert axe_violations(page) == []
    screenshot(page, "facts-report-error-invalid-phone")
    assert page.off_site_requests == [] and page.console_errors == []


def test_reader_reports_an_error_without_javascript(no_js_page, live_server):
    page = no_js_page
    page.goto(live_server.url + "/facts/overdose-signs-and-what-to-do/")
    page.get_by_role("link", name="Report an error on this page").click()
    page.get_by_label("What is wrong on this page?").fill(
        "The naloxone section says it lasts three hours."
    )
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url("**/report/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Thank you. We have your report"
    )
    screenshot(page, "facts-report-sent-phone")
    assert ErrorReport.objects.get().details.startswith("The naloxone section")
    assert page.off_site_requests == []
