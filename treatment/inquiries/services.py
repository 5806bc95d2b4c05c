"""Writes that come from visitors: inquiries and listing reports.

Inquiry contents are sensitive health data. Nothing here logs them: log lines
carry an inquiry's id and the kind of error, never what the visitor wrote.
"""

import hashlib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import override

from portal.clients import client_network
from treatment.models import (
    Inquiry,
    InquiryEmailChange,
    ListingReport,
    Provider,
    SubmissionCount,
)
from treatment.outbox import NotSetUp, send_all_pending, send_stored

SUBMISSIONS_PER_HOUR = 5
LIMIT_WINDOW = timedelta(hours=1)
DUPLICATE_WINDOW = timedelta(minutes=10)


def create_inquiry(
    *,
    provider: Provider | None,
    who_needs_help: str,
    message: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    preferred_contact: str = Inquiry.ContactMethod.ANY,
    preferred_time: str = Inquiry.ContactTime.ANY,
    language: str = "en",
) -> Inquiry:
    """Validate and store an inquiry, then email it once the transaction commits.

    The recipient, name and address, is fixed now, and the consent sentence
    stored with it names that recipient. The same message to the same
    recipient from the same contact details within ten minutes returns the
    inquiry already stored instead of a second one. Raises ValidationError
    for invalid input.
    """
    recipient = Inquiry.recipient_for(provider)
    inquiry = Inquiry(
        provider=provider,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        consent_statement=Inquiry.consent_sentence(recipient.name),
        language=language,
        who_needs_help=who_needs_help,
        name=name,
        email=email,
        phone=phone,
        preferred_contact=preferred_contact,
        preferred_time=preferred_time,
        message=message,
    )
    inquiry.fingerprint = inquiry_fingerprint(inquiry)
    inquiry.full_clean()
    with transaction.atomic():
        duplicate = Inquiry.objects.filter(
            fingerprint=inquiry.fingerprint,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).first()
        if duplicate:
            return duplicate
        inquiry.save()
        transaction.on_commit(
            partial(send_inquiry_notification.enqueue, inquiry.pk), robust=True
        )
    return inquiry


def inquiry_fingerprint(inquiry: Inquiry) -> str:
    parts = [
        str(inquiry.provider_id or ""),
        inquiry.email.lower(),
        inquiry.phone,
        " ".join(inquiry.message.split()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@task
def send_inquiry_notification(inquiry_id: int) -> bool | None:
    return notify(inquiry_id)


def notify(inquiry_id: int) -> bool | None:
    """Email the inquiry to the recipient fixed when it arrived (see
    treatment.outbox.send_stored: True, False or None). Never sends one
    inquiry twice, even when the worker and the retry run at once; a failed
    one waits for `send_pending_notifications`."""
    return send_stored(Inquiry, inquiry_id, notification_email)


NO_STAFF_ADDRESS = (
    "Our staff's email address for these messages is not set up yet. "
    "Ask the site's administrator to set it; the message is kept and "
    "goes out once it is."
)


def notification_email(inquiry: Inquiry) -> EmailMessage:
    """Plain text only, so anything the visitor typed stays text."""
    recipient = inquiry.recipient_email or settings.INQUIRY_STAFF_EMAIL
    if not recipient:
        raise NotSetUp(NO_STAFF_ADDRESS)
    # For the provider or our staff, in English whatever the visitor's
    # language; what the visitor agreed to and wrote stays as they read it.
    with override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "treatment/email/inquiry_notification.txt",
            {"inquiry": inquiry, "SITE_NAME": settings.SITE_NAME},
        )
    return EmailMessage(
        subject=f"A message from a visitor to {settings.SITE_NAME} (#{inquiry.pk})",
        body=body,
        to=[recipient],
        reply_to=[inquiry.email] if inquiry.email else None,
    )


def send_pending_notifications() -> tuple[int, int]:
    """Retry every inquiry whose email has not gone out: (sent, failed).
    Inquiries another sender is emailing at the same moment are left to it."""
    return send_all_pending(Inquiry, notify)


def record_inquiry_email_change(
    *, provider: Provider, old_email: str, changed_by
) -> InquiryEmailChange:
    """Record that staff changed a provider's inquiry email, and tell the
    inquiry handlers once the change is committed."""
    change = InquiryEmailChange.objects.create(
        provider=provider,
        provider_name=provider.name,
        old_email=old_email,
        new_email=provider.inquiry_email,
        changed_by=changed_by,
        changed_by_name=changed_by.get_username(),
    )
    transaction.on_commit(
        partial(tell_handlers_of_email_change.enqueue, change.pk), robust=True
    )
    return change


@task
def tell_handlers_of_email_change(change_id: int) -> bool | None:
    return notify_handlers_of_email_change(change_id)


def notify_handlers_of_email_change(change_id: int) -> bool | None:
    """Email our staff's address about a change of inquiry email, once (see
    treatment.outbox.send_stored). The change stays listed in admin whether
    or not this email goes out; a failed one waits for
    `send_pending_notifications`."""
    return send_stored(InquiryEmailChange, change_id, email_change_notice)


def email_change_notice(change: InquiryEmailChange) -> EmailMessage:
    if not settings.INQUIRY_STAFF_EMAIL:
        raise NotSetUp(NO_STAFF_ADDRESS)
    waiting = Inquiry.objects.not_notified().filter(
        provider_id=change.provider_id, recipient_email=change.old_email
    )
    body = render_to_string(
        "treatment/email/inquiry_email_changed.txt",
        {"change": change, "waiting": waiting.count(), "SITE_NAME": settings.SITE_NAME},
    )
    return EmailMessage(
        subject=f"{change.provider_name}: inquiry email changed",
        body=body,
        to=[settings.INQUIRY_STAFF_EMAIL],
    )


def send_pending_email_change_notices() -> tuple[int, int]:
    """Retry every change of inquiry email whose notice has not gone out:
    (sent, failed)."""
    return send_all_pending(InquiryEmailChange, notify_handlers_of_email_change)


def create_listing_report(
    *, provider: Provider, reason: str, details: str = ""
) -> ListingReport:
    report = ListingReport(provider=provider, reason=reason, details=details)
    report.full_clean()
    report.save()
    return report


def over_hourly_limit(*, client_address: str, action: str) -> bool:
    """Count one submission from this client; True once past the hourly limit.

    Counted per network (an IPv6 client per /64, which one household or phone
    holds) in the database, where nothing evicts a count and which works
    whenever an inquiry can be stored. The row keeps a keyed hash of the
    network, never the address; rows older than an hour are deleted here.
    """
    client = salted_hmac(
        "submission-rate-limit", client_network(client_address), algorithm="sha256"
    ).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        SubmissionCount.objects.filter(started_at__lt=now - LIMIT_WINDOW).delete()
        counter, _ = SubmissionCount.objects.select_for_update().get_or_create(
            client=client, action=action, defaults={"started_at": now}
        )
        counter.count += 1
        counter.save(update_fields=["count"])
    return counter.count > SUBMISSIONS_PER_HOUR
