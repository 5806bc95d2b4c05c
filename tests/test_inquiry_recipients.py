"""An inquiry reaches only whom the visitor agreed to, whatever staff change
later, and directory editors learn nothing about inquiries."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.test_directory_admin import change_provider
from tests.test_inquiries import VALID, contact_url
from treatment.models import Inquiry, InquiryEmailChange, ListingReport

pytestmark = pytest.mark.django_db

OLD = "intake@harbor.example.org"
NEW = "new-intake@harbor.example.org"
WORKING_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
BROKEN_MAIL = {"default": {"BACKEND": "tests.test_inquiries.BrokenMailServer"}}


@pytest.fixture
def provider(make_provider):
    return make_provider(name="Harbor Clinic", inquiry_email=OLD)


def staff(group, username):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def editor():
    return staff("Directory editors", "editor")


@pytest.fixture
def handler():
    return staff("Inquiry handlers", "handler")


def inquiry_emails():
    return [
        email for email in mail.outbox if "A message from a visitor" in email.subject
    ]


def test_mail_down_then_a_changed_address_then_the_retry(
    submit, provider, editor, settings, django_capture_on_commit_callbacks
):
    """The visitor agreed while OLD was the address; the retry still uses it."""
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    settings.MAILERS = BROKEN_MAIL
    assert submit(contact_url(provider), VALID).status_code == 302
    waiting = Inquiry.objects.get()
    assert waiting.notified_at is None and waiting.recipient_email == OLD

    with django_capture_on_commit_callbacks(execute=True):
        change_provider(editor, provider, inquiry_email=NEW)
    assert provider.inquiry_email == NEW

    settings.MAILERS = WORKING_MAIL
    call_command("send_pending_notifications")
    (sent,) = inquiry_emails()
    assert sent.to == [OLD]
    waiting.refresh_from_db()
    assert waiting.notified_at is not None

    submit(contact_url(provider), VALID | {"message": "A new message, after."})
    assert [email.to for email in inquiry_emails()] == [[OLD], [NEW]]
    assert Inquiry.objects.latest("created_at").recipient_email == NEW


def test_a_change_is_recorded_and_told_to_the_inquiry_handlers(
    submit, provider, editor, handler, settings, django_capture_on_commit_callbacks
):
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    settings.MAILERS = BROKEN_MAIL
    submit(contact_url(provider), VALID)  # waiting, mail being down
    settings.MAILERS = WORKING_MAIL

    with django_capture_on_commit_callbacks(execute=True):
        change_provider(editor, provider, inquiry_email=NEW)

    change = InquiryEmailChange.objects.get()
    assert (change.provider, change.old_email, change.new_email) == (provider, OLD, NEW)
    assert change.changed_by.username == change.changed_by_name == "editor"
    assert change.changed_at is not None

    (notice,) = mail.outbox
    assert notice.to == ["helpers@example.org"]
    assert notice.subject == "Harbor Clinic: inquiry email changed"
    assert f"Old address: {OLD}" in notice.body
    assert f"New address: {NEW}" in notice.body
    assert "editor changed where" in notice.body
    assert "1 message is still waiting to be sent to the old address." in notice.body

    listing = handler.get("/admin/treatment/inquiryemailchange/").content.decode()
    assert "Harbor Clinic" in listing and OLD in listing and NEW in listing
    assert "editor" in listing


def test_saving_a_provider_without_changing_the_address_records_nothing(
    provider, editor
):
    change_provider(editor, provider, name="Harbor Clinic East")
    assert provider.name == "Harbor Clinic East"
    assert InquiryEmailChange.objects.count() == 0


def test_editors_cannot_read_the_record_of_changes(editor, provider):
    change_provider(editor, provider, inquiry_email=NEW)
    assert editor.get("/admin/treatment/inquiryemailchange/").status_code == 403


def test_a_recipient_change_while_the_form_is_open_asks_again(client, submit, provider):
    """The form named Harbor Clinic; before it was sent, staff removed the
    clinic's address, so the message would go to our staff instead."""
    assert "I agree that Harbor Clinic will receive" in (
        client.get(contact_url(provider)).content.decode()
    )
    provider.inquiry_email = ""
    provider.save()

    response = submit(contact_url(provider), VALID)
    html = response.content.decode()
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0 and mail.outbox == []
    assert (
        "Who receives your message has changed since you opened this page: it "
        "would now go to Opioid Help staff. Tick the box again if you agree."
    ) in html
    assert "I agree that Opioid Help staff will receive" in html
    assert 'name="recipient" value="Opioid Help staff"' in html
    consent = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group()
    assert "checked" not in consent and 'aria-invalid="true"' in consent

    resent = submit(contact_url(provider), VALID | {"recipient": "Opioid Help staff"})
    assert resent.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.recipient_name == "Opioid Help staff"
    assert inquiry.recipient_email == ""
    assert inquiry.consent_statement.startswith("I agree that Opioid Help staff")


def test_a_post_without_the_recipient_it_agreed_to_stores_nothing(submit, provider):
    response = submit(contact_url(provider), VALID | {"recipient": ""})
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0


# No admin lookup tells an editor anything about inquiries

HIDDEN_LOOKUPS = [
    "/admin/treatment/provider/?inquiries__isnull=False",
    "/admin/treatment/provider/?inquiries__isnull=True",
    "/admin/treatment/provider/?inquiries=1",
    "/admin/treatment/provider/?inquiries__gt=0",
    "/admin/treatment/provider/?inquiries__pk__gt=0",
    "/admin/treatment/provider/?inquiries__id__lt=100",
    "/admin/treatment/provider/?inquiries__status=new",
    "/admin/treatment/provider/?inquiries__message__icontains=help",
    "/admin/treatment/provider/?inquiry_email_changes__isnull=False",
    "/admin/treatment/listingreport/?provider__inquiries__isnull=False",
    "/admin/treatment/service/?providers__inquiries__isnull=False",
    "/admin/treatment/servicecategory/?services__providers__inquiries__isnull=False",
]


@pytest.mark.parametrize("url", HIDDEN_LOOKUPS)
def test_editors_cannot_filter_on_inquiries(
    editor, provider, make_provider, make_inquiry, url
):
    make_provider(name="Quiet Clinic")
    make_inquiry(provider)
    ListingReport.objects.create(provider=provider, reason="other")
    response = editor.get(url)
    assert response.status_code == 400
    assert "Harbor Clinic" not in response.content.decode()


def test_editors_still_filter_on_what_they_can_see(editor, provider):
    for url in [
        "/admin/treatment/provider/?reports__isnull=False",
        "/admin/treatment/provider/?state__exact=MD",
        "/admin/treatment/listingreport/?provider__state=MD",
    ]:
        assert editor.get(url).status_code == 200, url


def test_a_superuser_may_filter_on_inquiries(client, provider):
    client.force_login(User.objects.create_superuser("boss", "b@example.org", "pw"))
    response = client.get("/admin/treatment/provider/?inquiries__isnull=False")
    assert response.status_code == 200


def test_editor_deletes_a_provider_and_the_inquiries_keep_their_recipient(
    submit, editor, provider, settings
):
    settings.MAILERS = BROKEN_MAIL
    submit(contact_url(provider), VALID)
    confirm = editor.get(f"/admin/treatment/provider/{provider.pk}/delete/")
    assert confirm.status_code == 200
    assert "Inquir" not in confirm.content.decode()
    response = editor.post(
        f"/admin/treatment/provider/{provider.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.provider is None and inquiry.recipient_email == OLD

    settings.MAILERS = WORKING_MAIL
    call_command("send_pending_notifications")
    assert inquiry_emails()[0].to == [OLD]
