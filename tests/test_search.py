import re
from datetime import date
from html import unescape
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.text import slugify

from treatment.geo import Place
from treatment.models import Provider, Service, ServiceCategory
from treatment.search import SearchResults

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(search_client):
    return search_client


RESULT_NAME = re.compile(r'<li class="result">\s*<h2><a href="[^"]+">([^<]+)</a>')


def names(response):
    """The names on the result cards, in order."""
    return [unescape(name) for name in RESULT_NAME.findall(response.content.decode())]


def option_count(response, group, slug):
    """The count the filter panel shows beside an option."""
    option = re.search(
        rf'id="f-{group}-{slug}"[^>]*>\s*'
        r'<label[^>]*>[^<]*<span class="count">\((\d+)',
        response.content.decode(),
    )
    return int(option[1])


@pytest.fixture
def maryland(make_provider):
    """Providers at known distances from Baltimore, MD 21201."""
    return {
        "downtown": make_provider(
            name="Downtown Clinic",
            zip_code="21202",
            services=["outpatient", "buprenorphine", "medicaid", "spanish"],
            accepting_status=Provider.Status.ACCEPTING,
            verified_on=date(2026, 1, 5),
        ),
        "towson": make_provider(
            name="Towson Recovery",
            city="Towson",
            zip_code="21204",
            services=["residential", "methadone", "private-insurance", "telehealth"],
            verified_on=date(2026, 6, 1),
        ),
        "annapolis": make_provider(
            name="Annapolis Harbor Program",
            city="Annapolis",
            zip_code="21401",
            services=["outpatient", "buprenorphine", "methadone", "private-insurance"],
            description="Evening groups for working parents.",
        ),
        "washington": make_provider(
            name="Capitol Health",
            city="Washington",
            state="DC",
            zip_code="20001",
            services=["outpatient", "buprenorphine", "medicaid"],
            accepting_status=Provider.Status.ACCEPTING,
        ),
        "boston": make_provider(
            name="Boston Bridge",
            city="Boston",
            state="MA",
            zip_code="02108",
            services=["outpatient", "naltrexone", "medicaid"],
        ),
    }


def test_zip_search_keeps_25_miles_and_sorts_nearest_first(client, maryland):
    response = client.get("/treatment/", {"near": "21201"})
    assert names(response) == [
        "Downtown Clinic",
        "Towson Recovery",
        "Annapolis Harbor Program",
    ]
    distances = [p.distance for p in response.context["results"].page.object_list]
    assert distances == sorted(distances)
    assert 0.5 < distances[0] < 1.5 and 20 < distances[2] < 23
    html = response.content.decode()
    assert "3 providers within 25 miles of Baltimore, MD 21201" in html
    assert "1.0 miles away" in html


@pytest.mark.parametrize(
    "radius, expected",
    [("5", 1), ("10", 2), ("25", 3), ("50", 4), ("100", 4), ("any", 5)],
)
def test_radius_choices(client, maryland, radius, expected):
    response = client.get("/treatment/", {"near": "21201", "radius": radius})
    assert response.context["results"].total == expected


def test_any_radius_still_sorts_by_distance_and_says_near(client, maryland):
    response = client.get("/treatment/", {"near": "21201", "radius": "any"})
    assert names(response)[-1] == "Boston Bridge"
    assert "5 providers near Baltimore, MD 21201" in response.content.decode()


def test_city_and_state_resolve_offline(client, maryland):
    response = client.get("/treatment/", {"near": "  baltimore ,  md "})
    assert "Downtown Clinic" in names(response)
    assert "within 25 miles of Baltimore, MD" in response.content.decode()


def test_text_search_covers_name_city_and_description(client, maryland):
    assert names(client.get("/treatment/", {"q": "towson"})) == ["Towson Recovery"]
    assert names(client.get("/treatment/", {"q": "bridge"})) == ["Boston Bridge"]
    assert names(client.get("/treatment/", {"q": "working parents"})) == [
        "Annapolis Harbor Program"
    ]


