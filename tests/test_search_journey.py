"""The search journey, as a visitor meets it: the home form, the place box,
the words people use, chips, what to try when nothing matches, and keeping
the visitor's place on the way to a provider and back."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from facts.models import Article
from tests.test_search import maryland, names  # noqa: F401 (maryland: a fixture)
from treatment.models import Service
from treatment.models.versions import directory_changed

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]*)">')


def page(client, params):
    response = client.get("/treatment/", params)
    assert response.status_code == 200
    return response, unescape(response.content.decode())


def applied(response):
    cleaned = response.context["results"].filterset.cleaned
    return {
        group.key: sorted(cleaned[group.key])
        for group in response.context["results"].filterset.groups
        if cleaned.get(group.key)
    }


# 1. The home form: every choice gives a clean search with the right filter.


def home_options(client):
    html = client.get("/").content.decode()
    select = re.search(r'<select id="home-help" name="help">(.*?)</select>', html, re.S)
    return OPTION.findall(select.group(1))


def expected_filter(value):
    if value == "":
        return {}
    if value == "naltrexone":
        return {"medications": ["naltrexone", "naltrexone-injection"]}
    if value == "telehealth":
        return {"telehealth": ["telehealth"]}
    service = Service.objects.get(slug=value)
    return {service.category.slug: [value]}


def test_home_form_offers_the_three_medications_and_telehealth(client):
    options = home_options(client)
    for value in ("", "methadone", "buprenorphine", "naltrexone", "telehealth"):
        assert value in options
    care = Service.objects.filter(category__slug="care").values_list("slug", flat=True)
    assert set(care) <= set(options)


@pytest.mark.usefixtures("maryland")
def test_every_home_form_choice_gives_a_clean_search(client):
    for value in home_options(client):
        response, html = page(client, {"near": "21201", "help": value})
        assert response.context["results"].notices == []
        assert 'class="notice"' not in html, value
        assert applied(response) == expected_filter(value), value
        assert "within 25 miles of Baltimore, MD 21201" in html


@pytest.mark.usefixtures("maryland")
def test_empty_parameters_never_reach_the_filters(client):
    response = client.get(
        "/treatment/?near=21201&care=&medications=&payment=&q=&radius=&sort="
        "&accepting=&help=&telehealth="
    )
    html = response.content.decode()
    assert response.context["results"].notices == []
    assert 'class="notice"' not in html
    assert response.context["results"].total == 3


@pytest.mark.usefixtures("maryland")
def test_an_unknown_kind_of_help_is_said_and_left_out(client):
    response, html = page(client, {"near": "21201", "help": "unicorns"})
    assert "We don’t know “unicorns” as a kind of help" in html
    assert response.context["results"].total == 3


# 2. The place box: a problem shows what was not understood, never a list.


@pytest.mark.parametrize(
    "typed, message",
    [
        ("99999", "There is no ZIP code 99999."),
        ("Atlantis, ZZ", "We couldn’t find a city or town called “Atlantis, ZZ”"),
        ("Baltimre, MD", "called “Baltimre” in Maryland"),
        ("Springfield", "There is more than one place called “Springfield”"),
        ("Maryland", "“Maryland” is a whole state."),
        ("2120", "“2120” is not a ZIP code"),
        ("near me", "We can’t tell where “near me” is"),
    ],
)
@pytest.mark.usefixtures("maryland")
def test_a_place_not_understood_shows_no_results_and_how_to_fix_it(
    client,
    typed,
    message,
):
    response, html = page(client, {"near": typed, "medications": "methadone"})
    assert message in html
    assert names(response) == []
    assert not re.search(r"\d+ providers?", html)
    assert 'aria-invalid="true" aria-describedby="place-problem"' in html
    # The other choices are kept for the next search.
    assert '<input type="hidden" name="medications" value="methadone">' in html


@pytest.mark.usefixtures("maryland")
def test_did_you_mean_links_keep_the_other_choices(client):
    response, html = page(client, {"near": "Springfield", "payment": "medicaid"})
    links = re.findall(r'<li><a href="\?([^"]+)#results">(Springfield, [A-Z]{2})', html)
    assert [label for _, label in links][:3] == [
        "Springfield, IL",
        "Springfield, MA",
        "Springfield, MO",
    ]
    query = parse_qs(links[0][0])
    assert query == {"near": ["Springfield, IL"], "payment": ["medicaid"]}
    assert client.get("/treatment/", query).context["results"].filterset.place


@pytest.mark.usefixtures("maryland")
def test_a_city_alone_searches_the_largest_and_offers_the_others(client):
    response, html = page(client, {"near": "baltimore"})
    assert "3 providers within 25 miles of Baltimore, MD" in html
    assert "Other places called Baltimore:" in html
    assert ">Baltimore, OH</a>" in html


@pytest.mark.usefixtures("maryland")
def test_use_my_location_searches_near_the_rounded_position(client):
    response, html = page(client, {"near": "39.2904,-76.6122"})
    place = response.context["results"].filterset.place
    assert (place.latitude, place.longitude) == (39.29, -76.61)
    assert "within 25 miles of your location (around Baltimore, MD)" in html
    assert names(response)[0] == "Downtown Clinic"
    assert "data-locate" in html and "js/locate.js" in html


# 6. The words people use become the directory's own filters.


@pytest.mark.parametrize(
    "word, group, slugs",
    [
        *[
            (brand, "medications", ["buprenorphine"])
            for brand in ("Suboxone", "subutex", "Sublocade", "brixadi", "ZUBSOLV")
        ],
        ("vivitrol", "medications", ["naltrexone-injection"]),
        *[(brand, "medications", ["naloxone"]) for brand in ("Narcan", "kloxxado")],
        ("zimhi", "medications", ["naloxone"]),
        *[
            (brand, "medications", ["methadone"])
            for brand in ("methadose", "Dolophine")
        ],
        ("rehab", "care", ["hospital-inpatient", "residential"]),
        ("detox", "care", ["detox"]),
        *[
            (
                acronym,
                "medications",
                ["buprenorphine", "methadone", "naltrexone", "naltrexone-injection"],
            )
            for acronym in ("MAT", "moud")
        ],
    ],
)
def test_brand_and_common_names_become_filters(client, word, group, slugs):
    response, html = page(client, {"q": word})
    assert applied(response) == {group: slugs}
    assert (
        "q" not in response.context["results"].filterset.cleaned
        or not (response.context["results"].filterset.cleaned["q"])
    )
    assert f"“{word}” means " in html
    chips = re.findall(
        r'<a class="chip"[^>]*><span class="visually-hidden">Remove ', html
    )
    assert len(chips) == len(slugs)


@pytest.mark.usefixtures("maryland")
def test_suboxone_finds_buprenorphine_providers_and_keeps_other_words(
    client,
):
    response, html = page(client, {"near": "21201", "q": "suboxone"})
    assert names(response) == ["Downtown Clinic", "Annapolis Harbor Program"]
    assert "“suboxone” means Buprenorphine here, so we chose that filter" in html
    response, _ = page(client, {"near": "21201", "q": "Suboxone evening"})
    assert names(response) == ["Annapolis Harbor Program"]
    assert response.context["results"].filterset.cleaned["q"] == "evening"


@pytest.mark.usefixtures("maryland")
def test_a_zip_code_in_the_keyword_box_searches_that_place(client):
    response, html = page(client, {"q": "21201"})
    assert "3 providers within 25 miles of Baltimore, MD 21201" in html
    assert "“21201” is a ZIP code, so we searched near it." in html
    assert 'id="id_near" value="21201"' in html


@pytest.mark.usefixtures("maryland")
def test_csv_download_follows_the_rewritten_search(client):
    _, html = page(client, {"near": "21201", "q": "rehab"})
    link = re.search(r'href="(/treatment/results\.csv\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(link).query)
    assert sorted(query) == ["care", "near"] and query["near"] == ["21201"]
    assert sorted(query["care"]) == ["hospital-inpatient", "residential"]
    rows = client.get(link).content.decode().splitlines()
    assert len(rows) == 2 and "Towson Recovery" in rows[1]


# 4. Chosen filters as chips, each removable, and "Clear all".


@pytest.mark.usefixtures("maryland")
def test_chips_remove_one_choice_and_clear_all_keeps_the_place(client):
    response, html = page(
        client,
        {
            "near": "21201",
            "radius": "50",
            "medications": ["buprenorphine", "methadone"],
            "payment": "medicaid",
            "accepting": "true",
            "q": "clinic",
            "sort": "name",
            "page": "1",
        },
    )
    assert "Filters (5 chosen)" in html
    chips = dict(
        (label, parse_qs(query))
        for query, label in re.findall(
            r'<a class="chip" href="\?([^"]*)#results"><span class="visually-hidden">'
            r"Remove </span>([^<]+)<",
            html,
        )
    )
    assert list(chips) == [
        "“clinic”",
        "Accepting new patients",
        "Buprenorphine",
        "Methadone",
        "Medicaid",
    ]
    assert chips["Methadone"] == {
        "near": ["21201"],
        "radius": ["50"],
        "sort": ["name"],
        "q": ["clinic"],
        "accepting": ["true"],
        "medications": ["buprenorphine"],
        "payment": ["medicaid"],
    }
    clear_all = re.search(r'<a class="clear-all" href="\?([^"]*)#results"', html)
    assert parse_qs(clear_all.group(1)) == {
        "near": ["21201"],
        "radius": ["50"],
        "sort": ["name"],
    }


@pytest.mark.usefixtures("maryland")
def test_skip_to_results_and_every_change_lands_on_the_results(client):
    _, html = page(client, {"near": "21201"})
    assert '<a class="skip-link" href="#results">Skip to results</a>' in html
    assert 'action="/treatment/#results"' in html
    assert '<section id="results"' in html
    filters = html.index('<details class="filters-panel">')
    assert filters < html.index('<h1 id="results-heading"')


# 5. No dead ends.


@pytest.mark.usefixtures("maryland")
def test_no_results_offers_what_would_give_results_then_the_helpline(
    client,
):
    response, html = page(
        client, {"near": "21201", "radius": "5", "medications": "naltrexone"}
    )
    assert names(response) == []
    suggestions = re.findall(r'<li><a href="\?([^"]+)#results">([^<]+)</a></li>', html)
    assert [text for _, text in suggestions] == [
        "1 provider at any distance",
        "Without “Naltrexone (pill)”: 1 provider",
    ]
    wider, without = (parse_qs(query) for query, _ in suggestions)
    assert wider["radius"] == ["any"] and wider["medications"] == ["naltrexone"]
    assert without == {"near": ["21201"], "radius": ["5"]}
    assert html.index("What would give results") < html.index("1-800-662-4357</a>. It")
    assert client.get("/treatment/", wider).context["results"].total == 1
    assert client.get("/treatment/", without).context["results"].total == 1


@pytest.mark.usefixtures("maryland")
def test_wider_distances_are_offered_only_where_they_add_results(
    client,
):
    response, html = page(client, {"near": "21201", "radius": "5", "q": "towson"})
    assert response.context["results"].wider == [("10", 1)]
    assert "1 provider within 10 miles" in html
    assert "Without the words “towson”: 1 provider" in html


@pytest.mark.usefixtures("maryland")
def test_what_would_give_results_is_counted_from_the_same_search(
    client,
):
    response, _ = page(
        client,
        {
            "near": "21201",
            "radius": "5",
            "medications": ["naltrexone", "methadone"],
        },
    )
    results = response.context["results"]
    assert results.wider_totals == [
        ("10", 1),  # Towson
        ("25", 2),  # and Annapolis
        ("50", 2),
        ("100", 2),
        ("any", 3),  # and Boston
    ]
    assert results.wider == [("10", 1), ("25", 2), ("any", 3)]
    assert sorted(results.totals_without) == [
        ("medications", "methadone", "Methadone", 0),
        ("medications", "naltrexone", "Naltrexone (pill)", 0),
    ]
    response, _ = page(client, {"near": "21201", "medications": "naltrexone"})
    assert response.context["results"].totals_without == [
        ("medications", "naltrexone", "Naltrexone (pill)", 3)
    ]


def test_a_search_with_nothing_to_relax_still_offers_the_helpline(client):
    response, html = page(client, {})
    assert response.context["results"].total == 0
    assert "No providers match this search" in html
    assert 'href="tel:+18006624357"' in html


def test_a_page_past_the_last_redirects_to_the_last_page(client, make_provider):
    for number in range(45):
        make_provider(name=f"Clinic {number:02}")
    response = client.get("/treatment/", {"near": "21201", "page": "99"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "near": ["21201"],
        "page": ["3"],
    }
    response = client.get("/treatment/", {"near": "99999", "page": "4"})
    assert response.status_code == 200  # the place is the problem, not the page
    response = client.get("/treatment/", {"q": "nothing-like-it", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/treatment/?q=nothing-like-it"


@pytest.mark.usefixtures("maryland")
def test_a_search_with_no_results_runs_a_bounded_number_of_queries(
    client,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    params = {
        "near": "21201",
        "radius": "5",
        "medications": "naltrexone",
        "languages": "spanish",
        "accepting": "true",
        "q": "clinic",
    }
    with django_capture_on_commit_callbacks(execute=True):
        directory_changed()  # a version, under which search caches
    with django_assert_max_num_queries(7):
        client.get("/treatment/", params)
    with django_assert_max_num_queries(1):  # all of it from the cache
        client.get("/treatment/", params)


# 7. Keep the visitor's place: from a search to a provider, a message, and back.


INQUIRY = {
    "who_needs_help": "me",
    "name": "Sam",
    "email": "sam@example.org",
    "preferred_contact": "email",
    "preferred_time": "any",
    "message": "Do you have openings this week?",
    "consent": "on",
    "recipient": "Harbor Clinic",  # whom the consent box named
}


def test_look_for_more_returns_to_the_visitors_own_search(client, make_provider):
    provider = make_provider(name="Harbor Clinic", inquiry_email="in@example.org")
    search = "/treatment/?near=21201&medications=methadone"
    html = client.get(
        provider.get_absolute_url(), headers={"referer": f"http://testserver{search}"}
    ).content.decode()
    assert (
        f'<input type="hidden" name="search" value="{search.replace("&", "&amp;")}">'
        in html
    )
    response = client.post(
        f"{provider.get_absolute_url()}contact/", {**INQUIRY, "search": search}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert "sam@example.org" not in location and "Sam" not in location
    sent = client.get(location).content.decode()
    assert f'<a href="{search.replace("&", "&amp;")}">Look for more treatment' in sent


@pytest.mark.parametrize(
    "search",
    [
        "https://evil.example/treatment/?near=21201",
        "//evil.example/treatment/",
        "javascript:alert(1)",
        "/admin/",
        "/treatment/harbor/",
        "/treatment/",  # no search to go back to: the confirmation offers a new one
    ],
)
def test_only_this_sites_search_is_carried_to_the_confirmation(
    client, make_provider, search
):
    provider = make_provider(name="Harbor Clinic", inquiry_email="in@example.org")
    response = client.post(
        f"{provider.get_absolute_url()}contact/", {**INQUIRY, "search": search}
    )
    assert response["Location"] == "/contact/sent/"
    sent = client.get("/contact/sent/", {"search": search}).content.decode()
    assert '<a href="/treatment/">Look for more treatment' in sent


# 7 and 8. Directions, sharing and texting a listing.


def test_directions_use_the_street_address_and_the_maps_app(client, make_provider):
    provider = make_provider(street="100 Light Street", zip_code="21202")
    html = client.get(provider.get_absolute_url()).content.decode()
    address = "100%20Light%20Street%2C%20Baltimore%2C%20MD%2021202"
    assert f'href="https://www.openstreetmap.org/directions?to={address}"' in html
    assert f'data-geo-href="geo:0,0?q={address}"' in html
    assert f'data-apple-href="https://maps.apple.com/?daddr={address}"' in html
    assert "Approximate location: distances on this site are from the centre" in html


def test_directions_without_a_street_go_to_the_map_point_and_say_so(
    client, make_provider
):
    provider = make_provider(street="", zip_code="21401")
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "directions?route=%3B38.98980%2C-76.55010" in html
    assert 'data-geo-href="geo:38.98980,-76.55010?q=38.98980,-76.55010(' in html
    assert "directions go to the centre of ZIP code 21401, not to the door" in html
    exact = make_provider(street="", latitude=39.3, longitude=-76.6)
    html = client.get(exact.get_absolute_url()).content.decode()
    assert "Approximate location" not in html


def test_share_and_text_this_listing(client, make_provider):
    provider = make_provider(
        name="Harbor Clinic", street="100 Light Street", phone="410-555-0100"
    )
    html = unescape(client.get(provider.get_absolute_url()).content.decode())
    url = f"http://testserver{provider.get_absolute_url()}"
    assert f'hidden data-share data-url="{url}"' in html
    sms = re.search(r'href="(sms:\?&body=[^"]+)">Text this listing<', html).group(1)
    body = parse_qs(urlsplit(sms).query)["body"][0]
    assert body.splitlines() == [
        "Harbor Clinic",
        "410-555-0100",
        "100 Light Street, Baltimore, MD 21201",
        url,
    ]
    assert "js/provider.js" in html


# 6. The site search: the same words, and titles and headings first.


def first_result(client, words):
    html = client.get("/search/", {"q": words}).content.decode()
    return re.search(r'<a href="(/facts/[^"]+/)"><strong>', html).group(1)


@pytest.mark.parametrize(
    "words, page_url",
    [
        ("methadone", "/facts/medications-for-opioid-use-disorder/"),
        ("Suboxone", "/facts/medications-for-opioid-use-disorder/"),
        ("vivitrol", "/facts/medications-for-opioid-use-disorder/"),
        ("MAT", "/facts/medications-for-opioid-use-disorder/"),
        ("narcan", "/facts/overdose-signs-and-what-to-do/"),
        ("rehab", "/facts/inpatient-and-residential-treatment/"),
    ],
)
def test_site_search_puts_the_page_about_it_first(client, words, page_url):
    assert first_result(client, words) == page_url


def test_site_search_ranks_title_then_heading_then_body():
    def article(slug, title, body):
        return Article.objects.create(
            slug=slug,
            title=title,
            summary="A page.",
            body=body,
            section=Article.Section.TREATMENT,
            is_published=True,
        )

    in_body = article("in-body", "Aardvark notes", "A word about the quokka.")
    in_heading = article("in-heading", "Badger notes", "## Quokka care\n\nText.")
    in_title = article("in-title", "Zany quokka facts", "Nothing else.")
    found = list(Article.objects.published().search("quokka"))
    assert found == [in_title, in_heading, in_body]


def test_header_has_a_site_search_box_and_a_link_for_phones(client):
    html = client.get("/").content.decode()
    assert '<form class="header-search" action="/search/" method="get"' in html
    assert '<input type="search" id="header-q" name="q"' in html
    assert '<a class="header-search-link" href="/search/">Search</a>' in html
