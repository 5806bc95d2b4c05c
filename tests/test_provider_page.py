import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from treatment.models import Provider, Service

pytestmark = pytest.mark.django_db

# Within the six months a staff check stays current, whenever the tests run.
CHECKED_ON = timezone.localdate() - timedelta(days=27)


@pytest.fixture
def clinic(make_provider):
    return make_provider(
        name="Harbor & Bay Clinic",
        slug="harbor-bay-clinic",
        summary="Methadone and counseling downtown.",
        description="Walk-ins welcome before 10 a.m.",
        street="100 Light Street",
        zip_code="21202",
        phone="410-555-0100",
        intake_phone="410-555-0101",
        website="https://harbor.example.org/",
        inquiry_email="intake@harbor.example.org",
        hours="Mon to Fri 6 a.m. to 2 p.m.",
        accepting_status=Provider.Status.ACCEPTING,
        accepting_status_on=date(2026, 11, 20),
        verified_on=CHECKED_ON,
        services=["methadone", "buprenorphine", "outpatient", "medicaid", "spanish"],
    )


def test_provider_page_shows_every_public_field(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    for text in (
        "Harbor &amp; Bay Clinic",
        "Methadone and counseling downtown.",
        "Walk-ins welcome before 10 a.m.",
        "100 Light Street",
        "Baltimore, MD 21202",
        "https://harbor.example.org/",
        "Mon to Fri 6 a.m. to 2 p.m.",
        "Accepting new patients (as of Nov 20, 2026)",
    ):
        assert text in html
    assert "intake@harbor.example.org" not in html


def test_big_call_button_dials_intake_first(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    assert re.search(
        r'class="button call" href="tel:\+14105550101">Call 410-555-0101', html
    )
    assert 'href="tel:+14105550100"' in html


def test_directions_link_goes_to_the_street_address(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    link = re.search(r'href="(https://www.openstreetmap.org/directions[^"]+)"', html)
    assert link and "100%20Light%20Street" in link.group(1)


def test_services_are_grouped_by_category(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    medications = html.index("<h3>Medications</h3>")
    payment = html.index("<h3>Payment accepted</h3>")
    assert medications < html.index("<li>Methadone</li>") < payment
    assert payment < html.index("<li>Medicaid</li>")
    assert "<h3>Languages</h3>" in html


def test_checked_date_or_not_yet_confirmed(client, clinic, make_provider):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    checked = f"{CHECKED_ON:%B} {CHECKED_ON.day}, {CHECKED_ON.year}"
    assert f"Checked by our staff on {checked}." in html
    fresh = make_provider(verified_on=None)
    assert (
        "Not yet confirmed: call before you go."
        in client.get(fresh.get_absolute_url()).content.decode()
    )


def test_call_before_you_go_and_insurance_notice(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    assert "Call before you go" in html
    assert "check that they take your plan" in html


def test_schema_org_medical_clinic(client, clinic):
    html = client.get("/treatment/harbor-bay-clinic/").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw.group(1))
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Harbor & Bay Clinic"
    assert data["address"]["postalCode"] == "21202"
    assert data["telephone"] == "410-555-0100"
    assert {"name": "Methadone", "@type": "MedicalTherapy"} in data["availableService"]
    assert "&" not in raw.group(1)  # escaped so no markup can break out


def test_json_ld_cannot_close_the_script_element(client, make_provider):
    provider = make_provider(name="</script><script>alert(1)</script>")
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


def test_unpublished_provider_is_404_for_the_public(client, make_provider):
    hidden = make_provider(is_published=False)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 404
    assert 'href="tel:911"' in response.content.decode()


def test_unpublished_provider_is_404_even_for_staff(client, make_provider):
    client.force_login(User.objects.create_superuser("boss", "b@example.org", "pw"))
    assert (
        client.get(make_provider(is_published=False).get_absolute_url()).status_code
        == 404
    )


def test_sample_provider_page_warns_it_is_fictional(client, make_provider):
    provider = make_provider(source=Provider.Source.SAMPLE)
    assert (
        "not a real facility"
        in client.get(provider.get_absolute_url()).content.decode()
    )


def test_location_from_zip_centroid_is_marked_approximate(client, make_provider):
    provider = make_provider(zip_code="21401")
    assert provider.location_is_approximate
    assert (provider.latitude, provider.longitude) == (38.9898, -76.5501)
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "Approximate location" in html


def test_provider_page_runs_at_most_four_queries(
    client, clinic, django_assert_max_num_queries
):
    clinic.services.add(*Service.objects.all()[:40])
    with django_assert_max_num_queries(4):
        response = client.get("/treatment/harbor-bay-clinic/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "referer, back",
    [
        (
            "http://testserver/treatment/?near=21201&medications=methadone&page=2",
            "/treatment/?near=21201&amp;medications=methadone&amp;page=2",
        ),
        ("http://testserver/treatment/", "/treatment/"),
        ("http://testserver/facts/", "/treatment/"),
        ("https://elsewhere.example/treatment/?near=21201", "/treatment/"),
        ("not a url at all", "/treatment/"),
        (None, "/treatment/"),
    ],
)
def test_back_to_search_returns_to_the_visitors_own_search(
    client, clinic, referer, back
):
    headers = {"referer": referer} if referer else {}
    html = client.get(clinic.get_absolute_url(), headers=headers).content.decode()
    assert f'<a href="{back}">Back to search</a>' in html