def test_any_of_within_a_group_and_all_of_across_groups(client, maryland):
    either = client.get("/treatment/", {"medications": ["methadone", "naltrexone"]})
    assert set(names(either)) == {
        "Towson Recovery",
        "Annapolis Harbor Program",
        "Boston Bridge",
    }
    both = client.get(
        "/treatment/", {"medications": ["methadone"], "payment": ["medicaid"]}
    )
    assert names(both) == []
    combined = client.get(
        "/treatment/",
        {
            "medications": ["buprenorphine"],
            "payment": ["medicaid", "private-insurance"],
            "care": ["outpatient"],
        },
    )
    assert set(names(combined)) == {
        "Downtown Clinic",
        "Annapolis Harbor Program",
        "Capitol Health",
    }


def test_accepting_and_telehealth_filters(client, maryland):
    accepting = client.get("/treatment/", {"accepting": "true"})
    assert set(names(accepting)) == {"Downtown Clinic", "Capitol Health"}
    telehealth = client.get("/treatment/", {"telehealth": "telehealth"})
    assert names(telehealth) == ["Towson Recovery"]


def test_facet_counts_apply_the_other_groups_choices(client, maryland):
    response = client.get(
        "/treatment/",
        {"near": "21201", "radius": "50", "medications": ["buprenorphine"]},
    )
    # Within the medications group, counts ignore the group's own choice.
    assert option_count(response, "medications", "buprenorphine") == 3
    assert option_count(response, "medications", "methadone") == 2
    assert option_count(response, "medications", "naltrexone") == 0
    # Other groups count within the buprenorphine results.
    assert option_count(response, "payment", "medicaid") == 2
    assert option_count(response, "payment", "private-insurance") == 1
    assert option_count(response, "care", "residential") == 0
    assert response.context["results"].accepting_count == 2


def test_options_with_no_results_are_listed_but_marked(client, maryland):
    html = client.get("/treatment/", {"near": "21201"}).content.decode()
    assert re.search(r'option empty">\s*<input[^>]+value="naltrexone"', html)
    assert 'Naltrexone (pill) <span class="count">(0, none match)' in html


def test_sort_by_name_and_by_most_recently_verified(client, maryland):
    by_name = client.get("/treatment/", {"sort": "name"})
    assert names(by_name) == sorted(names(by_name))
    verified = client.get("/treatment/", {"sort": "verified"})
    assert names(verified)[:2] == ["Towson Recovery", "Downtown Clinic"]


def test_sorting_by_distance_without_a_place_falls_back_to_name(client, maryland):
    response = client.get("/treatment/", {"sort": "distance"})
    assert names(response) == sorted(names(response))


def select(response, name):
    """[(value, label, selected)] of a select's options."""
    html = response.content.decode()
    options = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)[1]
    return [
        (value, unescape(label), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', options
        )
    ]


def test_the_distance_and_sort_selects_show_the_choice_made(client, maryland):
    page = client.get("/treatment/", {"near": "21201", "radius": "any", "sort": "name"})
    assert [label for _, label, _ in select(page, "radius")] == [
        "5 miles",
        "10 miles",
        "25 miles",
        "50 miles",
        "100 miles",
        "Any distance",
    ]
    assert [value for value, _, chosen in select(page, "radius") if chosen] == ["any"]
    assert select(page, "sort") == [
        ("distance", "Nearest first", False),
        ("name", "Name (A to Z)", True),
        ("verified", "Most recently confirmed", False),
    ]
    # Without a place there is no "nearest", and 25 miles stays the distance.
    page = client.get("/treatment/", {"q": "clinic"})
    assert [value for value, _, _ in select(page, "sort")] == ["name", "verified"]
    assert [value for value, _, chosen in select(page, "sort") if chosen] == ["name"]
    assert [value for value, _, chosen in select(page, "radius") if chosen] == ["25"]


