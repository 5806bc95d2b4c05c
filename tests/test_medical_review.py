"""Medical review as a workflow (issue 13, point 6): who reviewed which text, when."""

import html

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from facts.models import Article

pytestmark = pytest.mark.django_db

SLUG = "treatment-options"


@pytest.fixture
def article():
    return Article.objects.get(slug=SLUG)


@pytest.fixture
def reviewer(client):
    user = User.objects.create_user(
        "reviewer", password="pw", is_staff=True, first_name="Ana", last_name="Ruiz"
    )
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    client.force_login(user)
    return user


def review_url(article):
    return reverse("admin:facts_article_review", args=[article.pk])


def confirm(client, article, **fields):
    data = {
        "name": "Dr. Ana Ruiz",
        "credentials": "MD, addiction medicine",
        "confirm": "on",
        "text_hash": article.text_hash(),
    } | fields
    return client.post(review_url(article), data)


def public_page(client, article):
    return client.get(article.get_absolute_url()).content.decode()


def test_the_medical_reviewers_group_reads_pages_reviews_them_and_works_reports():
    group = Group.objects.get(name="Medical reviewers")
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_article",
        "review_article",
        "view_source",
        "view_errorreport",
        "change_errorreport",
    }


def test_a_reviewer_reads_the_page_and_records_a_review(client, reviewer, article):
    change = client.get(reverse("admin:facts_article_change", args=[article.pk]))
    assert "Record a medical review" in change.content.decode()
    page = client.get(review_url(article)).content.decode()
    assert html.escape(article.title) in page
    assert str(article.body_html)[:200] in page
    assert 'value="Ana Ruiz"' in page  # their name, ready to confirm

    response = confirm(client, article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.reviewed_by, article.reviewer_credentials) == (
        "Dr. Ana Ruiz",
        "MD, addiction medicine",
    )
    assert article.review_recorded_by == reviewer
    assert article.reviewed_text_hash == article.text_hash()
    shown = public_page(client, article)
    assert "Reviewed by Dr. Ana Ruiz, MD, addiction medicine, on <time" in shown
    assert "Awaiting medical review" not in shown


def test_next_time_the_form_offers_what_the_reviewer_signed_with(
    client, reviewer, article
):
    confirm(client, article, name="Ana Ruiz, MD", credentials="Addiction medicine")
    other = Article.objects.get(slug="outpatient-treatment")
    page = client.get(review_url(other)).content.decode()
    assert 'value="Ana Ruiz, MD"' in page and 'value="Addiction medicine"' in page


def test_any_change_to_the_text_puts_the_page_back_to_awaiting_review(
    client, reviewer, article, admin_client
):
    confirm(client, article)
    article.refresh_from_db()
    article.body += "\n\nOne more sentence."
    article.save()
    shown = public_page(client, article)
    assert "Awaiting medical review" in shown and "Reviewed by" not in shown
    changelist = admin_client.get(reverse("admin:facts_article_changelist"))
    assert "Awaiting review: the text changed after Dr. Ana Ruiz reviewed it" in (
        changelist.content.decode()
    )
    # Back to the reviewed words: the review holds again.
    article.body = article.body.removesuffix("\n\nOne more sentence.")
    article.save()
    assert "Reviewed by Dr. Ana Ruiz" in public_page(client, article)


@pytest.mark.parametrize("field", ["title", "summary"])
def test_the_title_and_summary_are_part_of_the_text_reviewed(
    client, reviewer, article, field
):
    confirm(client, article)
    Article.objects.filter(pk=article.pk).update(**{field: "Something else"})
    assert "Awaiting medical review" in public_page(client, article)


def test_the_page_changed_while_the_reviewer_read_it(client, reviewer, article):
    shown_hash = article.text_hash()
    Article.objects.filter(pk=article.pk).update(summary="Changed meanwhile.")
    response = confirm(client, article, text_hash=shown_hash)
    assert response.status_code == 200
    assert "The page changed while you were reading it" in response.content.decode()
    assert "Changed meanwhile." in response.content.decode()
    article.refresh_from_db()
    assert article.reviewed_text_hash == ""


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"confirm": ""}, "Tick the box to confirm your review."),
        ({"name": ""}, "This field is required."),
        ({"credentials": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"text_hash": ""}, "This field is required."),
    ],
)
def test_an_incomplete_review_is_not_recorded(
    client, reviewer, article, fields, message
):
    response = confirm(client, article, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    article.refresh_from_db()
    assert article.reviewed_on is None


def test_only_medical_reviewers_can_record_a_review(client, article):
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Directory editors"))
    client.force_login(editor)
    assert client.get(review_url(article)).status_code == 403
    assert confirm(client, article).status_code == 403
    article.refresh_from_db()
    assert article.reviewed_on is None


def test_admin_lists_pages_awaiting_review(client, reviewer, article, admin_client):
    confirm(client, article)
    changelist = reverse("admin:facts_article_changelist")
    awaiting = admin_client.get(changelist, {"review": "awaiting"}).content.decode()
    reviewed = admin_client.get(changelist, {"review": "reviewed"}).content.decode()
    assert f"/admin/facts/article/{article.pk}/change/" in reviewed
    assert f"/admin/facts/article/{article.pk}/change/" not in awaiting
    assert "/admin/facts/article/" in awaiting  # the other pages
    assert "Reviewed by Dr. Ana Ruiz, MD, addiction medicine, on" in reviewed


def test_the_review_policy_page_is_linked_from_every_article(client, article):
    policy = client.get("/facts/how-we-review/").content.decode()
    assert "What “Reviewed by” means" in policy
    assert "Awaiting medical review" in policy
    assert 'href="/facts/how-we-review/"' in public_page(client, article)
    assert 'href="/facts/how-we-review/"' in client.get("/facts/").content.decode()
