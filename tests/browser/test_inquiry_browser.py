"""A visitor on a phone writes to a provider, makes a mistake, fixes it, sends it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from treatment.models import Inquiry, ListingReport

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MESSAGE = "I'd like to start buprenorphine. Do you have openings this week?"


@pytest.fixture
def provider(make_provider):
    return make_provider(
        name="Harbor Clinic", inquiry_email="intake@harbor.example.org"
    )


def test_phone_visitor_corrects_a_mistake_and_sends_a_message(
    phone_page, live_server, provider
):
    page = phone_page
    page.goto(live_server.url + provider.get_absolute_url())
    page.get_by_role("link", name="Send a message").click()
    assert axe_violations(page) == []
    screenshot(page, "inquiry-form-phone")

    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Email").fill("sam@example")
    page.get_by_label("Your message").fill(MESSAGE)
    page.get_by_role("button", name="Send message").click()

    page.wait_for_url(f"**/treatment/{provider.slug}/contact/")
    summary = page.get_by_role("alert")
    assert "Please check these 2 answers" in summary.inner_text()
    expect(page.locator("#id_email")).to_be_focused()  # waits for the page
    assert page.get_by_label("Your message").input_value() == MESSAGE
    assert axe_violations(page) == []
    screenshot(page, "inquiry-errors-phone")
    assert Inquiry.objects.count() == 0

    summary.get_by_role("link", name="Tick the box to agree").click()
    expect(page.locator("#id_consent")).to_be_focused()  # waits for the page
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("I agree that Harbor Clinic will receive my message").check()
    page.get_by_role("button", name="Send message").click()

    page.wait_for_url("**/contact/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Thank you. We have your message"
    )
    assert "Harbor Clinic will get it" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "inquiry-sent-phone")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    assert Inquiry.objects.get().message == MESSAGE
    assert len(mail.outbox) == 1
    page.reload()  # reloading the confirmation cannot send it again
    assert Inquiry.objects.count() == 1
    assert page.off_site_requests == []
    assert page.console_errors == []


def test_general_request_without_javascript(no_js_page, live_server, settings):
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    page = no_js_page
    page.goto(live_server.url + "/contact/")
    page.get_by_label("Someone else").check()
    page.get_by_label("Phone number").fill("410 555 012")
    page.get_by_label("Your message").fill("My son needs help.")
    page.get_by_role("button", name="Send message").click()

    assert page.locator("main > div > .error-summary").count() == 1
    assert "Enter a US phone number" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Phone number").input_value() == "410 555 012"
    assert page.get_by_label("Someone else").is_checked()

    page.get_by_label("Phone number").fill("410 555 0123")
    page.get_by_label("I agree that").check()
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/")
    assert mail.outbox[0].to == ["helpers@example.org"]
    assert page.off_site_requests == []


def test_contact_and_report_pages_have_no_accessibility_violations(
    phone_page, live_server, provider
):
    page = phone_page
    page.goto(live_server.url + "/contact/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send message").click()
    assert axe_violations(page) == []

    page.goto(live_server.url + provider.get_absolute_url())
    page.get_by_role("link", name="Report a problem with this listing").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#id_reason_0")).to_be_focused()  # waits for the page
    assert axe_violations(page) == []
    screenshot(page, "report-errors-phone")
    page.get_by_label("It has closed or moved").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url("**/report/sent/")
    assert axe_violations(page) == []
    assert ListingReport.objects.get().reason == "closed_or_moved"
    assert page.off_site_requests == []
    assert page.console_errors == []
