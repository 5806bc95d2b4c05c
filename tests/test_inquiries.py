"""Contacting a provider or our staff: the form, storing, emailing, limits."""

import logging
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.tasks import Task, task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.test import Client, RequestFactory
from django.utils import timezone

from treatment.inquiries import views as inquiry_views
from treatment.inquiries.services import create_inquiry, send_inquiry_notification
from treatment.models import Inquiry, SubmissionCount
from treatment.phones import normalize_us_phone

pytestmark = pytest.mark.django_db

MESSAGE = "I need help finding methadone near me. Evenings are best."
VALID = {
    "who_needs_help": "me",
    "name": "Sam",
    "email": "sam@example.org",
    "phone": "(410) 555-0123",
    "preferred_contact": "phone",
    "preferred_time": "evening",
    "message": MESSAGE,
    "consent": "on",
    "recipient": "Harbor Clinic",  # whom the consent box named
}
TO_STAFF = {"recipient": "Opioid Help staff"}
SCRIPT = "<script>alert('x')</script><b>bold</b>"


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(f"cannot deliver: {email_messages[0].body}")


@pytest.fixture
def provider(make_provider):
    return make_provider(
        name="Harbor Clinic", inquiry_email="intake@harbor.example.org"
    )


def contact_url(provider):
    return f"/treatment/{provider.slug}/contact/"


# The form, as a visitor sees it


def test_provider_page_has_the_form_naming_who_receives_it(client, provider):
    html = client.get(provider.get_absolute_url()).content.decode()
    assert f'action="{contact_url(provider)}"' in html
    assert (
        "I agree that Harbor Clinic will receive my message and contact details."
        in html
    )
    assert "Who reads your message:</strong> Harbor Clinic." in html
    assert 'href="/privacy/"' in html
    assert "intake@harbor.example.org" not in html


def test_general_form_and_providers_without_email_go_to_our_staff(
    client, make_provider, settings
):
    settings.SITE_NAME = "Opioid Help"
    statement = "I agree that Opioid Help staff will receive my message and contact"
    assert statement in client.get("/contact/").content.decode()
    no_email = make_provider(name="Quiet Clinic", inquiry_email="")
    html = client.get(no_email.get_absolute_url()).content.decode()
    assert statement in html
    assert "Quiet Clinic does not take messages through this site" in html


def test_honeypot_is_hidden_by_class_and_skipped_by_assistive_tech(client):
    html = client.get("/contact/").content.decode()
    honeypot = re.search(
        r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S
    )
    assert honeypot
    field = re.search(r"<input[^>]+name=\"homepage\"[^>]*>", honeypot.group(1)).group()
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    assert '<label for="id_homepage">' in honeypot.group(1)
    assert " style=" not in html


def test_form_page_loads_its_script_from_a_file(client):
    html = client.get("/contact/").content.decode()
    assert re.search(r'<script src="/static/js/form-errors\.js" defer>', html)
    assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))", html)


# A valid inquiry


def test_valid_inquiry_is_stored_once_and_emailed_once(submit, client, provider):
    response = submit(contact_url(provider), VALID)
    assert response.status_code == 302
    assert response.url == "/contact/sent/"  # no contact details in the URL
    inquiry = Inquiry.objects.get()
    assert inquiry.provider == provider
    assert inquiry.message == MESSAGE
    assert inquiry.phone == "410-555-0123"
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.notified_at is not None
    assert inquiry.consent_statement == (
        "I agree that Harbor Clinic will receive my message and contact details."
    )
    assert inquiry.recipient_name == "Harbor Clinic"
    assert inquiry.recipient_email == "intake@harbor.example.org"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["intake@harbor.example.org"]
    assert email.reply_to == ["sam@example.org"]
    assert MESSAGE in email.body
    assert "410-555-0123" in email.body and "Evening" in email.body

    confirmation = client.get(response.url).content.decode()
    assert "Thank you, Sam" in confirmation
    assert "Harbor Clinic will get it" in confirmation
    assert "410-555-0123" in confirmation
    assert 'href="tel:988"' in confirmation  # the help lines, repeated
    assert MESSAGE not in confirmation


def test_general_request_goes_to_the_staff_address(submit, settings):
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    response = submit("/contact/", VALID | TO_STAFF)
    assert response.status_code == 302
    assert Inquiry.objects.get().provider is None
    assert mail.outbox[0].to == ["helpers@example.org"]