def test_unpublished_providers_never_appear(client, make_provider):
    make_provider(name="Hidden Place", is_published=False)
    assert client.get("/treatment/").context["results"].total == 0


def test_twenty_per_page_and_pagination_keeps_every_filter(client, make_provider):
    for number in range(45):
        make_provider(name=f"Clinic {number:02}", services=["methadone", "medicaid"])
    params = {
        "near": "21201",
        "radius": "10",
        "medications": "methadone",
        "payment": "medicaid",
        "sort": "name",
        "q": "clinic",
    }
    first = client.get("/treatment/", params)
    assert len(names(first)) == 20
    html = first.content.decode()
    next_link = (
        re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    )
    for part in (
        "near=21201",
        "radius=10",
        "medications=methadone",
        "payment=medicaid",
        "sort=name",
        "q=clinic",
        "page=2",
    ):
        assert part in next_link
    last = client.get("/treatment/" + next_link.replace("page=2", "page=3"))
    assert names(last) == [f"Clinic {n}" for n in range(40, 45)]
    assert "Page 3 of 3" in last.content.decode()


def test_result_cards_show_what_a_visitor_needs(client, make_provider):
    make_provider(
        name="Card Clinic",
        zip_code="21202",
        phone="410-555-0142",
        services=["outpatient", "buprenorphine", "medicaid", "self-pay", "spanish"],
        accepting_status=Provider.Status.WAITLIST,
        accepting_status_on=date(2026, 11, 2),
        verified_on=date(2026, 10, 1),
    )
    html = client.get("/treatment/", {"near": "21201"}).content.decode()
    assert "Card Clinic" in html and "1.0 miles away" in html
    assert "Baltimore, MD 21202" in html
    assert 'href="tel:+14105550142"' in html
    assert "Outpatient, Buprenorphine" in html
    assert "Medicaid, Cash or self-pay" in html
    assert "Waitlist (as of Nov 2, 2026)" in html
    assert "Oct 1, 2026" in html


def test_result_cards_escape_what_a_listing_says(client, make_provider):
    name = """Clinic <script>alert("name")</script> & 'Co'"""
    make_provider(
        name=name,
        street='1 "Main" <b>Street</b>',
        city="<img src=x onerror=alert('city')>",
        zip_code="21202",
        phone="410-555-0142 <i>",
    )
    response = client.get("/treatment/", {"near": "21201"})
    html = response.content.decode()
    assert names(response) == [name]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<b>Street" not in html and "<i>" not in html
    assert (
        "Clinic &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; "
        "&#x27;Co&#x27;</a>"
    ) in html
    assert (
        "<p>1 &quot;Main&quot; &lt;b&gt;Street&lt;/b&gt;, "
        "&lt;img src=x onerror=alert(&#x27;city&#x27;)&gt;, MD 21202</p>"
    ) in html
    assert 'href="tel:+14105550142">Call 410-555-0142 &lt;i&gt;</a>' in html


def test_sample_listings_are_labelled(client, make_provider):
    make_provider(name="Made Up Place", source=Provider.Source.SAMPLE)
    assert "Sample listing (fictional)" in client.get("/treatment/").content.decode()


def test_empty_state_suggests_next_steps(client, maryland):
    html = client.get(
        "/treatment/", {"near": "21201", "radius": "5", "medications": "naltrexone"}
    ).content.decode()
    assert "What would give results" in html
    assert "radius=any" in html
    assert 'href="tel:+18006624357"' in html


# Bad input, one by one: a clear message or the last page, never a 500.


def message_for(client, params):
    response = client.get("/treatment/", params)
    assert response.status_code == 200
    return " ".join(response.context["results"].notices)


def place_message(client, params):
    response = client.get("/treatment/", params)
    assert response.status_code == 200
    return " ".join(response.context["results"].filterset.form.errors["near"])


def test_unknown_zip(client, maryland):
    assert "no ZIP code 00000" in place_message(client, {"near": "00000"})


