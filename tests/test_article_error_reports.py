"""“Report an error on this page”: the form, its limits, and the staff queue."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from facts.models import Article, ErrorReport

pytestmark = pytest.mark.django_db

SLUG = "overdose-signs-and-what-to-do"
REPORT_URL = f"/facts/{SLUG}/report/"
SENT_URL = f"/facts/{SLUG}/report/sent/"
VALID = {
    "details": "It says naloxone lasts 3 hours; the label says 30 to 90 minutes.",
    "evidence": "https://www.fda.gov/naloxone",
}
REPORTS_ADMIN = "/admin/facts/errorreport/"


@pytest.fixture
def article():
    return Article.objects.get(slug=SLUG)


@pytest.fixture
def reviewer_client(client):
    user = User.objects.create_user("reviewer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    client.force_login(user)
    return client


def test_every_article_links_to_the_form(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{REPORT_URL}">Report an error on this page</a>' in page
    form = client.get(REPORT_URL).content.decode()
    assert "Report an error on this page" in form
    assert article.title in form
    assert "We don't ask who you are" in form
    assert 'name="homepage"' in form  # the honeypot


def test_a_report_is_stored_and_thanked_for(client, article):
    response = client.post(REPORT_URL, VALID)
    assert response.status_code == 302 and response.url == SENT_URL
    report = ErrorReport.objects.get()
    assert (report.article, report.details, report.evidence, report.status) == (
        article,
        VALID["details"],
        VALID["evidence"],
        "open",
    )
    thanks = client.get(SENT_URL).content.decode()
    assert "We have your report" in thanks
    assert f'href="{article.get_absolute_url()}"' in thanks
    assert 'href="tel:988"' in thanks


@pytest.mark.parametrize(
    "field, changes, error",
    [
        ("details", {"details": " "}, "Tell us what is wrong"),
        ("details", {"details": "x" * 100_000}, "(it has 100000)"),
        ("details", {"details": "bad\x00byte"}, "Null characters are not allowed"),
        ("evidence", {"evidence": "y" * 501}, "(it has 501)"),
    ],
)
def test_a_bad_report_is_explained_and_not_stored(client, field, changes, error):
    response = client.post(REPORT_URL, VALID | changes)
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary and error in summary.group()
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', html)
    assert ErrorReport.objects.count() == 0


def test_what_a_visitor_typed_shows_as_text(client, reviewer_client):
    response = client.post(REPORT_URL, {"details": "<script>alert(1)</script>"})
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    html = reviewer_client.get(f"{REPORTS_ADMIN}{report.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_stored(client):
    response = client.post(REPORT_URL, VALID | {"homepage": "https://spam.example"})
    assert response.status_code == 302 and response.url == SENT_URL
    assert ErrorReport.objects.count() == 0


def test_a_report_without_its_csrf_token_is_refused():
    assert Client(enforce_csrf_checks=True).post(REPORT_URL, VALID).status_code == 403
    assert ErrorReport.objects.count() == 0


def test_the_sixth_report_in_an_hour_is_refused_kindly(client):
    for _report in range(5):
        assert client.post(REPORT_URL, VALID).status_code == 302
    response = client.post(REPORT_URL, VALID)
    assert response.status_code == 429
    assert "Please wait a while before sending more" in response.content.decode()
    assert ErrorReport.objects.count() == 5


@pytest.mark.parametrize("url", ["/facts/no-such-page/report/", SENT_URL])
def test_unknown_or_unpublished_pages_have_no_form(client, article, url):
    Article.objects.filter(pk=article.pk).update(is_published=False)
    assert client.get(url).status_code == 404
    assert client.post("/facts/no-such-page/report/", VALID).status_code == 404


def test_medical_reviewers_work_through_the_queue(reviewer_client, article):
    other = Article.objects.get(slug="treatment-options")
    first = ErrorReport.objects.create(article=article, details="Wrong dose.")
    second = ErrorReport.objects.create(article=other, details="Old link.")
    listing = reviewer_client.get(REPORTS_ADMIN, {"status__exact": "open"})
    assert set(listing.context["cl"].result_list) == {first, second}

    reviewer_client.post(
        REPORTS_ADMIN, {"action": "mark_resolved", "_selected_action": [first.pk]}
    )
    first.refresh_from_db()
    assert first.status == "resolved" and first.resolved_at is not None

    response = reviewer_client.post(
        f"{REPORTS_ADMIN}{second.pk}/change/",
        {"status": "resolved", "staff_notes": "Link updated."},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "resolved" and second.resolved_at is not None
    assert second.staff_notes == "Link updated."
    assert second.details == "Old link."  # what the visitor wrote stays as written


def test_the_pages_list_shows_open_reports(reviewer_client, article):
    ErrorReport.objects.create(article=article, details="One.")
    ErrorReport.objects.create(article=article, details="Two.")
    ErrorReport.objects.create(article=article, details="Done.", status="resolved")
    html = reviewer_client.get("/admin/facts/article/").content.decode()
    assert (
        f'<a href="{REPORTS_ADMIN}?article__id__exact={article.pk}'
        '&amp;status__exact=open">2</a>'
    ) in html


def test_staff_cannot_add_reports_themselves(reviewer_client, admin_client):
    assert admin_client.get(f"{REPORTS_ADMIN}add/").status_code == 403
    assert reviewer_client.get(f"{REPORTS_ADMIN}add/").status_code == 403
