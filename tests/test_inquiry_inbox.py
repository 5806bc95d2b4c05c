"""The inquiry handlers' screens: everything needed to act on an inquiry,
without opening the listing (which handlers may not see)."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from treatment.models import Inquiry

pytestmark = pytest.mark.django_db

LONG_MESSAGE = (
    "My brother has been using for years and finally wants to stop. He works "
    "days, so evenings are best. Does your program take Medicaid?"
)
# What staff screens must never show: commands and settings are for operators.
OPERATOR_WORDS = re.compile(
    r"manage\.py|send_pending_notifications|purge_inquiries|db_worker|"
    r"INQUIRY_STAFF_EMAIL|EMAIL_URL|REDIS_URL"
)


@pytest.fixture
def provider(make_provider):
    return make_provider(
        name="Harbor Clinic",
        city="Towson",
        phone="410-555-0100",
        intake_phone="410-555-0199",
        inquiry_email="intake@harbor.example.org",
    )


@pytest.fixture
def handler(client):
    user = User.objects.create_user("handler", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Inquiry handlers"))
    client.force_login(user)
    return client


def change_url(inquiry):
    return f"/admin/treatment/inquiry/{inquiry.pk}/change/"


def test_inquiry_page_shows_the_provider_without_linking_to_the_listing(
    make_inquiry, handler, provider
):
    inquiry = make_inquiry(provider)
    response = handler.get(change_url(inquiry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbor Clinic (Towson, MD)" in html
    assert '<a href="tel:+14105550100">410-555-0100</a>' in html
    assert '<a href="tel:+14105550199">410-555-0199</a>' in html
    assert "/admin/treatment/provider/" not in html  # handlers get a 403 there
    assert (
        handler.get(f"/admin/treatment/provider/{provider.pk}/change/").status_code
        == 403
    )


def test_visitor_email_and_phone_are_links(make_inquiry, handler, provider):
    html = handler.get(change_url(make_inquiry(provider))).content.decode()
    assert '<a href="mailto:sam@example.org">sam@example.org</a>' in html
    assert '<a href="tel:+14105550123">410-555-0123</a>' in html


def test_request_for_help_names_no_provider(make_inquiry, handler, settings):
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    html = handler.get(change_url(make_inquiry(None))).content.decode()
    assert "None: a request for help finding treatment" in html
    assert "Opioid Help staff at helpers@example.org" in html


def test_list_shows_how_to_reply_and_the_start_of_the_message(
    make_inquiry, handler, provider
):
    make_inquiry(provider, message=LONG_MESSAGE)
    make_inquiry(provider, name="", preferred_contact="email", message="Short one.")
    html = handler.get("/admin/treatment/inquiry/").content.decode()
    assert "Text message" in html and "Email" in html
    preview = (
        "My brother has been using for years and finally wants to stop. "
        "He works days, …"
    )
    assert preview in html
    assert LONG_MESSAGE not in html
    assert "Short one." in html and "(no name given)" in html


def test_bulk_mark_handled(make_inquiry, handler, provider):
    first, second = make_inquiry(provider), make_inquiry(provider, name="Al")
    untouched = make_inquiry(provider, name="Bo")
    response = handler.post(
        "/admin/treatment/inquiry/",
        {
            "action": "mark_handled",
            "_selected_action": [first.pk, second.pk],
        },
        follow=True,
    )
    assert "Marked 2 inquiries as handled." in response.content.decode()
    statuses = dict(Inquiry.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "closed", second.pk: "closed", untouched.pk: "new"}
    html = handler.get("/admin/treatment/inquiry/?status__exact=closed").content
    assert "Handled" in html.decode()


def test_staff_screens_name_no_commands_or_settings(
    make_inquiry, handler, provider, settings
):
    settings.INQUIRY_STAFF_EMAIL = ""
    waiting = make_inquiry(None, last_notify_error="")
    from treatment.inquiries.services import notify

    notify(waiting.pk)  # fails: no staff address
    sent = make_inquiry(provider, notified_at=timezone.now())
    pages = [
        "/admin/",
        "/admin/treatment/inquiry/",
        change_url(waiting),
        change_url(sent),
        "/admin/treatment/inquiryemailchange/",
    ]
    for url in pages:
        html = handler.get(url).content.decode()
        assert not OPERATOR_WORDS.search(html), (url, OPERATOR_WORDS.search(html))
    html = handler.get(change_url(waiting)).content.decode()
    assert "Ask the site&#x27;s administrator to set it" in html
    assert "The site tries again every few minutes." in html


def test_inquiry_page_tells_of_a_changed_address(make_inquiry, handler, provider):
    inquiry = make_inquiry(provider)
    provider.inquiry_email = "new-intake@harbor.example.org"
    provider.save()
    html = handler.get(change_url(inquiry)).content.decode()
    assert "Harbor Clinic at intake@harbor.example.org" in html
    assert "inquiry email has changed since this message arrived" in html
    assert "new messages go to new-intake@harbor.example.org" in html
