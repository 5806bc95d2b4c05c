"""Visitors' messages survive their helpers: a slow or dead mail server never
holds up the visitor (the worker sends), Redis down loses nothing, and no
inquiry is emailed twice however many senders run at once."""

import socket
import threading
import time
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.faults import closed_port, redis_cache_at
from tests.test_inquiries import VALID, contact_url
from treatment.inquiries.services import (
    NO_STAFF_ADDRESS,
    notify,
    record_inquiry_email_change,
    send_pending_email_change_notices,
    send_pending_notifications,
)
from treatment.models import Inquiry, InquiryEmailChange, ListingReport
from treatment.outbox import SENDING_STALE_AFTER

pytestmark = pytest.mark.django_db

PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKING_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def provider(make_provider):
    return make_provider(
        name="Harbor Clinic", inquiry_email="intake@harbor.example.org"
    )


@contextmanager
def silent_mail_server():
    """A mail server that accepts connections and never says a word; yields
    its port and the list of connections it accepted."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def smtp_mail(port, timeout=1):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


@pytest.fixture
def run_worker(monkeypatch):
    """Run `manage.py db_worker` until no task is left. It closes the database
    connection between tasks, which would end the test's transaction (and
    with it the test's data): here it keeps it."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )

    def run():
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            reload=False,
            stdout=StringIO(),
        )

    return run


# The mail server slow or down: the visitor never waits on it


def test_the_request_makes_no_smtp_connection_and_the_worker_sends(
    submit, client, provider, settings, run_worker
):
    settings.TASKS = PRODUCTION_TASKS
    with silent_mail_server() as (port, connections):
        settings.MAILERS = smtp_mail(port)
        started = time.monotonic()
        response = submit(contact_url(provider), VALID)
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert "We have your message" in client.get(response.url).content.decode()
        time.sleep(0.2)  # time enough for a connection to show
        assert connections == []
        assert elapsed < 1  # the mail server would hold it for the 1 s timeout
        inquiry = Inquiry.objects.get()
        assert inquiry.notified_at is None and inquiry.notify_attempts == 0
        assert DBTaskResult.objects.count() == 1  # waiting for the worker

        run_worker()  # the worker waits on the mail server instead
        assert len(connections) == 1
    inquiry.refresh_from_db()
    assert inquiry.notified_at is None and inquiry.notify_attempts == 1
    assert inquiry.last_notify_error == (
        "The mail server did not answer in time. The site will try again."
    )

    settings.MAILERS = WORKING_MAIL
    assert send_pending_notifications() == (1, 0)  # the regular retry
    assert mail.outbox[0].to == ["intake@harbor.example.org"]


def test_mail_server_down_the_inquiry_waits_for_the_retry(
    submit, provider, settings, run_worker
):
    settings.TASKS = PRODUCTION_TASKS
    settings.MAILERS = smtp_mail(closed_port())
    assert submit(contact_url(provider), VALID).status_code == 302
    run_worker()
    inquiry = Inquiry.objects.get()
    assert inquiry.notified_at is None
    assert inquiry.last_notify_error == (
        "The mail server could not be reached. The site will try again."
    )
    settings.MAILERS = WORKING_MAIL
    assert send_pending_notifications() == (1, 0)
    assert send_pending_notifications() == (0, 0)
    assert len(mail.outbox) == 1


def test_the_handlers_notice_of_a_changed_address_is_sent_by_the_worker(
    provider, settings, admin_user, django_capture_on_commit_callbacks, run_worker
):
    settings.TASKS = PRODUCTION_TASKS
    settings.MAILERS = WORKING_MAIL
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        record_inquiry_email_change(
            provider=provider, old_email="old@example.org", changed_by=admin_user
        )
    assert mail.outbox == []
    run_worker()
    assert [email.to for email in mail.outbox] == [["helpers@example.org"]]
    assert InquiryEmailChange.objects.get().notified_at is not None


