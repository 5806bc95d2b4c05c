"""Opening hours as data: time zones from state and ZIP code, the weekly
hours in admin, the "open now" filter and the hours lines on the search page
and the provider page, the directory's version, HSDS schedules and the
sample directory's hours. The time logic itself: tests/test_hours.py."""

import re
from datetime import UTC, datetime, time

import pytest
import zipcodes
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator

from tests.test_hsds import API, assert_valid, get_json, load, response_schema
from treatment.geo import US_STATES, US_TIME_ZONES, time_zone
from treatment.interchange.hsds import kind_id
from treatment.models import DirectoryVersion, OpeningHours, Provider

pytestmark = pytest.mark.django_db

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# Monday 23 November 2026, 8:30 in Baltimore (EST) and 7:30 in Nashville (CST).
MONDAY_MORNING = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
AN_HOUR_LATER = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
MONDAY_NIGHT = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10 p.m. in Baltimore
NO_HOURS = {"opening_hours-TOTAL_FORMS": "0", "opening_hours-INITIAL_FORMS": "0"}


def add_hours(provider, *intervals):
    for weekday, opens, closes in intervals:
        OpeningHours.objects.create(
            provider=provider,
            weekday=weekday,
            opens=time.fromisoformat(opens),
            closes=time.fromisoformat(closes),
        )
    return provider


def office_hours(provider, opens="08:00", closes="17:00"):
    return add_hours(provider, *[(day, opens, closes) for day in range(5)])


@pytest.fixture
def at(monkeypatch):
    """Set the present to an instant, for the pages."""
    return lambda moment: monkeypatch.setattr(timezone, "now", lambda: moment)


# Time zones ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "zip_code", "zone"),
    [
        ("MD", "21201", "America/New_York"),
        ("TN", "37203", "America/Chicago"),  # Nashville
        ("TN", "37902", "America/New_York"),  # Knoxville
        ("TN", "00000", "America/Chicago"),  # unknown: the state's main zone
        ("KY", "40202", "America/Kentucky/Louisville"),
        ("KY", "42101", "America/Chicago"),  # Bowling Green
        ("FL", "32501", "America/Chicago"),  # Pensacola
        ("FL", "33130", "America/New_York"),  # Miami
        ("TX", "79901", "America/Denver"),  # El Paso
        ("OR", "97913", "America/Boise"),  # Nyssa
        ("ID", "83814", "America/Los_Angeles"),  # Coeur d'Alene
        ("TX", "21201", "America/Chicago"),  # a Maryland ZIP code: Texas's zone
        ("HI", "96813", "Pacific/Honolulu"),
    ],
)
def test_a_time_zone_comes_from_the_zip_code_in_states_with_two(state, zip_code, zone):
    assert time_zone(state, zip_code) == zone


def test_every_zone_a_provider_can_be_in_is_listed():
    found = {
        time_zone(row["state"], row["zip_code"])
        for row in zipcodes.list_all()
        if row["state"] in US_STATES
    }
    assert found == set(US_TIME_ZONES)


def test_saving_fills_the_time_zone_and_moves_it_with_the_zip_code(make_provider):
    provider = make_provider(state="TN", zip_code="37203", city="Nashville")
    assert provider.time_zone == "America/Chicago"
    provider = Provider.objects.get(pk=provider.pk)
    provider.zip_code = "37902"
    provider.save()
    assert Provider.objects.get(pk=provider.pk).time_zone == "America/New_York"


def test_a_zone_staff_corrected_stays_until_the_place_changes(make_provider):
    provider = make_provider(state="TN", zip_code="37203")
    provider = Provider.objects.get(pk=provider.pk)
    provider.time_zone = "America/New_York"
    provider.save()
    provider = Provider.objects.get(pk=provider.pk)
    provider.name = "Renamed"
    provider.save()
    assert Provider.objects.get(pk=provider.pk).time_zone == "America/New_York"
    provider.zip_code = "37204"  # Nashville again
    provider.save()
    assert Provider.objects.get(pk=provider.pk).time_zone == "America/Chicago"