def test_provider_without_inquiry_email_goes_to_the_staff_address(
    submit, make_provider, settings
):
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    provider = make_provider(name="Quiet Clinic", inquiry_email="")
    submit(contact_url(provider), VALID | TO_STAFF)
    assert mail.outbox[0].to == ["helpers@example.org"]
    assert "Quiet Clinic" in mail.outbox[0].body


def test_email_is_stored_first_and_sent_only_after_commit(
    provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        create_inquiry(
            provider=provider,
            who_needs_help="me",
            email="sam@example.org",
            message=MESSAGE,
        )
        assert Inquiry.objects.count() == 1
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_notification_is_a_django_task_run_by_the_configured_backend():
    assert isinstance(send_inquiry_notification, Task)
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_phone_numbers_are_normalized():
    for typed in ("(410) 555-0123", "+1 410.555.0123", "1-410-555-0123", "4105550123"):
        assert normalize_us_phone(typed) == "410-555-0123"


def test_service_function_refuses_invalid_input(provider):
    fields = {"provider": provider, "who_needs_help": "me", "message": MESSAGE}
    with pytest.raises(ValidationError):
        create_inquiry(**fields)  # no way to reply
    with pytest.raises(ValidationError):
        create_inquiry(**fields, phone="555-0100")
    with pytest.raises(ValidationError):
        create_inquiry(**fields | {"message": "x" * 2001}, email="a@example.org")
    assert Inquiry.objects.count() == 0


# Invalid input: a clear message next to the field, nothing stored or sent

INVALID = [
    ("who_needs_help", {"who_needs_help": ""}, "Choose who needs help"),
    ("who_needs_help", {"who_needs_help": "nobody"}, "Choose who needs help"),
    ("email", {"email": "", "phone": ""}, "Give an email address or a phone number"),
    ("email", {"email": "sam@"}, "Enter an email address like"),
    ("email", {"email": "sam@example.org\nBcc: x@example.org"}, "Enter an email"),
    ("phone", {"phone": "555-0100"}, "Enter a US phone number"),
    ("phone", {"phone": "123-456-7890"}, "Enter a US phone number"),
    ("phone", {"phone": "410-555-012a"}, "Enter a US phone number"),
    ("phone", {"phone": "+44 20 7946 0958"}, "Enter a US phone number"),
    ("preferred_contact", {"preferred_contact": ""}, "Choose the best way"),
    ("preferred_contact", {"preferred_contact": "pigeon"}, "Choose one of the ways"),
    (
        "preferred_contact",
        {"preferred_contact": "text", "phone": ""},
        "there is no phone number above",
    ),
    (
        "preferred_contact",
        {"preferred_contact": "email", "email": ""},
        "there is no email address above",
    ),
    ("preferred_time", {"preferred_time": "midnight"}, "Choose one of the times"),
    ("message", {"message": ""}, "Write a short message"),
    ("message", {"message": "   \n  "}, "Write a short message"),
    ("message", {"message": "x" * 100_000}, "(it has 100000)"),
    ("name", {"name": "N" * 101}, "100 characters or fewer"),
    ("consent", {"consent": ""}, "Tick the box to agree"),
]


@pytest.mark.parametrize(
    "field, changes, error", INVALID, ids=[f"{c[0]}-{i}" for i, c in enumerate(INVALID)]
)
def test_invalid_input_is_explained_and_nothing_is_stored(
    submit, provider, field, changes, error
):
    response = submit(contact_url(provider), VALID | changes)
    html = response.content.decode()
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0
    assert mail.outbox == []
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary and error in summary.group()
    anchor = f"id_{field}_0" if field == "who_needs_help" else f"id_{field}"
    assert f'href="#{anchor}"' in summary.group()
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html)
    assert errors and error in errors.group(1)
    assert 'aria-invalid="true"' in html
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', html)


def test_form_comes_back_with_what_the_visitor_typed(submit, provider):
    html = submit(contact_url(provider), VALID | {"email": "sam@"}).content.decode()
    assert 'value="sam@"' in html
    assert 'value="(410) 555-0123"' in html
    assert f">\n{MESSAGE}</textarea>" in html
    assert re.search(r'value="me"[^>]*checked', html)
    assert 'name="consent" required aria-invalid' not in html
    assert re.search(r'name="consent"[^>]*checked', html)