def test_unknown_place(client, maryland):
    message = place_message(client, {"near": "Atlantis, ZZ"})
    assert "couldn’t find a city or town called “Atlantis, ZZ”" in message
    assert "Baltimore, MD" in message


def test_bad_radius(client, maryland):
    response = client.get("/treatment/", {"near": "21201", "radius": "abc"})
    assert "Distance" in " ".join(response.context["results"].notices)
    assert response.context["results"].total == 3  # the default 25 miles


def test_an_unknown_choice_in_a_group_is_named_and_its_filter_left_out(
    client, maryland
):
    response = client.get(
        "/treatment/", {"near": "21201", "medications": ["unicorn", "methadone"]}
    )
    notices = " ".join(response.context["results"].notices)
    assert "We don’t know “unicorn” under Medications" in notices
    assert response.context["results"].total == 3  # no medication filter
    methadone = client.get("/treatment/", {"near": "21201", "medications": "methadone"})
    assert not methadone.context["results"].notices
    assert names(methadone) == ["Towson Recovery", "Annapolis Harbor Program"]


def test_bad_sort(client, maryland):
    assert "Sort" in message_for(client, {"sort": "price"})


def test_page_past_the_end_goes_to_the_last_page(client, maryland):
    response = client.get("/treatment/", {"page": "99999"}, follow=True)
    assert response.redirect_chain == [("/treatment/", 302)]
    assert response.context["results"].total == 5


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5"])
def test_bad_page_numbers_show_the_first_page(client, maryland, page):
    assert "first page" in message_for(client, {"page": page})


def test_unknown_service_slug(client, maryland):
    response = client.get(
        "/treatment/", {"medications": ["methadone", "unicorn-tears"]}
    )
    message = " ".join(response.context["results"].notices)
    assert "unicorn-tears" in message
    assert response.status_code == 200


def test_very_long_text(client, maryland):
    response = client.get("/treatment/", {"q": "x" * 5000})
    assert response.status_code == 200
    assert "200 characters" in " ".join(response.context["results"].notices)
    assert 'value="' + "x" * 201 not in response.content.decode()


def test_repeated_parameters(client, maryland):
    response = client.get(
        "/treatment/?near=21201&near=02108&radius=5&radius=10&q=a&q=b"
    )
    assert response.status_code == 200


def test_non_utf8_bytes(client, maryland):
    response = client.get("/treatment/?near=%FF%FE&q=%C3%28&medications=%ff")
    assert response.status_code == 200


def test_unknown_parameters_are_ignored(client, maryland):
    response = client.get("/treatment/", {"utm_source": "x", "colour": "blue"})
    assert response.status_code == 200
    assert response.context["results"].total == 5


# Query counts are fixed, whatever the filters and page size.


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"near": "21201"},
        {
            "near": "21201",
            "radius": "any",
            "medications": ["methadone", "buprenorphine"],
            "payment": "medicaid",
            "languages": "spanish",
            "accepting": "true",
            "telehealth": "telehealth",
            "q": "clinic",
            "sort": "verified",
        },
    ],
)
def test_search_page_runs_at_most_seven_queries(
    client, make_provider, django_assert_max_num_queries, params
):
    """The first search after a change to many providers: the version, the
    taxonomy, the change log (too much changed), the index's two, the
    keywords' match and the page's providers (the cards' services and hours
    come from the index; on the plain path, from one query)."""
    for _ in range(30):
        make_provider(services=["methadone", "medicaid", "spanish", "outpatient"])
    client.get("/privacy/")  # commits the writes, when the client commits
    with django_assert_max_num_queries(7):
        response = client.get("/treatment/", params)
    assert response.status_code == 200


