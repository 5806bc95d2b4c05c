"""“Report a problem with this listing”: the form, the limit, and staff review."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from treatment.models import ListingReport

pytestmark = pytest.mark.django_db

VALID = {"reason": "wrong_phone", "details": "The number rings a pizza place."}
PROVIDERS_ADMIN = "/admin/treatment/provider/"
REPORTS_ADMIN = "/admin/treatment/listingreport/"


@pytest.fixture
def provider(make_provider):
    return make_provider(name="Harbor Clinic")


def report_url(provider):
    return f"/treatment/{provider.slug}/report/"


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("boss", "b@example.org", "pw"))
    return client


def test_provider_page_links_to_the_report_form(client, provider):
    html = client.get(provider.get_absolute_url()).content.decode()
    assert f'href="{report_url(provider)}">Report a problem with this listing' in html
    form = client.get(report_url(provider)).content.decode()
    for reason in ListingReport.Reason.labels:
        assert str(reason) in form
    assert "We don't ask who you are" in form


def test_valid_report_is_stored_and_confirmed(client, provider):
    response = client.post(report_url(provider), VALID)
    assert response.status_code == 302
    assert response.url == f"/treatment/{provider.slug}/report/sent/"
    report = ListingReport.objects.get()
    assert (report.provider, report.reason, report.status) == (
        provider,
        "wrong_phone",
        "open",
    )
    assert report.resolved_at is None
    confirmation = client.get(response.url).content.decode()
    assert "We have your report" in confirmation
    assert 'href="tel:988"' in confirmation


@pytest.mark.parametrize(
    "field, changes, error",
    [
        ("reason", {"reason": ""}, "Choose what is wrong"),
        ("reason", {"reason": "<script>x</script>"}, "Choose one of the reasons"),
        ("details", {"reason": "other", "details": " "}, "Tell us what is wrong"),
        ("details", {"details": "x" * 100_000}, "(it has 100000)"),
    ],
)
def test_invalid_report_is_explained_and_not_stored(
    client, provider, field, changes, error
):
    response = client.post(report_url(provider), VALID | changes)
    html = response.content.decode()
    assert response.status_code == 200
    assert ListingReport.objects.count() == 0
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary and error in summary.group()
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', html)
    assert "<script>x" not in html


def test_filled_honeypot_pretends_success_and_stores_nothing(client, provider):
    response = client.post(report_url(provider), VALID | {"homepage": "x"})
    assert response.status_code == 302
    assert ListingReport.objects.count() == 0


def test_report_without_csrf_token_is_refused(provider):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(report_url(provider), VALID).status_code == 403
    assert ListingReport.objects.count() == 0


def test_sixth_report_in_an_hour_gets_429(client, provider):
    for _report in range(5):
        assert client.post(report_url(provider), VALID).status_code == 302
    response = client.post(report_url(provider), VALID)
    assert response.status_code == 429
    assert ListingReport.objects.count() == 5


def test_reports_about_unpublished_listings_are_404(client, make_provider):
    hidden = make_provider(is_published=False)
    assert client.post(report_url(hidden), VALID).status_code == 404


def test_staff_mark_reports_resolved_from_the_list(staff_client, provider):
    first = ListingReport.objects.create(provider=provider, reason="wrong_phone")
    second = ListingReport.objects.create(provider=provider, reason="other")
    response = staff_client.get(REPORTS_ADMIN, {"status__exact": "open"})
    assert set(response.context["cl"].result_list) == {first, second}
    staff_client.post(
        REPORTS_ADMIN, {"action": "mark_resolved", "_selected_action": [first.pk]}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "resolved" and first.resolved_at is not None
    assert second.status == "open"


def test_resolving_in_the_form_records_when_and_reopening_clears_it(provider):
    report = ListingReport.objects.create(provider=provider, reason="closed_or_moved")
    report.status = ListingReport.Status.RESOLVED
    report.save()
    assert report.resolved_at is not None
    report.status = ListingReport.Status.OPEN
    report.save()
    assert report.resolved_at is None


def test_every_way_of_resolving_records_when_and_reopening_clears_it(provider):
    in_form = ListingReport.objects.create(provider=provider, reason="wrong_phone")
    in_bulk = ListingReport.objects.create(provider=provider, reason="other")
    in_form.status = ListingReport.Status.RESOLVED
    in_form.save()
    assert ListingReport.objects.filter(pk=in_bulk.pk).set_status("resolved") == 1
    in_bulk.refresh_from_db()
    assert in_form.resolved_at is not None and in_bulk.resolved_at is not None

    resolved_at = in_bulk.resolved_at
    assert ListingReport.objects.filter(pk=in_bulk.pk).set_status("resolved") == 0
    in_bulk.refresh_from_db()
    assert in_bulk.resolved_at == resolved_at  # already resolved: kept

    ListingReport.objects.all().set_status(ListingReport.Status.OPEN)
    assert set(ListingReport.objects.values_list("resolved_at", flat=True)) == {None}


def test_details_typed_as_html_show_as_text_in_admin(client, staff_client, provider):
    client.post(report_url(provider), VALID | {"details": "<b>bold</b><script>"})
    report = ListingReport.objects.get()
    html = staff_client.get(f"{REPORTS_ADMIN}{report.pk}/change/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;" in html
    assert "<b>bold</b>" not in html


def test_providers_with_open_reports_need_review(staff_client, make_provider):
    flagged = make_provider(name="Flagged")
    fixed = make_provider(name="Fixed")
    make_provider(name="Quiet")
    ListingReport.objects.create(provider=flagged, reason="wrong_phone")
    ListingReport.objects.create(provider=fixed, reason="other", status="resolved")
    response = staff_client.get(PROVIDERS_ADMIN, {"reports": "open"})
    assert [p.name for p in response.context["cl"].result_list] == ["Flagged"]
    assert "Needs review (open reports)" in response.content.decode()
    needs_review = {
        p.name: p.needs_review
        for p in staff_client.get(PROVIDERS_ADMIN).context["cl"].result_list
    }
    assert needs_review == {"Flagged": True, "Fixed": False, "Quiet": False}


def test_needs_review_column_costs_no_query_per_row(staff_client, make_provider):
    def changelist_queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(PROVIDERS_ADMIN).status_code == 200
        return len(captured)

    provider = make_provider()
    ListingReport.objects.create(provider=provider, reason="wrong_phone")
    one_row = changelist_queries()
    for _number in range(10):
        ListingReport.objects.create(provider=make_provider(), reason="other")
    assert changelist_queries() == one_row


def test_report_details_lose_control_characters(client, make_provider):
    provider = make_provider()
    client.post(
        f"/treatment/{provider.slug}/report/",
        {"reason": "other", "details": "New number\u202e 410\x1b-555\r\n-0100"},
    )
    assert ListingReport.objects.get().details == "New number 410-555\n-0100"
