"""Signs of quality on a provider's page, on a phone."""

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_phone_visitor_sees_the_signs_and_learns_what_they_mean(
    phone_page, live_server, make_provider
):
    provider = make_provider(
        name="Harbor Clinic",
        services=["methadone", "buprenorphine", "naltrexone-injection", "medicaid"]
        + ["joint-commission", "carf", "state-substance-use-agency", "outpatient"],
    )
    page = phone_page
    page.goto(live_server.url + provider.get_absolute_url())
    signs = page.get_by_role("region", name="Signs of quality")
    assert signs.get_by_role("listitem").all_inner_texts() == [
        "Offers medication for opioid use disorder: methadone, buprenorphine, "
        "naltrexone",
        "Licensed or certified by the state agency for substance use treatment",
        "Accredited by The Joint Commission",
        "Accredited by CARF (the Commission on Accreditation of Rehabilitation "
        "Facilities)",
        "Accepts Medicaid",
    ]
    signs.scroll_into_view_if_needed()
    screenshot(page, "provider-quality-signs-phone")
    assert axe_violations(page) == []
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    signs.get_by_role("link", name="Accredited by The Joint Commission").click()
    page.wait_for_url("**/facts/choosing-a-quality-program/")
    assert (
        "Choosing a quality program"
        in page.get_by_role("heading", level=1).inner_text()
    )
    assert page.off_site_requests == []
    assert page.console_errors == []