def test_bulk_writes_fill_and_move_time_zones(make_provider):
    (created,) = Provider.objects.bulk_create(
        [
            Provider(
                name="Bulk", slug="bulk", city="El Paso", state="TX", zip_code="79901"
            )
        ]
    )
    assert Provider.objects.get(slug="bulk").time_zone == "America/Denver"
    moved = Provider.objects.only("pk", "state", "zip_code").get(slug="bulk")
    moved.zip_code = "77002"  # Houston
    Provider.objects.bulk_update([moved], ["zip_code"])
    assert Provider.objects.get(slug="bulk").time_zone == "America/Chicago"


# Admin -----------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("editor", "e@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Directory editors"))
    client.force_login(user)
    return client


def provider_form(provider, **changes):
    data = {
        "name": provider.name,
        "slug": provider.slug,
        "city": provider.city,
        "state": provider.state,
        "zip_code": provider.zip_code,
        "accepting_status": provider.accepting_status,
        "source": provider.source,
        "is_published": "on",
        **NO_HOURS,
    }
    return data | changes


def test_a_directory_editor_enters_weekly_hours_in_the_providers_page(
    editor_client, make_provider
):
    provider = make_provider()
    url = f"/admin/treatment/provider/{provider.pk}/change/"
    html = editor_client.get(url).content.decode()
    assert "Weekly hours" in html and "Hours note" in html
    response = editor_client.post(
        url,
        provider_form(
            provider,
            walk_ins_welcome="on",
            **{
                "opening_hours-TOTAL_FORMS": "2",
                "opening_hours-0-weekday": "0",
                "opening_hours-0-opens": "08:00",
                "opening_hours-0-closes": "12:00",
                "opening_hours-1-weekday": "4",
                "opening_hours-1-opens": "22:00",
                "opening_hours-1-closes": "02:00",
            },
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    provider.refresh_from_db()
    assert provider.walk_ins_welcome
    assert [
        (hours.weekday, hours.start_minute, hours.end_minute)
        for hours in provider.opening_hours.all()
    ] == [(MON, 8 * 60, 12 * 60), (FRI, 4 * 1440 + 22 * 60, 5 * 1440 + 2 * 60)]


def test_hours_beside_open_24_7_are_refused_with_a_message(
    editor_client, make_provider
):
    provider = make_provider()
    response = editor_client.post(
        f"/admin/treatment/provider/{provider.pk}/change/",
        provider_form(
            provider,
            open_24_7="on",
            **{
                "opening_hours-TOTAL_FORMS": "1",
                "opening_hours-0-weekday": "0",
                "opening_hours-0-opens": "08:00",
                "opening_hours-0-closes": "12:00",
            },
        ),
    )
    assert response.status_code == 200
    assert "the weekly hours would not be used. Remove them, or untick it." in (
        response.content.decode()
    )
    assert not OpeningHours.objects.exists()


# The directory's version --------------------------------------------------


def test_every_change_to_hours_gives_the_directory_a_new_version(
    make_provider, django_capture_on_commit_callbacks
):
    provider = make_provider()
    versions = []

    def changed(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()
        versions.append(DirectoryVersion.current())

    changed(lambda: office_hours(provider))
    changed(
        lambda: OpeningHours.objects.bulk_create(
            [
                OpeningHours(
                    provider=provider, weekday=SAT, opens=time(9), closes=time(12)
                )
            ]
        )
    )
    changed(lambda: OpeningHours.objects.filter(weekday=SAT).update(closes=time(13)))
    changed(lambda: OpeningHours.objects.first().delete())
    changed(lambda: OpeningHours.objects.all().delete())
    assert None not in versions and len(set(versions)) == len(versions)


# Search --------------------------------------------------------------------


@pytest.fixture
def directory(make_provider):
    """In Baltimore: an office open 8 to 5 on weekdays, a 24/7 residential
    program, an evening program and a clinic with no hours; and an office
    in Chicago's zone (Nashville, 600 miles away)."""
    office = office_hours(
        make_provider(name="Day Office", walk_ins_welcome=True, services=["outpatient"])
    )
    make_provider(name="Always Open", open_24_7=True, same_day_start=True)
    add_hours(
        make_provider(name="Evening Program"),
        *[(day, "17:30", "21:00") for day in range(5)],
    )
    make_provider(name="No Hours Given", hours="Call for hours.")
    office_hours(
        make_provider(
            name="Nashville Office",
            city="Nashville",
            state="TN",
            zip_code="37203",
            services=["outpatient"],
        )
    )
    return office


def names(response):
    return [
        card.before_distance.split("</a>")[0].rsplit(">", 1)[1]
        for card in response.context["results"].page.object_list
    ]


def test_open_now_finds_who_is_open_in_their_own_time_zone(
    search_client, directory, at
):
    at(MONDAY_MORNING)
    response = search_client.get("/treatment/", {"radius": "any", "sort": "name"})
    results = response.context["results"]
    assert results.open_now_count == 2  # the Nashville office opens at 8 CST
    html = response.content.decode()
    assert 'name="open_now" id="id_open_now" value="1"' in html
    assert 'Open now <span class="count">(2)</span>' in html

    response = search_client.get(
        "/treatment/", {"radius": "any", "sort": "name", "open_now": "1"}
    )
    assert names(response) == ["Always Open", "Day Office"]
    html = response.content.decode()
    assert 'href="?radius=any&amp;sort=name#results"' in html  # the chip
    assert "Open now · until 5 p.m." in html and "Open 24 hours" in html
    assert "Walk-ins welcome" in html and "Same-day start" in html

    at(MONDAY_NIGHT)  # 10 p.m. in Baltimore, 9 p.m. in Nashville
    response = search_client.get(
        "/treatment/", {"radius": "any", "sort": "name", "open_now": "1"}
    )
    assert names(response) == ["Always Open"]
    assert response.context["results"].open_now_count == 1


def test_the_cards_say_when_each_opens(search_client, directory, at):
    at(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # Monday, 1 p.m. in Baltimore
    html = search_client.get("/treatment/", {"near": "21201"}).content.decode()
    assert "Open now · until 5 p.m." in html
    assert "Closed now · opens 5:30 p.m." in html
    at(datetime(2026, 11, 28, 17, 0, tzinfo=UTC))  # Saturday noon
    html = search_client.get("/treatment/", {"near": "21201"}).content.decode()
    assert "Closed today · opens 8 a.m. Monday" in html
    assert "Closed today · opens 5:30 p.m. Monday" in html
    assert html.count("hours-line") == 3  # none for "No Hours Given"


def test_no_one_open_offers_the_search_without_open_now(
    search_client, make_provider, at
):
    office_hours(make_provider(name="Day Office"))
    at(MONDAY_NIGHT)
    html = search_client.get("/treatment/", {"open_now": "1"}).content.decode()
    assert "0 providers" in html
    assert "Without “Open now”: 1 provider" in html


def test_cached_counts_follow_the_clock(directory, at, committed_client):
    """The same search, the directory unchanged: the open-now count changes
    when a provider opens or closes, though pages and panels are cached."""
    params = {"radius": "any", "open_now": "1"}

    def outpatient_count():
        html = committed_client.get("/treatment/", params).content.decode()
        return re.search(r'Outpatient[^<]*<span class="count">\((\d+)', html)[1]

    at(MONDAY_MORNING)
    assert committed_client.get("/treatment/", params).context["results"].total == 2
    assert committed_client.get("/treatment/", params).context["results"].total == 2
    assert outpatient_count() == "1"
    at(AN_HOUR_LATER)  # the Nashville office opens
    assert committed_client.get("/treatment/", params).context["results"].total == 3
    assert outpatient_count() == "2"
    at(MONDAY_NIGHT)
    results = committed_client.get("/treatment/", params).context["results"]
    assert (results.total, results.open_now_count) == (1, 1)


@pytest.fixture
def committed_client():
    from tests.conftest import CommittingClient

    return CommittingClient()


# The provider page ---------------------------------------------------------


def test_the_provider_page_shows_the_line_the_week_and_the_note(
    client, make_provider, at
):
    provider = add_hours(
        make_provider(
            name="Night Clinic",
            hours="Closed on public holidays.",
            same_day_start=True,
            state="TN",
            zip_code="37203",
        ),
        (MON, "08:00", "12:00"),
        (MON, "13:00", "17:00"),
        (FRI, "22:00", "02:00"),
        (SAT, "00:00", "00:00"),
    )
    at(AN_HOUR_LATER)  # 8:30 in Nashville
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "Open now · until noon" in html
    assert "Same-day start" in html
    assert "Closed on public holidays." in html
    assert "Times are local time where the provider is (CST)." in html
    rows = [
        ("Monday", "8 a.m. – noon, 1 p.m. – 5 p.m."),
        ("Tuesday", "Closed"),
        ("Friday", "10 p.m. – 2 a.m."),
        ("Saturday", "Open 24 hours"),
        ("Sunday", "Closed"),
    ]
    for day, times in rows:
        assert f"{day}</th><td>{times}</td>" in html.replace(
            ' <span class="visually-hidden">(today)</span>', ""
        )
    assert '<tr class="today"><th scope="row">Monday' in html


def test_a_provider_without_hours_shows_no_hours_line(client, make_provider):
    html = client.get(make_provider().get_absolute_url()).content.decode()
    assert "hours-line" not in html and "hours-table" not in html


# HSDS ------------------------------------------------------------------------


def schedule_validator():
    schema = load("compiled/service.json")["properties"]["schedules"]
    return Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_hsds_gives_the_weekly_hours_as_schedules(client, make_provider, at):
    provider = add_hours(
        make_provider(state="TN", zip_code="37203"),
        (MON, "08:00", "17:00"),
        (FRI, "22:00", "02:00"),
        (SAT, "00:00", "00:00"),
    )
    at(MONDAY_MORNING)
    data = get_json(client, f"/services/{kind_id('service', provider)}")
    assert_valid(data, response_schema("/services/{id}"))
    schedule_validator().validate(data["schedules"])
    assert [
        (s["byday"], s["opens_at"], s["closes_at"], s["timezone"])
        for s in data["schedules"]
    ] == [
        ("MO", "08:00-06:00", "17:00-06:00", -6),
        ("FR", "22:00-06:00", "02:00-06:00", -6),
        ("SA", "00:00-06:00", "23:59-06:00", -6),
    ]
    assert {s["service_id"] for s in data["schedules"]} == {data["id"]}
    assert "America/Chicago" in data["schedules"][0]["notes"]
    assert len({s["id"] for s in data["schedules"]}) == 3

    organization = get_json(
        client, f"/organizations/{kind_id('organization', provider)}"
    )
    assert_valid(organization, response_schema("/organizations/{id}"))
    assert organization["services"][0]["schedules"] == data["schedules"]


def test_hsds_gives_24_7_as_one_schedule_of_every_day(client, make_provider, at):
    provider = make_provider(open_24_7=True)
    at(datetime(2026, 7, 1, 12, tzinfo=UTC))  # daylight saving time
    data = get_json(client, f"/services/{kind_id('service', provider)}")
    assert_valid(data, response_schema("/services/{id}"))
    (schedule,) = data["schedules"]
    assert schedule["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert (schedule["opens_at"], schedule["closes_at"]) == (
        "00:00-04:00",
        "23:59-04:00",
    )
    assert (
        get_json(client, f"/services/{kind_id('service', make_provider())}")[
            "schedules"
        ]
        == []
    )
    assert API  # the API's root, as the HSDS tests use it


# The sample directory ---------------------------------------------------------


def test_sample_providers_have_hours_of_every_kind():
    call_command("generate_sample_directory", count=60, seed=1)
    providers = Provider.objects.prefetch_related("opening_hours")
    always = [p for p in providers if p.open_24_7]
    with_hours = [p for p in providers if p.opening_hours.all()]
    without = [p for p in providers if not p.open_24_7 and not p.opening_hours.all()]
    evenings = [
        p
        for p in with_hours
        if any(h.closes >= time(19) for h in p.opening_hours.all())
    ]
    assert always and with_hours and without and evenings
    assert any(p.walk_ins_welcome for p in providers)
    assert any(p.same_day_start for p in providers)
    assert all(p.time_zone in US_TIME_ZONES for p in providers)
    assert {p.time_zone for p in providers} > {"America/New_York"}
