"""CSV exports: staff's admin action and visitors' search results."""

import csv
import io
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import translation

from treatment.interchange import csv_export as export
from treatment.models import OpeningHours, Provider

pytestmark = pytest.mark.django_db
RESULTS_CSV = reverse("treatment:results-csv")


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def export_selected(client, providers):
    return client.post(
        reverse("admin:treatment_provider_changelist"),
        {"action": "export_as_csv", "_selected_action": [p.pk for p in providers]},
    )


def test_admin_export_has_every_field_and_services(admin_client, make_provider):
    provider = make_provider(
        services=["methadone", "medicaid"],
        name="Harbor Clinic",
        inquiry_email="intake@harbor.example.org",
        is_published=False,
        source_id="abc",
        source="samhsa",
    )
    make_provider(name="Not selected")

    response = export_selected(admin_client, [provider])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="providers.csv"' in response["Content-Disposition"]
    (row,) = read_csv(response)
    assert row["Name"] == "Harbor Clinic"
    assert row["Inquiry email"] == "intake@harbor.example.org"
    assert row["Services"] == "Methadone; Medicaid"
    assert row["Published"] == "no"
    assert (row["Source"], row["Source id"]) == ("SAMHSA locator import", "abc")
    assert row["Latitude"] and row["Map point is the ZIP code's centre"] == "yes"


def test_exported_cells_cannot_become_spreadsheet_formulas(admin_client, make_provider):
    provider = make_provider(name='=HYPERLINK("http://evil.example")')

    (row,) = read_csv(export_selected(admin_client, [provider]))

    assert row["Name"] == '\'=HYPERLINK("http://evil.example")'


def test_results_csv_follows_the_search_filters(client, make_provider):
    make_provider(name="Near Methadone", services=["methadone"], zip_code="21201")
    make_provider(name="Near Counseling", services=["outpatient"], zip_code="21201")
    make_provider(
        name="Far Methadone", services=["methadone"], city="Boston", zip_code="02108"
    )
    make_provider(name="Hidden", services=["methadone"], is_published=False)

    response = client.get(
        RESULTS_CSV, {"near": "21201", "medications": "methadone", "page": "2"}
    )

    assert response.status_code == 200
    assert 'filename="treatment-providers.csv"' in response["Content-Disposition"]
    (row,) = read_csv(response)
    assert row["Name"] == "Near Methadone"
    assert row["Distance (miles)"] == "0.0"
    assert row["Services"] == "Methadone"
    listing = Provider.objects.get(name="Near Methadone").get_absolute_url()
    assert row["Listing page"] == f"http://testserver{listing}"


def test_results_csv_never_includes_inquiry_email(client, make_provider):
    make_provider(inquiry_email="private@example.org")

    response = client.get(RESULTS_CSV)

    assert b"private@example.org" not in response.content
    assert "Inquiry email" not in read_csv(response)[0]


def test_results_csv_stops_at_the_row_limit(client, make_provider, monkeypatch):
    monkeypatch.setattr(export, "VISITOR_ROW_LIMIT", 3)
    for number in range(5):
        make_provider(name=f"Provider {number}")

    rows = read_csv(client.get(RESULTS_CSV, {"sort": "name"}))

    assert [row["Name"] for row in rows] == [f"Provider {n}" for n in range(3)]


def test_results_csv_queries_do_not_grow_with_rows(
    client, make_provider, django_assert_num_queries
):
    for _ in range(3):
        make_provider(services=["methadone", "medicaid"])

    # taxonomy for the filters, providers, their services, their opening hours
    with django_assert_num_queries(4):
        client.get(RESULTS_CSV)


@pytest.fixture
def night_clinic(make_provider):
    """Open weekday mornings and Saturday night, confirmed by the provider."""
    provider = make_provider(
        name="Night Clinic", zip_code="21201", confirmed_on=date(2026, 11, 20)
    )
    week = [(day, time(8), time(12)) for day in range(5)] + [(5, time(22), time(2))]
    for weekday, opens, closes in week:
        OpeningHours.objects.create(
            provider=provider, weekday=weekday, opens=opens, closes=closes
        )
    return provider


NIGHT_CLINIC_WEEK = (
    "Monday: 8 a.m. – noon; Tuesday: 8 a.m. – noon; Wednesday: 8 a.m. – noon; "
    "Thursday: 8 a.m. – noon; Friday: 8 a.m. – noon; Saturday: 10 p.m. – 2 a.m.; "
    "Sunday: Closed"
)


def test_exports_give_the_week_and_the_providers_own_confirmation(
    client, admin_client, night_clinic, make_provider
):
    make_provider(name="Always Open", open_24_7=True)
    make_provider(name="No Weekly Hours", hours="Call for hours")

    visitors = {row["Name"]: row for row in read_csv(client.get(RESULTS_CSV))}
    staff = read_csv(export_selected(admin_client, Provider.objects.all()))

    for rows in (visitors, {row["Name"]: row for row in staff}):
        night = rows["Night Clinic"]
        assert night["Opening hours (local time)"] == NIGHT_CLINIC_WEEK
        assert night["Confirmed by the provider on"] == "2026-11-20"
        assert rows["Always Open"]["Opening hours (local time)"] == (
            "Open 24 hours, 7 days a week."
        )
        assert rows["No Weekly Hours"]["Opening hours (local time)"] == ""
        assert rows["No Weekly Hours"]["Hours"] == "Call for hours"
    assert "Time zone" not in visitors["Night Clinic"]
    assert {row["Time zone"] for row in staff} == {"America/New_York"}


def test_visitors_csv_gives_the_week_in_the_pages_language(client, night_clinic):
    with translation.override("es"):
        spanish_csv = reverse("treatment:results-csv")

    (row,) = read_csv(client.get(spanish_csv))

    assert row["Horario semanal (hora local)"].startswith("lunes: ")
    assert row["Horario semanal (hora local)"].endswith("domingo: Cerrado")
    assert row["Confirmado por el proveedor (fecha)"] == "2026-11-20"


def test_results_csv_ignores_bad_parameters(client, make_provider):
    make_provider(name="Still Listed")

    response = client.get(
        RESULTS_CSV, {"near": "Atlantis", "radius": "7", "medications": "magic"}
    )

    assert response.status_code == 200
    assert [row["Name"] for row in read_csv(response)] == ["Still Listed"]


def test_search_page_links_to_the_csv_with_its_filters(client, make_provider):
    make_provider(services=["methadone"])

    page = client.get(
        reverse("treatment:search"), {"medications": "methadone", "page": "1"}
    ).content.decode()

    assert f'href="{RESULTS_CSV}?medications=methadone"' in page
    assert "data-print hidden" in page
    assert "js/print.js" in page


def test_search_page_says_when_the_csv_holds_only_the_first_rows(client, make_provider):
    make_provider()
    response = client.get(reverse("treatment:search"))
    assert "the first 1,000" not in response.content.decode()

    Provider.objects.bulk_create(
        Provider(
            name=f"P{n}",
            slug=f"p{n}",
            city="X",
            state="MD",
            zip_code="21201",
            is_published=True,
        )
        for n in range(1000)
    )
    response = client.get(reverse("treatment:search"))
    assert "Download these results (CSV), the first 1,000" in response.content.decode()
