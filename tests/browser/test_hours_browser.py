"""On a phone: the "Open now" filter, the cards' hours lines and the
provider page's week, at a fixed instant, with no accessibility violations."""

from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, screenshot
from treatment.models import OpeningHours

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Monday 23 November 2026, 10 a.m. in Baltimore.
MONDAY_MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def providers(make_provider, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_MORNING)
    office = make_provider(
        name="Day Office",
        zip_code="21202",
        walk_ins_welcome=True,
        services=["outpatient"],
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(provider=office, weekday=day, opens=time(8), closes=time(17))
        for day in range(5)
    )
    make_provider(name="Always Open", zip_code="21230", open_24_7=True)
    evening = make_provider(name="Evening Program", zip_code="21230")
    OpeningHours.objects.bulk_create(
        OpeningHours(provider=evening, weekday=day, opens=time(17, 30), closes=time(21))
        for day in range(5)
    )
    return office


def test_phone_visitor_filters_to_open_now_and_reads_the_hours(
    phone_page, live_server, providers
):
    page = phone_page
    page.goto(live_server.url + "/treatment/?near=21201")
    assert "Closed now · opens 5:30 p.m." in page.locator(".result-list").inner_text()
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Open now (2)").check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**open_now=1**")
    cards = page.locator(".result")
    assert cards.locator("h2").all_inner_texts() == ["Day Office", "Always Open"]
    assert "Open now · until 5 p.m." in cards.first.inner_text()
    assert "Walk-ins welcome" in cards.first.inner_text()
    assert "Open 24 hours" in cards.nth(1).inner_text()
    assert page.get_by_role("link", name="Remove Open now").is_visible()
    screenshot(page, "open-now-phone")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Day Office").click()
    page.wait_for_url(f"**{providers.get_absolute_url()}")
    assert page.locator(".hours-line").inner_text() == "Open now · until 5 p.m."
    table = page.get_by_role("table", name="Opening hours")
    assert "Monday" in table.inner_text() and "8 a.m. – 5 p.m." in table.inner_text()
    screenshot(page, "provider-hours-phone")
    assert axe_violations(page) == []
    assert page.off_site_requests == []
    assert page.console_errors == []
