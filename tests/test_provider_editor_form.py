"""The provider form and list in admin, as directory editors use them."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group, User

from tests.test_directory_admin import NO_HOURS
from treatment.models import ListingReport, Provider, Service

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/treatment/provider/"


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("editor", "e@example.org", "pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Directory editors"))
    client.force_login(editor)
    return client


def change_page(client, provider):
    return client.get(f"{CHANGELIST}{provider.pk}/change/").content.decode()


def form_data(provider, **changes):
    data = {
        "name": provider.name,
        "slug": provider.slug,
        "street": provider.street,
        "city": provider.city,
        "state": provider.state,
        "zip_code": provider.zip_code,
        "latitude": provider.latitude,
        "longitude": provider.longitude,
        "phone": provider.phone,
        "accepting_status": provider.accepting_status,
        "is_published": "on",
        "services": [s.pk for s in provider.services.all()],
        "time_zone": provider.time_zone,
        **NO_HOURS,
    }
    return data | changes


def test_services_are_checkboxes_in_a_fieldset_for_each_category(
    editor_client, make_provider
):
    provider = make_provider(services=["buprenorphine", "medicaid"])
    html = change_page(editor_client, provider)

    widgets = re.findall(
        r'<div class="services-by-category" id="id_services">.*?</div>', html, re.S
    )
    assert len(widgets) == 1
    groups = re.findall(r"<legend>(.*?)</legend>", widgets[0])
    assert groups == [
        "Type of care",
        "Medications",
        "Therapy and support",
        "Payment accepted",
        "Special programs",
        "Ages and genders served",
        "Languages",
        "Other services",
        "Licensing and accreditation",
    ]
    buprenorphine = Service.objects.get(slug="buprenorphine")
    checked = re.findall(
        r'<input type="checkbox" name="services" value="(\d+)" id="[^"]+" checked>',
        html,
    )
    assert {int(pk) for pk in checked} == {
        buprenorphine.pk,
        Service.objects.get(slug="medicaid").pk,
    }
    assert "Hold down" not in html
    assert "selectfilter" not in html.lower()


def test_every_checkbox_has_its_own_label(editor_client, make_provider):
    html = change_page(editor_client, make_provider())
    boxes = re.findall(r'<input type="checkbox" name="services"[^>]*id="([^"]+)"', html)
    assert len(boxes) == Service.objects.count()
    for box in boxes:
        assert f'<label for="{box}">' in html


def test_ticking_services_saves_them(editor_client, make_provider):
    provider = make_provider(services=["outpatient"])
    wanted = Service.objects.filter(slug__in=["methadone", "carf", "spanish"])
    response = editor_client.post(
        f"{CHANGELIST}{provider.pk}/change/",
        form_data(provider, services=[s.pk for s in wanted]),
    )
    assert response.status_code == 302
    assert set(provider.services.values_list("slug", flat=True)) == {
        "methadone",
        "carf",
        "spanish",
    }


def test_slug_and_source_are_in_collapsed_technical_details(
    editor_client, make_provider
):
    provider = make_provider(source=Provider.Source.SAMHSA, source_id="QF1X7Y2Z")
    html = change_page(editor_client, provider)
    technical = html[html.index("Technical details") :]
    assert '<fieldset class="module aligned collapse"' in html
    assert html.index('name="slug"') > html.index("Technical details")
    assert 'name="source"' not in html and 'name="source_id"' not in html
    assert "QF1X7Y2Z" in technical and "SAMHSA locator import" in technical


def test_source_cannot_be_changed_by_posting_it(editor_client, make_provider):
    provider = make_provider(source=Provider.Source.SAMHSA, source_id="QF1X7Y2Z")
    editor_client.post(
        f"{CHANGELIST}{provider.pk}/change/",
        form_data(provider, source="manual", source_id="changed"),
    )
    provider.refresh_from_db()
    assert (provider.source, provider.source_id) == ("samhsa", "QF1X7Y2Z")


def test_a_slug_error_opens_the_technical_details(editor_client, make_provider):
    make_provider(slug="taken")
    provider = make_provider()
    response = editor_client.post(
        f"{CHANGELIST}{provider.pk}/change/", form_data(provider, slug="taken")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Another listing has this page address." in html
    heading = html.index("Technical details")
    fieldset = html.rindex("<fieldset", 0, heading)
    assert "collapse" not in html[fieldset:heading]
    assert "<details>" not in html[fieldset:heading]


def test_date_only_fields_use_the_browsers_date_input(editor_client, make_provider):
    provider = make_provider(verified_on=date(2026, 11, 2))
    html = change_page(editor_client, provider)
    assert re.search(r'<input type="date" name="verified_on" value="2026-11-02"', html)
    assert re.search(r'<input type="date" name="accepting_status_on"', html)
    assert "vDateField" not in html
    assert "DateTimeShortcuts.js" not in html and "calendar.js" not in html


def test_a_typed_date_is_saved(editor_client, make_provider):
    provider = make_provider()
    editor_client.post(
        f"{CHANGELIST}{provider.pk}/change/",
        form_data(
            provider,
            verified_on="2026-11-27",
            accepting_status="accepting",
            accepting_status_on="2026-11-20",
        ),
    )
    provider.refresh_from_db()
    assert provider.verified_on == date(2026, 11, 27)
    assert provider.accepting_status_on == date(2026, 11, 20)


def test_a_date_that_is_not_one_gets_a_clear_message(editor_client, make_provider):
    provider = make_provider()
    response = editor_client.post(
        f"{CHANGELIST}{provider.pk}/change/",
        form_data(provider, verified_on="next Tuesday"),
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_list_shows_the_columns_editors_use(editor_client, make_provider):
    make_provider(name="Harbor Clinic", city="Towson", state="MD")
    reported = make_provider(name="Reported Clinic")
    ListingReport.objects.create(provider=reported, reason="wrong_phone")
    html = editor_client.get(CHANGELIST).content.decode()
    result_list = html[html.index('id="result_list"') :]
    headers = [
        re.sub(r"<[^>]+>", "", header).strip()
        for header in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', result_list, re.S)
    ]
    assert [h for h in headers if h] == [
        "Name",
        "Place",
        "Published",
        "New patients",
        "Confirmed",
        "Needs review",
    ]
    assert "Towson, MD" in result_list
    rows = re.findall(r"<tr>.*?</tr>", result_list, re.S)
    assert [("Open report" in row) for row in rows[1:]] == [False, True]
    assert "icon-no" not in result_list
