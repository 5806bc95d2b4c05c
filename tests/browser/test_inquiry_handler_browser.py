"""An inquiry handler signs in, sets up two-step sign-in, and follows up a
message without ever needing the listing's admin page."""

import base64
import re

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp

from tests.browser.conftest import axe_violations, screenshot
from treatment.models import Inquiry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-handler-password"


@pytest.fixture
def inquiry(make_provider, make_inquiry):
    provider = make_provider(
        name="Harbor Clinic",
        phone="410-555-0100",
        intake_phone="410-555-0199",
        inquiry_email="intake@harbor.example.org",
    )
    return make_inquiry(
        provider,
        message="My brother wants to start buprenorphine. Evenings are best "
        "for a call or a text; he works days.",
    )


@pytest.fixture
def handler():
    user = User.objects.create_user("handler", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Inquiry handlers"))
    return user


def test_handler_sets_up_two_step_sign_in_and_marks_an_inquiry_handled(
    desktop_page, live_server, handler, inquiry
):
    page = desktop_page
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Set up two-step sign-in"
    )
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert axe_violations(page) == []
    screenshot(page, "staff-two-step-setup")
    secret = page.locator("code").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Finish setting up").click()

    page.wait_for_url(live_server.url + "/admin/")
    assert "Two-step sign-in is set up" in page.inner_text("body")
    page.get_by_role("link", name="Inquiries").first.click()
    page.wait_for_url("**/admin/treatment/inquiry/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "Text message" in row and "My brother wants to start" in row
    screenshot(page, "staff-inquiry-inbox")

    page.get_by_role("link", name="Sam", exact=True).click()
    assert page.get_by_role("link", name="410-555-0123").get_attribute("href") == (
        "tel:+14105550123"
    )
    assert page.get_by_role("link", name="sam@example.org").get_attribute("href") == (
        "mailto:sam@example.org"
    )
    assert page.get_by_role("link", name="410-555-0199").get_attribute("href") == (
        "tel:+14105550199"
    )
    assert "Harbor Clinic (Baltimore, MD)" in page.inner_text("body")
    assert page.locator('a[href*="/admin/treatment/provider/"]').count() == 0
    screenshot(page, "staff-inquiry-page")

    page.go_back()
    page.locator("#result_list tbody input[type=checkbox]").check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Mark selected inquiries as handled"
    )
    page.get_by_role("button", name="Run").click()
    assert "Marked 1 inquiry as handled." in page.inner_text("body")
    screenshot(page, "staff-inquiry-handled")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    assert page.off_site_requests == []
    assert page.console_errors == []


def test_two_step_pages_on_a_phone(phone_page, live_server, handler):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=handler, name="Phone", confirmed=True)
    page = phone_page
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("handler")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/two-factor/?next=**")
    page.get_by_label("6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "That code is not right" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "staff-two-step-code-phone")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.off_site_requests == []