def test_errors_are_linked_to_their_fields(submit, provider):
    html = submit(contact_url(provider), VALID | {"email": "sam@"}).content.decode()
    email = re.search(r'<input type="email"[^>]*>', html).group()
    assert 'aria-invalid="true"' in email
    assert 'aria-describedby="id_email_helptext id_email_error"' in email
    assert html.index('class="error-summary"') < html.index("<h1>")


def test_script_in_every_field_is_refused_and_nothing_stored(submit, provider):
    data = {name: SCRIPT for name in VALID}
    response = submit(contact_url(provider), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0 and mail.outbox == []
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_html_a_visitor_types_stays_text_everywhere(submit, client, provider):
    response = submit(
        contact_url(provider), VALID | {"name": SCRIPT, "message": SCRIPT}
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.message == SCRIPT

    confirmation = client.get(response.url).content.decode()
    assert "<script>alert" not in confirmation and "<b>bold" not in confirmation
    assert "Thank you, &lt;script&gt;" in confirmation

    email = mail.outbox[0]
    assert email.message().get_content_type() == "text/plain"  # no HTML part
    assert SCRIPT in email.body  # plain text: shown as typed, never run
    assert "&lt;" not in email.body

    client.force_login(User.objects.create_superuser("boss", "b@example.org", "pw"))
    admin_html = client.get(f"/admin/treatment/inquiry/{inquiry.pk}/change/")
    admin_html = admin_html.content.decode()
    assert "<script>alert" not in admin_html and "<b>bold" not in admin_html
    assert "&lt;script&gt;alert" in admin_html


def test_filled_honeypot_pretends_success_but_keeps_and_sends_nothing(
    submit, client, provider
):
    response = submit(
        contact_url(provider), VALID | {"homepage": "http://spam.example"}
    )
    assert response.status_code == 302
    assert Inquiry.objects.count() == 0 and mail.outbox == []
    assert "We have your message" in client.get(response.url).content.decode()


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_posting_without_a_valid_csrf_token_is_refused(submit, provider, token):
    browser = Client(enforce_csrf_checks=True)
    browser.get(contact_url(provider))
    data = VALID if token is None else VALID | {"csrfmiddlewaretoken": token}
    response = submit(contact_url(provider), data, client=browser)
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()
    assert Inquiry.objects.count() == 0 and mail.outbox == []


def test_view_keeps_post_data_out_of_error_reports(provider):
    request = RequestFactory().get("/contact/")
    inquiry_views.contact(request)
    assert request.sensitive_post_parameters == "__ALL__"


def test_unknown_or_unpublished_provider_is_404(client, make_provider):
    assert client.get("/treatment/nobody-here/contact/").status_code == 404
    hidden = make_provider(is_published=False)
    assert client.post(contact_url(hidden), VALID).status_code == 404
    assert Inquiry.objects.count() == 0


# Repeats, reloads and floods


def test_same_message_twice_within_ten_minutes_is_one_inquiry(submit, provider):
    first = submit(contact_url(provider), VALID)
    second = submit(contact_url(provider), VALID | {"message": f"  {MESSAGE} "})
    assert first.status_code == second.status_code == 302
    assert Inquiry.objects.count() == 1 and len(mail.outbox) == 1

    Inquiry.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    submit(contact_url(provider), VALID)
    assert Inquiry.objects.count() == 2 and len(mail.outbox) == 2


def test_a_different_message_is_a_new_inquiry(submit, provider):
    submit(contact_url(provider), VALID)
    submit(contact_url(provider), VALID | {"message": "Also: do you take Medicaid?"})
    assert Inquiry.objects.count() == 2


def test_confirmation_page_shows_no_details_once_its_cookie_is_old(
    submit, client, provider, monkeypatch
):
    response = submit(contact_url(provider), VALID)
    assert response.url == "/contact/sent/"
    cookie = response.cookies[inquiry_views.CONFIRMATION_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/contact/sent/"
    assert cookie["samesite"] == "Lax" and cookie["max-age"] == 1800
    assert "Sam" in client.get("/contact/sent/").content.decode()

    monkeypatch.setattr(inquiry_views, "CONFIRMATION_MAX_AGE", -1)
    html = client.get("/contact/sent/").content.decode()
    assert "We have your message" in html
    assert "410-555-0123" not in html and "Sam" not in html
    assert "no-store" in client.get("/contact/sent/").headers["Cache-Control"]


def test_a_made_up_confirmation_cookie_shows_nothing(submit, provider):
    submit(contact_url(provider), VALID)
    stranger = Client()
    for value in ["1", "1:forged:signature", "", "x" * 5000]:
        stranger.cookies[inquiry_views.CONFIRMATION_COOKIE] = value
        response = stranger.get("/contact/sent/")
        assert response.status_code == 200
        assert "Sam" not in response.content.decode()


def test_sixth_inquiry_in_an_hour_gets_429_and_is_not_stored(submit, provider):
    for number in range(5):
        response = submit(
            contact_url(provider), VALID | {"message": f"Message {number}"}
        )
        assert response.status_code == 302
    response = submit(contact_url(provider), VALID | {"message": "Message 6"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Please wait a while before sending more" in html
    assert 'href="tel:911"' in html
    assert Inquiry.objects.count() == 5 and len(mail.outbox) == 5

    other_visitor = submit(
        contact_url(provider), VALID | {"message": "Hi"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_visitor.status_code == 302

    SubmissionCount.objects.update(started_at=timezone.now() - timedelta(minutes=61))
    response = submit(contact_url(provider), VALID | {"message": "An hour later"})
    assert response.status_code == 302


def test_searches_filling_the_cache_cannot_reset_the_limit(submit, provider):
    for number in range(5):
        submit(contact_url(provider), VALID | {"message": f"Message {number}"})
        cache.clear()  # as if search results had evicted everything
    response = submit(contact_url(provider), VALID | {"message": "Message 6"})
    assert response.status_code == 429


def test_an_ipv6_client_is_counted_per_64_network(submit, provider):
    """A phone or home gets a whole /64 and can use a new address each time."""
    for number in range(5):
        response = submit(
            contact_url(provider),
            VALID | {"message": f"Message {number}"},
            REMOTE_ADDR=f"2001:db8:aaaa:1::{number + 1:x}",
        )
        assert response.status_code == 302
    same_network = submit(
        contact_url(provider),
        VALID | {"message": "Message 6"},
        REMOTE_ADDR="2001:db8:aaaa:1:ffff:ffff:ffff:fffe",
    )
    assert same_network.status_code == 429
    next_network = submit(
        contact_url(provider),
        VALID | {"message": "Message 7"},
        REMOTE_ADDR="2001:db8:aaaa:2::1",
    )
    assert next_network.status_code == 302


def test_inquiries_and_reports_have_separate_limits(submit, provider):
    for number in range(5):
        submit(contact_url(provider), VALID | {"message": f"Message {number}"})
    report = submit(f"/treatment/{provider.slug}/report/", {"reason": "wrong_phone"})
    assert report.status_code == 302


def test_rate_limit_keeps_a_hash_not_the_address(submit, provider):
    submit(contact_url(provider), VALID, REMOTE_ADDR="203.0.113.77")
    (counter,) = SubmissionCount.objects.all()
    assert counter.count == 1
    stored = " ".join(str(value) for value in vars(counter).values())
    assert "203.0.113" not in stored
    assert "203.0.113.77" not in "".join(map(str, cache._cache))


def test_forwarded_for_header_does_not_dodge_the_limit(submit, provider):
    for number in range(6):
        response = submit(
            contact_url(provider),
            VALID | {"message": f"Message {number}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert response.status_code == 429


def test_mistakes_do_not_count_towards_the_limit(submit, provider):
    for _attempt in range(6):
        submit(contact_url(provider), VALID | {"email": "sam@"})
    assert submit(contact_url(provider), VALID).status_code == 302


# When email fails


def test_failed_email_keeps_the_inquiry_and_a_later_run_sends_it(
    submit, client, provider, settings
):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_inquiries.BrokenMailServer"}}
    response = submit(contact_url(provider), VALID)
    assert response.status_code == 302
    assert "We have your message" in client.get(response.url).content.decode()
    inquiry = Inquiry.objects.get()
    assert inquiry.notified_at is None
    assert inquiry.notify_attempts == 1
    assert inquiry.last_notify_error == (
        "The mail server could not be reached. The site will try again."
    )

    call_command("send_pending_notifications")  # still broken
    inquiry.refresh_from_db()
    assert inquiry.notify_attempts == 2 and inquiry.notified_at is None

    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    output = run_command("send_pending_notifications")
    assert "Sent 1 pending inquiry email(s); 0 failed." in output
    inquiry.refresh_from_db()
    assert inquiry.notified_at is not None and inquiry.last_notify_error == ""
    assert len(mail.outbox) == 1 and MESSAGE in mail.outbox[0].body
    assert "Sent 0 pending" in run_command("send_pending_notifications")


def test_missing_staff_address_keeps_the_request_waiting(submit, settings):
    settings.INQUIRY_STAFF_EMAIL = ""
    assert submit("/contact/", VALID | TO_STAFF).status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.notified_at is None
    assert inquiry.last_notify_error.startswith(
        "Our staff's email address for these messages is not set up yet."
    )
    assert "INQUIRY_STAFF_EMAIL" not in inquiry.last_notify_error


def test_spam_is_never_sent_later(submit, provider, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_inquiries.BrokenMailServer"}}
    submit(contact_url(provider), VALID)
    Inquiry.objects.update(status=Inquiry.Status.SPAM)
    assert "Sent 0 pending inquiry email(s); 0 failed." in run_command(
        "send_pending_notifications"
    )


def test_inquiry_contents_never_reach_the_logs(submit, provider, settings, caplog):
    caplog.set_level(logging.DEBUG)
    secret = {
        "name": "Nickname-Q7",
        "email": "hidden-q7@example.org",
        "phone": "410-555-0177",
        "message": "Secret-message-Q7 about my health",
    }
    submit(contact_url(provider), VALID | secret)
    settings.MAILERS = {"default": {"BACKEND": "tests.test_inquiries.BrokenMailServer"}}
    submit(contact_url(provider), VALID | secret | {"message": "Failing-Q7 message"})
    run_command("send_pending_notifications")
    assert Inquiry.objects.count() == 2
    assert any("email not sent" in record.getMessage() for record in caplog.records)
    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''} {record.args}"
        for record in caplog.records
    )
    for value in [*secret.values(), "Failing-Q7"]:
        assert value not in logged


# Retention


def test_purge_deletes_only_closed_and_spam_past_retention(provider, settings):
    settings.INQUIRY_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    for status in Inquiry.Status:
        for created_at in (old, timezone.now()):
            inquiry = Inquiry.objects.create(
                provider=provider,
                who_needs_help="me",
                email="a@example.org",
                message=f"{status} {created_at}",
                consent_statement="I agree.",
                recipient_name="Harbor Clinic",
                fingerprint=f"{status}{created_at}",
                status=status,
            )
            Inquiry.objects.filter(pk=inquiry.pk).update(created_at=created_at)
    output = run_command("purge_inquiries")
    assert "Deleted 2 handled or spam inquiries older than 30 days." in output
    kept = {
        (i.status, i.created_at < timezone.now() - timedelta(days=30))
        for i in Inquiry.objects.all()
    }
    assert kept == {
        ("new", True),
        ("new", False),
        ("in_progress", True),
        ("in_progress", False),
        ("closed", False),
        ("spam", False),
    }


def run_command(name):
    output = StringIO()
    call_command(name, stdout=output, stderr=output)
    return output.getvalue()


# Control characters


def test_control_characters_are_removed_from_what_is_stored(submit, provider):
    typed = "Line one\r\nLine\ttwo \x1b[31mred\x1b[0m \u202eexe.txt\u202c end\x00"
    response = submit(
        contact_url(provider),
        VALID | {"name": "Sam\u202e\x07", "message": typed},
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.name == "Sam"
    assert inquiry.message == "Line one\nLine\ttwo [31mred[0m exe.txt end"
    assert mail.outbox[0].body.count("\x1b") == 0


def test_a_message_of_control_characters_alone_is_empty(submit, provider):
    response = submit(contact_url(provider), VALID | {"message": "\x1b\x00\u202e"})
    assert "Write a short message" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_the_limit_counts_the_characters_that_are_kept(submit, provider):
    response = submit(
        contact_url(provider), VALID | {"message": "x" * 2000 + "\0" * 50}
    )
    assert response.status_code == 302
    assert Inquiry.objects.get().message == "x" * 2000