def test_the_handlers_notice_waits_for_the_mail_server_and_goes_once(
    provider, settings, admin_user, django_capture_on_commit_callbacks, run_worker
):
    settings.TASKS = PRODUCTION_TASKS
    settings.MAILERS = smtp_mail(closed_port())
    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        record_inquiry_email_change(
            provider=provider, old_email="old@example.org", changed_by=admin_user
        )
    run_worker()
    change = InquiryEmailChange.objects.get()
    assert change.notified_at is None and change.notify_attempts == 1
    assert change.last_notify_error == (
        "The mail server could not be reached. The site will try again."
    )

    settings.MAILERS = WORKING_MAIL
    output = StringIO()
    call_command("send_pending_notifications", stdout=output)
    assert "Sent 1 pending notice(s) of a changed inquiry email" in output.getvalue()
    call_command("send_pending_notifications", stdout=StringIO())
    (notice,) = mail.outbox
    assert notice.to == ["helpers@example.org"]
    assert "Old address: old@example.org" in notice.body


def test_the_handlers_notice_waits_for_the_staff_address_to_be_set(
    provider, settings, admin_user, django_capture_on_commit_callbacks
):
    settings.MAILERS = WORKING_MAIL
    settings.INQUIRY_STAFF_EMAIL = ""
    with django_capture_on_commit_callbacks(execute=True):
        record_inquiry_email_change(
            provider=provider, old_email="old@example.org", changed_by=admin_user
        )
    change = InquiryEmailChange.objects.get()
    assert mail.outbox == [] and change.notified_at is None
    assert change.last_notify_error == NO_STAFF_ADDRESS

    settings.INQUIRY_STAFF_EMAIL = "helpers@example.org"
    assert send_pending_email_change_notices() == (1, 0)
    assert send_pending_email_change_notices() == (0, 0)
    assert [email.to for email in mail.outbox] == [["helpers@example.org"]]


# Redis down: visitors' messages are stored and still limited


@pytest.fixture
def redis_down():
    with redis_cache_at(closed_port()):  # the site's own Redis backend
        yield


def test_redis_down_inquiries_are_stored_and_limited(
    redis_down, submit, client, provider
):
    for number in range(5):
        response = submit(
            contact_url(provider), VALID | {"message": f"Message {number}"}
        )
        assert response.status_code == 302
        assert "Thank you, Sam" in client.get(response.url).content.decode()
    assert Inquiry.objects.count() == 5 and len(mail.outbox) == 5
    sixth = submit(contact_url(provider), VALID | {"message": "Message 6"})
    assert sixth.status_code == 429 and Inquiry.objects.count() == 5


def test_redis_down_listing_reports_are_stored_and_limited(
    redis_down, submit, client, provider
):
    url = f"/treatment/{provider.slug}/report/"
    for _number in range(5):
        response = submit(url, {"reason": "wrong_phone"})
        assert response.status_code == 302
        assert "We have your report" in client.get(response.url).content.decode()
    assert ListingReport.objects.count() == 5
    assert submit(url, {"reason": "wrong_phone"}).status_code == 429
    assert ListingReport.objects.count() == 5


# Never twice


def test_a_second_sender_leaves_an_inquiry_being_sent_alone(submit, provider, settings):
    settings.TASKS = PRODUCTION_TASKS
    submit(contact_url(provider), VALID)
    inquiry = Inquiry.objects.get()
    assert Inquiry.objects.claim_for_sending(
        inquiry.pk, now=timezone.now(), stale_after=SENDING_STALE_AFTER
    )
    assert notify(inquiry.pk) is None  # the worker finds it taken
    assert send_pending_notifications() == (0, 0)
    assert mail.outbox == []

    # A sender that died mid-send lets go once its claim is stale.
    Inquiry.objects.update(sending_since=timezone.now() - SENDING_STALE_AFTER * 2)
    assert send_pending_notifications() == (1, 0)
    assert len(mail.outbox) == 1


class SlowMailServer(EmailBackend):
    """Takes half a second per email, as a real server can."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_email_an_inquiry_once(provider, settings, make_inquiry):
    """The worker's task and the retry command, at the same moment, on
    PostgreSQL (SQLite in tests has one connection for every thread)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent senders need PostgreSQL: set DATABASE_URL")
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowMailServer"}}
    inquiry = make_inquiry(provider)
    outcomes, start = [], threading.Barrier(4)

    def sender(run):
        start.wait()
        try:
            outcomes.append(run())
        finally:
            connection.close()

    runs = [lambda: notify(inquiry.pk)] * 2 + [send_pending_notifications] * 2
    threads = [threading.Thread(target=sender, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mail.outbox) == 1
    sent = [o for o in outcomes if o is True or o == (1, 0)]
    assert len(sent) == 1, outcomes
    inquiry.refresh_from_db()
    assert inquiry.notify_attempts == 1 and inquiry.notified_at is not None
