"""The search journey in Chromium, on a 390x844 phone and a 1280x800 desktop:
from the home page to the right provider, with no dead ends (issue 12).

Each test leaves screenshots in test-artifacts/ named journey-*.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, open_page, screenshot
from treatment.models import Provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = ["phone_page", "desktop_page"]
FIRST_SCREENS = 900  # px: the results heading and first card must start above


@pytest.fixture
def providers(make_provider):
    make_provider(
        name="Near Clinic",
        street="100 Light Street",
        zip_code="21202",
        phone="410-555-0111",
        inquiry_email="near@example.org",
        services=["outpatient", "buprenorphine", "medicaid", "telehealth"],
        accepting_status=Provider.Status.ACCEPTING,
    )
    make_provider(
        name="Farther Clinic",
        city="Annapolis",
        zip_code="21401",
        services=["outpatient", "buprenorphine", "naltrexone-injection", "medicaid"],
    )
    make_provider(
        name="Harbor Residential",
        zip_code="21230",
        services=["residential", "methadone", "medicaid", "spanish"],
    )
    make_provider(
        name="Capitol Health",
        city="Washington",
        state="DC",
        zip_code="20001",
        services=["outpatient", "naltrexone", "medicaid"],
    )


def page_top(locator):
    """Where the element starts, in px from the top of the page."""
    return locator.bounding_box()["y"] + locator.page.evaluate("window.scrollY")


def results_come_first(page):
    heading = page.locator("#results-heading")
    assert page_top(heading) < FIRST_SCREENS
    card = page.locator(".result").first
    if card.count():
        assert page_top(card) < FIRST_SCREENS


def clean(page):
    assert page.off_site_requests == []
    assert page.console_errors == []


# 1. The home form: a clean search, with the kind of help as a filter.


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
@pytest.mark.parametrize(
    "kind, chips, expected",
    [
        (
            "Naltrexone (pill or monthly shot)",
            ["Naltrexone (pill)", "Naltrexone extended-release injection"],
            1,
        ),
        ("Telehealth", ["Offers telehealth"], 1),
        ("Any kind of help", [], 3),
    ],
)
def test_home_form_gives_a_clean_search(
    request, live_server, providers, page_fixture, kind, chips, expected
):
    page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_label("What kind of help?").select_option(label=kind)
    page.get_by_role("button", name="Find treatment").click()
    page.wait_for_url("**/treatment/?**")
    assert page.locator(".notice").count() == 0
    heading = page.locator("#results-heading").inner_text()
    assert heading.startswith(f"{expected} provider")
    assert page.locator(".chip").count() == len(chips)
    for label in chips:
        assert page.get_by_role("link", name=f"Remove {label}", exact=True).is_visible()
    results_come_first(page)
    if kind == "Telehealth":
        screenshot(page, f"journey-1-home-telehealth-{page_fixture}")
    clean(page)


# 2. The place box: forgiving, and honest when it cannot find a place.


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_place_box_forgives_and_offers_choices(
    request, live_server, providers, page_fixture
):
    page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/treatment/?near=baltimore")
    assert "within 25 miles of Baltimore, MD" in page.locator("h1").inner_text()

    page.goto(live_server.url + "/treatment/?near=St.+Louis%2C+MO")
    assert "of Saint Louis, MO" in page.locator("h1").inner_text()

    page.goto(live_server.url + "/treatment/?near=Springfield&payment=medicaid")
    assert page.locator("h1").inner_text() == "Which “Springfield” do you mean?"
    assert page.locator(".result").count() == 0
    screenshot(page, f"journey-2-did-you-mean-{page_fixture}")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Springfield, IL").click()
    page.wait_for_url("**near=Springfield%2C+IL**")
    assert "payment=medicaid" in page.url
    assert "within 25 miles of Springfield, IL" in page.locator("h1").inner_text()

    page.get_by_label("ZIP code or city").fill("99999")
    form = page.get_by_role("form", name="Search and filter")
    form.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**near=99999**")
    assert "There is no ZIP code 99999" in page.locator("#place-problem").inner_text()
    assert page.locator(".result").count() == 0
    assert "providers" not in page.locator("main").inner_text()
    assert page.get_by_label("ZIP code or city").get_attribute("aria-invalid")
    screenshot(page, f"journey-2-no-such-zip-{page_fixture}")
    clean(page)


# 3. Use my location: JavaScript only, rounded, and clear when refused.


def test_use_my_location_searches_near_the_rounded_position(
    browser, live_server, providers
):
    context = browser.new_context(
        viewport=PHONE,
        geolocation={"latitude": 39.290385, "longitude": -76.612189},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url("**/treatment/?**")
    assert "near=39.29%2C-76.61" in page.url  # about 1 km, before it left
    heading = page.locator("#results-heading").inner_text()
    assert "within 25 miles of your location (around Baltimore, MD)" in heading
    screenshot(page, "journey-3-my-location-phone")
    # The address works as a shared link, in another browser.
    shared = open_page(browser, live_server, DESKTOP)
    shared.goto(page.url)
    assert "your location" in shared.locator("#results-heading").inner_text()
    assert shared.locator(".result h2").first.inner_text() == "Near Clinic"
    screenshot(shared, "journey-3-my-location-desktop")
    shared.context.close()
    context.close()


def test_refused_location_says_so_and_leaves_the_form_usable(
    browser, live_server, providers
):
    page = open_page(browser, live_server, PHONE)  # permission never granted
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Use my location").click()
    status = page.locator("[data-locate-status]")
    status.filter(has_text="did not share your location").wait_for()
    assert page.url == live_server.url + "/"
    assert page.evaluate("document.activeElement.id") == "home-near"
    screenshot(page, "journey-3-location-refused-phone")
    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_role("button", name="Find treatment").click()
    page.wait_for_url("**near=21201**")
    page.context.close()


def test_without_javascript_there_is_no_location_button(
    no_js_page, live_server, providers
):
    no_js_page.goto(live_server.url + "/")
    assert not no_js_page.get_by_role("button", name="Use my location").is_visible()
    no_js_page.goto(live_server.url + "/treatment/?near=39.29%2C-76.61")
    assert "your location" in no_js_page.locator("#results-heading").inner_text()


# 4. Results first: the heading and the first card on the first screen.


def test_phone_results_come_first_after_every_change(
    phone_page, live_server, providers
):
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_role("button", name="Find treatment").click()
    page.wait_for_url("**/treatment/?**")
    results_come_first(page)
    screenshot(page, "journey-4-results-phone")

    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Buprenorphine (").check()
    page.locator("summary", has_text="Payment accepted").click()
    page.get_by_role("checkbox", name="Medicaid (").check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**medications=buprenorphine**#results")
    results_come_first(page)
    assert page.locator("summary", has_text="Filters").inner_text() == (
        "Filters (2 chosen)"
    )
    # The filter change lands on the results, not the top of the page.
    assert page.evaluate("window.scrollY") > 0
    assert 0 <= page.locator("#results-heading").bounding_box()["y"] < 100
    screenshot(page, "journey-4-filtered-phone")

    page.get_by_role("link", name="Remove Medicaid").click()
    page.wait_for_url("**#results")
    assert "payment=" not in page.url and "medications=buprenorphine" in page.url
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url("**#results")
    assert page.locator(".chip").count() == 0
    assert "near=21201" in page.url
    assert axe_violations(page) == []
    clean(page)


def test_keyboard_skips_to_the_results(phone_page, live_server, providers):
    page = phone_page
    page.goto(live_server.url + "/treatment/?near=21201&medications=buprenorphine")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Enter")
    tabs = 0
    while page.evaluate("document.activeElement.textContent") != "Near Clinic":
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= 5  # the chip, "Clear all", sort, its button, the card


def test_desktop_keeps_the_filters_beside_the_results(
    desktop_page, live_server, providers
):
    page = desktop_page
    page.goto(live_server.url + "/treatment/?near=21201&medications=buprenorphine")
    filters = page.get_by_role("checkbox", name="Buprenorphine (")
    assert filters.is_visible()  # open, with no "Filters" button to press
    assert not page.locator("summary", has_text="Filters").is_visible()
    results = page.locator("#results-heading").bounding_box()
    keyword = page.get_by_label("Name or keyword").bounding_box()
    assert keyword["x"] + keyword["width"] < results["x"]
    assert abs(keyword["y"] - results["y"]) < 40
    results_come_first(page)
    screenshot(page, "journey-4-results-desktop")
    assert axe_violations(page) == []
    clean(page)


def test_filters_work_without_javascript(no_js_page, live_server, providers):
    page = no_js_page
    page.goto(live_server.url + "/treatment/?near=21201")
    page.locator("summary", has_text="Filters").click()
    page.locator("summary", has_text="Languages").click()
    page.get_by_role("checkbox", name="Spanish (").check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**languages=spanish**")
    assert page.locator(".result h2").all_inner_texts() == ["Harbor Residential"]


# 5. No dead ends.


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_no_results_offers_what_would_give_results(
    request, live_server, providers, page_fixture
):
    page = request.getfixturevalue(page_fixture)
    page.goto(
        live_server.url + "/treatment/?near=21201&radius=5&medications=naltrexone"
    )
    wider = page.get_by_role("link", name="1 provider within 50 miles")
    without = page.get_by_role("link", name="Without “Naltrexone (pill)”: 2 providers")
    assert page_top(wider) < PHONE["height"] and page_top(without) < PHONE["height"]
    assert page.get_by_role("link", name="1-800-662-4357").last.is_visible()
    screenshot(page, f"journey-5-no-results-{page_fixture}")
    assert axe_violations(page) == []
    wider.click()
    page.wait_for_url("**radius=50**")
    assert page.locator(".result h2").all_inner_texts() == ["Capitol Health"]

    page.goto(live_server.url + "/treatment/?near=21201&page=7")
    assert page.url == live_server.url + "/treatment/?near=21201"
    assert page.locator(".result").count() == 3
    clean(page)


# 6. The words people use.


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_brand_names_become_filters(request, live_server, providers, page_fixture):
    page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/treatment/?near=21201")
    summary = page.locator("summary", has_text="Filters")
    if summary.is_visible():
        summary.click()
    page.get_by_label("Name or keyword").fill("Suboxone")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**q=Suboxone**")
    assert page.locator(".result h2").all_inner_texts() == [
        "Near Clinic",
        "Farther Clinic",
    ]
    assert "“Suboxone” means Buprenorphine" in page.locator(".notice").inner_text()
    assert page.get_by_role("link", name="Remove Buprenorphine").is_visible()
    results_come_first(page)
    screenshot(page, f"journey-6-suboxone-{page_fixture}")
    clean(page)


def test_header_search_box_ranks_the_page_about_it_first(
    desktop_page, live_server, providers
):
    page = desktop_page
    page.goto(live_server.url + "/facts/")
    page.get_by_role("searchbox", name="Search this site").fill("methadone")
    page.get_by_role("search", name="Search this site").get_by_role(
        "button", name="Search"
    ).click()
    page.wait_for_url("**/search/?q=methadone")
    first = page.locator(".article-list a").first
    assert first.inner_text() == "Medications for opioid use disorder"
    screenshot(page, "journey-6-site-search-desktop")
    assert axe_violations(page) == []
    clean(page)


def test_phones_get_a_search_link_in_the_header(phone_page, live_server):
    phone_page.goto(live_server.url + "/facts/")
    assert not phone_page.get_by_role("searchbox", name="Search this site").is_visible()
    phone_page.locator(".site-header").get_by_role("link", name="Search").click()
    phone_page.wait_for_url("**/search/")
    phone_page.get_by_label("Search the facts pages").fill("narcan")
    phone_page.get_by_role("main").get_by_role("button", name="Search").click()
    first = phone_page.locator(".article-list a").first
    assert first.inner_text() == "Overdose: signs and what to do"
    screenshot(phone_page, "journey-6-site-search-phone")
    assert axe_violations(phone_page) == []


# 7 and 8. Keep the visitor's place; directions; share a listing.


@pytest.mark.parametrize("page_fixture", VIEWPORTS)
def test_a_message_sent_leads_back_to_the_visitors_search(
    request, live_server, providers, page_fixture
):
    page = request.getfixturevalue(page_fixture)
    search = "/treatment/?near=21201&medications=buprenorphine"
    page.goto(live_server.url + search)
    page.get_by_role("link", name="Near Clinic").click()
    assert axe_violations(page) == []
    screenshot(page, f"journey-7-provider-{page_fixture}")
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("Your message").fill("Do you have openings this week?")
    page.get_by_label("I agree that Near Clinic will receive my message").check()
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/**")
    assert "sam@example.org" not in page.url
    assert axe_violations(page) == []
    page.get_by_role("link", name="Look for more treatment near you").click()
    page.wait_for_url(live_server.url + search)
    assert page.locator(".result h2").first.inner_text() == "Near Clinic"
    clean(page)


def test_directions_open_the_maps_app_on_android(browser, live_server, providers):
    context = browser.new_context(
        viewport=PHONE,
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
    )
    page = context.new_page()
    page.goto(live_server.url + "/treatment/?near=21201")
    page.get_by_role("link", name="Near Clinic").click()
    # provider.js swaps the link once it has run: expect() waits for it.
    expect(page.get_by_role("link", name="Directions")).to_have_attribute(
        "href", "geo:0,0?q=100%20Light%20Street%2C%20Baltimore%2C%20MD%2021202"
    )
    page.goto(live_server.url + "/treatment/?near=21201")
    page.get_by_role("link", name="Farther Clinic").click()
    expect(page.get_by_role("link", name="Directions")).to_have_attribute(
        "href", re.compile(r"^geo:0,0\?q=\d+%20Main%20Street%2C%20Annapolis%2C%20MD")
    )
    note = page.locator(".approximate").inner_text()
    assert note.startswith("Approximate location")
    context.close()


def test_share_copies_the_link_and_text_this_listing(browser, live_server, providers):
    context = browser.new_context(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(live_server.url + "/treatment/?near=21201")
    page.get_by_role("link", name="Near Clinic").click()
    url = page.url
    if page.evaluate("Boolean(navigator.share)"):
        pytest.skip("this Chromium has a share sheet; the copy fallback is not used")
    page.get_by_role("button", name="Share").click()
    page.get_by_role("status").filter(has_text="Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    text = page.get_by_role("link", name="Text this listing").get_attribute("href")
    assert text.startswith("sms:?&body=Near%20Clinic%0A410-555-0111%0A100%20Light")
    screenshot(page, "journey-8-share-desktop")
    context.close()


def test_share_is_hidden_without_javascript_and_text_still_works(
    no_js_page, live_server, providers
):
    no_js_page.goto(live_server.url + "/treatment/?near=21201")
    no_js_page.get_by_role("link", name="Near Clinic").click()
    assert not no_js_page.get_by_role("button", name="Share").is_visible()
    assert no_js_page.get_by_role("link", name="Text this listing").is_visible()
    directions = no_js_page.get_by_role("link", name="Directions")
    assert directions.get_attribute("href").startswith(
        "https://www.openstreetmap.org/directions?to=100%20Light%20Street"
    )
    screenshot(no_js_page, "journey-8-provider-no-js-phone")


@pytest.mark.parametrize(
    "path",
    ["/", "/treatment/?near=21201", "/facts/medications-for-opioid-use-disorder/"],
)
def test_every_page_type_touched_has_no_accessibility_violations_on_desktop(
    desktop_page, live_server, providers, path
):
    desktop_page.goto(live_server.url + path)
    assert axe_violations(desktop_page) == []
    desktop_page.goto(live_server.url + "/")
    screenshot(desktop_page, "journey-home-desktop")