def test_a_new_category_with_the_default_order_is_one_filter_group(
    client, make_provider
):
    """Staff add a category in admin and leave its order at 0, as the first
    category's is: each category is still one group in the panel."""
    extra = ServiceCategory.objects.create(slug="extras", name="Extras")
    for order, name in enumerate(["Art therapy", "Yoga"]):
        Service.objects.create(
            slug=slugify(name), name=name, category=extra, order=order
        )
    make_provider(services=["outpatient", "yoga"])
    html = client.get("/treatment/").content.decode()
    legends = re.findall(r'<legend class="visually-hidden">([^<]+)<', html)
    assert len(legends) == len(set(legends))
    assert "Extras" in legends and "Type of care" in legends
    extras = html[html.index(">Extras<") :]
    extras = extras[: extras.index("</fieldset>")]
    assert 'value="art-therapy"' in extras and 'value="yoga"' in extras


def test_totals_a_search_offers_when_it_finds_few(client, maryland):
    """What each wider distance, and undoing each choice, would find."""
    params = {
        "near": "21201",
        "radius": "10",
        "medications": ["methadone", "naltrexone"],
        "accepting": "true",
        "q": "recovery",
    }
    results = client.get("/treatment/", params).context["results"]
    assert results.total == 0
    assert results.wider_totals == [("25", 0), ("50", 0), ("100", 0), ("any", 0)]
    assert results.totals_without == [
        ("q", "recovery", "recovery", 0),
        ("medications", "methadone", "Methadone", 0),
        ("medications", "naltrexone", "Naltrexone (pill)", 0),
        ("accepting", "true", "Accepting new patients", 1),
    ]
    params["accepting"] = ""
    results = client.get("/treatment/", params).context["results"]
    assert results.total == 1  # Towson Recovery, 7 miles away
    assert results.totals_without[0] == ("q", "recovery", "recovery", 1)
    params["q"] = ""
    results = client.get("/treatment/", params).context["results"]
    assert results.wider_totals == [("25", 2), ("50", 2), ("100", 2), ("any", 3)]


@pytest.mark.parametrize(
    "place, miles, total, heading, title",
    [
        (None, 25, 1, "1 provider", "Find treatment"),
        (None, None, 7, "7 providers", "Find treatment"),
        (
            Place("Towson, MD 21204", 39.4, -76.6),
            25,
            1,
            "1 provider within 25 miles of Towson, MD 21204",
            "Treatment near Towson, MD 21204",
        ),
        (
            Place("Towson, MD 21204", 39.4, -76.6),
            None,
            3,
            "3 providers near Towson, MD 21204",
            "Treatment near Towson, MD 21204",
        ),
        (
            Place("Towson, MD", 39.4, -76.6, from_device=True),
            10,
            2,
            "2 providers within 10 miles of your location (around Towson, MD)",
            "Treatment near your location",
        ),
        (
            Place("Towson, MD", 39.4, -76.6, from_device=True),
            None,
            1,
            "1 provider near your location (around Towson, MD)",
            "Treatment near your location",
        ),
        (
            Place("", 30.0, -60.0, from_device=True),
            50,
            0,
            "0 providers within 50 miles of your location",
            "Treatment near your location",
        ),
        (
            Place("", 30.0, -60.0, from_device=True),
            None,
            1,
            "1 provider near your location",
            "Treatment near your location",
        ),
    ],
)
def test_the_heading_and_title_say_how_many_within_how_far_of_where(
    place, miles, total, heading, title
):
    results = results_near(place, miles, total)
    assert (results.heading, results.title) == (heading, title)


def test_the_heading_and_title_in_spanish():
    results = results_near(Place("Towson, MD", 39.4, -76.6), 25, 1)
    with translation.override("es"):
        assert results.heading == "1 proveedor a menos de 25 millas de Towson, MD"
        assert results.title == "Tratamiento cerca de Towson, MD"


def results_near(place, miles, total):
    """SearchResults of `total` providers within `miles` of `place`: all that
    its heading and title read."""
    return SearchResults(
        filterset=SimpleNamespace(place=place, radius_miles=miles),
        answer=None,
        page=None,
        total=total,
        accepting_count=0,
        open_now_count=0,
        notices=[],
        version=None,
    )
