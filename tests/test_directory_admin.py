from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from treatment.models import Provider, Service

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/treatment/provider/"


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    return client


def listed(response):
    return {p.name for p in response.context["cl"].result_list}


def test_search_by_name_city_and_zip(staff_client, make_provider):
    make_provider(name="Alpha House", city="Towson", zip_code="21204")
    make_provider(name="Beta Clinic", city="Annapolis", zip_code="21401")
    assert listed(staff_client.get(CHANGELIST, {"q": "alpha"})) == {"Alpha House"}
    assert listed(staff_client.get(CHANGELIST, {"q": "annapolis"})) == {"Beta Clinic"}
    assert listed(staff_client.get(CHANGELIST, {"q": "21204"})) == {"Alpha House"}


def test_filters_state_category_published_source_and_stale(staff_client, make_provider):
    make_provider(
        name="Fresh",
        state="VA",
        verified_on=timezone.localdate(),
        services=["methadone"],
    )
    make_provider(
        name="Old",
        verified_on=timezone.localdate() - timedelta(days=200),
        is_published=False,
        source=Provider.Source.SAMHSA,
        source_id="x1",
    )
    make_provider(name="Never", verified_on=None, services=["medicaid"])
    assert listed(staff_client.get(CHANGELIST, {"state": "VA"})) == {"Fresh"}
    assert listed(staff_client.get(CHANGELIST, {"category": "medications"})) == {
        "Fresh"
    }
    assert listed(staff_client.get(CHANGELIST, {"is_published__exact": "0"})) == {"Old"}
    assert listed(staff_client.get(CHANGELIST, {"source__exact": "samhsa"})) == {"Old"}
    assert listed(staff_client.get(CHANGELIST, {"confirmed": "older"})) == {
        "Old",
        "Never",
    }


def test_publish_unpublish_and_mark_verified_actions(staff_client, make_provider):
    provider = make_provider(is_published=False, verified_on=date(2020, 1, 1))

    def act(action):
        staff_client.post(
            CHANGELIST, {"action": action, "_selected_action": [provider.pk]}
        )
        provider.refresh_from_db()

    act("publish")
    assert provider.is_published
    act("unpublish")
    assert not provider.is_published
    act("mark_verified_today")
    assert provider.verified_on == timezone.localdate()


