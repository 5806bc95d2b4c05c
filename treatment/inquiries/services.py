"""Writes that come from visitors: inquiries and listing reports.

Inquiry contents are sensitive health data. Nothing here logs them: log lines
carry an inquiry's id and the kind of error, never what the visitor wrote.
"""

import hashlib
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from treatment.models import Inquiry, ListingReport, Provider

logger = logging.getLogger(__name__)

SUBMISSIONS_PER_HOUR = 5
DUPLICATE_WINDOW = timedelta(minutes=10)


def create_inquiry(
    *,
    provider: Provider | None,
    who_needs_help: str,
    message: str,
    consent_statement: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    preferred_contact: str = Inquiry.ContactMethod.ANY,
    preferred_time: str = Inquiry.ContactTime.ANY,
) -> Inquiry:
    """Validate and store an inquiry, then email it once the transaction commits.

    The same message to the same recipient from the same contact details within
    ten minutes returns the inquiry already stored instead of a second one.
    Raises ValidationError for invalid input.
    """
    inquiry = Inquiry(
        provider=provider,
        who_needs_help=who_needs_help,
        name=name,
        email=email,
        phone=phone,
        preferred_contact=preferred_contact,
        preferred_time=preferred_time,
        message=message,
        consent_statement=consent_statement,
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
def send_inquiry_notification(inquiry_id: int) -> bool:
    inquiry = Inquiry.objects.select_related("provider").get(pk=inquiry_id)
    return notify(inquiry)


def notify(inquiry: Inquiry) -> bool:
    """Email the inquiry to whoever the visitor agreed would receive it.

    A failure is recorded on the inquiry (the kind of error only) and leaves it
    for `manage.py send_pending_notifications`; it never deletes anything.
    """
    if inquiry.notified_at:
        return True
    inquiry.notify_attempts += 1
    recipient = notification_address(inquiry)
    try:
        if not recipient:
            raise MissingStaffAddress("INQUIRY_STAFF_EMAIL is not set")
        notification_email(inquiry, recipient).send()
    except Exception as error:
        inquiry.last_notify_error = error_kind(error)
        inquiry.save(update_fields=["notify_attempts", "last_notify_error"])
        logger.warning(
            "Inquiry %s: email not sent (%s)", inquiry.pk, inquiry.last_notify_error
        )
        return False
    inquiry.notified_at = timezone.now()
    inquiry.last_notify_error = ""
    inquiry.save(update_fields=["notify_attempts", "last_notify_error", "notified_at"])
    return True


class MissingStaffAddress(Exception):
    pass


def error_kind(error: Exception) -> str:
    """Name the error without its text, which could quote the message."""
    if isinstance(error, MissingStaffAddress):
        return str(error)
    return type(error).__name__


def notification_address(inquiry: Inquiry) -> str:
    if inquiry.provider and inquiry.provider.inquiry_email:
        return inquiry.provider.inquiry_email
    return settings.INQUIRY_STAFF_EMAIL


def notification_email(inquiry: Inquiry, recipient: str) -> EmailMessage:
    """Plain text only, so anything the visitor typed stays text."""
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
    """Retry every inquiry whose email has not gone out: (sent, failed)."""
    sent = failed = 0
    for inquiry in Inquiry.objects.not_notified().select_related("provider"):
        if notify(inquiry):
            sent += 1
        else:
            failed += 1
    return sent, failed


def create_listing_report(
    *, provider: Provider, reason: str, details: str = ""
) -> ListingReport:
    report = ListingReport(provider=provider, reason=reason, details=details)
    report.full_clean()
    report.save()
    return report


def over_hourly_limit(*, client_address: str, action: str) -> bool:
    """Count one submission from this client; True once past the hourly limit.

    The cache key holds a keyed hash of the address, never the address, and
    expires after an hour. With REDIS_URL set the count is shared by every app
    server; the local-memory cache counts per process.
    """
    client = salted_hmac(
        "submission-rate-limit", client_address, algorithm="sha256"
    ).hexdigest()
    key = f"submissions:{action}:{client}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count > SUBMISSIONS_PER_HOUR