def test_adding_a_provider_fills_the_map_point_from_the_zip(staff_client):
    services = Service.objects.filter(slug__in=["methadone", "medicaid"])
    response = staff_client.post(
        "/admin/treatment/provider/add/",
        {
            "name": "New Place",
            "slug": "new-place",
            "city": "Annapolis",
            "state": "MD",
            "zip_code": "21401",
            "accepting_status": "unknown",
            "source": "manual",
            "services": [s.pk for s in services],
            **NO_HOURS,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    provider = Provider.objects.get(slug="new-place")
    assert (provider.latitude, provider.longitude) == (38.9898, -76.5501)
    assert provider.location_is_approximate
    assert set(provider.services.values_list("slug", flat=True)) == {
        "methadone",
        "medicaid",
    }


def test_exact_coordinates_typed_by_staff_are_kept(staff_client, make_provider):
    provider = make_provider(latitude=39.3, longitude=-76.6)
    assert (provider.latitude, provider.longitude) == (39.3, -76.6)
    assert not provider.location_is_approximate


def test_category_and_service_admin_pages_work(staff_client):
    assert staff_client.get("/admin/treatment/servicecategory/").status_code == 200
    response = staff_client.get("/admin/treatment/service/", {"q": "BUM"})
    assert [s.slug for s in response.context["cl"].result_list] == ["buprenorphine"]


def test_taxonomy_is_seeded_with_samhsa_codes():
    methadone = Service.objects.get(slug="methadone")
    assert set(methadone.code_list()) == {"MM", "OTP", "METH", "DM", "MMW"}
    assert "MU" not in Service.objects.get(slug="methadone").code_list()
    assert Service.objects.get(slug="continues-medication").code_list() == ["MOA", "MU"]
    assert "IPT" in Service.objects.get(slug="individual-counseling").code_list()
    assert "GT" in Service.objects.get(slug="group-counseling").code_list()
    for slug in (
        "hospital-inpatient",
        "short-term-residential",
        "long-term-residential",
        "detox",
        "outpatient",
        "intensive-outpatient",
        "partial-hospitalization",
        "telehealth",
        "naltrexone-injection",
        "naloxone",
        "contingency-management",
        "peer-support",
        "tricare",
        "sliding-fee",
        "ihs-tribal",
        "pregnant-postpartum",
        "lgbtq",
        "co-occurring",
        "spanish",
        "sign-language",
        "vietnamese",
    ):
        assert Service.objects.filter(slug=slug).exists(), slug


def test_sample_directory_is_deterministic_and_labelled():
    call_command("generate_sample_directory", count=25, seed=7)
    first = list(
        Provider.objects.order_by("pk").values_list("name", "zip_code", "phone")
    )
    Provider.objects.all().delete()
    call_command("generate_sample_directory", count=25, seed=7)
    again = list(
        Provider.objects.order_by("pk").values_list("name", "zip_code", "phone")
    )
    assert first == again and len(first) == 25
    for provider in Provider.objects.all():
        assert provider.source == Provider.Source.SAMPLE
        assert provider.phone[-8:-2] == "555-01"
        assert provider.services.count() >= 8
        assert provider.latitude is not None


def test_sample_directory_loads_once_with_if_empty(capsys):
    call_command("generate_sample_directory", count=5, seed=1, if_empty=True)
    call_command("generate_sample_directory", count=5, seed=1, if_empty=True)
    assert Provider.objects.count() == 5
    assert "already loaded" in capsys.readouterr().out


# The provider form's weekly hours, none of them (the inline's management form).
NO_HOURS = {"opening_hours-TOTAL_FORMS": "0", "opening_hours-INITIAL_FORMS": "0"}


def change_provider(staff_client, provider, **changes):
    """POST the provider's change form with its current values and these changes."""
    form = (
        staff_client.get(f"{CHANGELIST}{provider.pk}/change/").context["adminform"].form
    )
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data["services"] = [service.pk for service in provider.services.all()]
    data.update(NO_HOURS)
    data.update(changes)
    response = staff_client.post(f"{CHANGELIST}{provider.pk}/change/", data)
    provider.refresh_from_db()
    return response


def test_coordinates_typed_over_an_approximate_point_win(staff_client, make_provider):
    provider = make_provider(zip_code="21401")
    assert provider.location_is_approximate
    response = change_provider(
        staff_client,
        provider,
        latitude="38.9784",
        longitude="-76.4922",
        location_is_approximate="on",
    )
    assert response.status_code == 302
    assert (provider.latitude, provider.longitude) == (38.9784, -76.4922)
    assert not provider.location_is_approximate


def test_a_new_zip_moves_an_approximate_point_but_not_an_exact_one(
    staff_client, make_provider
):
    approximate = make_provider(zip_code="21401")
    change_provider(
        staff_client, approximate, zip_code="21201", location_is_approximate="on"
    )
    assert approximate.location_is_approximate
    assert (approximate.latitude, approximate.longitude) != (38.9898, -76.5501)

    exact = make_provider(zip_code="21401", latitude=38.97, longitude=-76.49)
    change_provider(staff_client, exact, zip_code="21201")
    assert (exact.latitude, exact.longitude) == (38.97, -76.49)
    assert not exact.location_is_approximate


def test_half_a_map_point_or_an_unknown_zip_is_refused_with_a_message(
    staff_client, make_provider
):
    provider = make_provider(latitude=39.3, longitude=-76.6)
    response = change_provider(staff_client, provider, longitude="")
    assert response.status_code == 200
    assert "Enter both latitude and longitude" in response.content.decode()

    response = change_provider(
        staff_client, provider, latitude="", longitude="", zip_code="00000"
    )
    assert "know where this ZIP code is" in response.content.decode()
    assert (provider.latitude, provider.longitude) == (39.3, -76.6)
