"""Sending stored emails (see treatment.models.outbox): once each, however
many senders run at once, with what went wrong recorded for staff in words
they can act on, for the retry to pick up.

Shared by the wings that email people (inquiries, listings); it imports
neither of them."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone

logger = logging.getLogger(__name__)

# Longer than any one attempt can take (the mail server's timeout is 10 s):
# after this, a message whose sender died mid-send may be taken again.
SENDING_STALE_AFTER = timedelta(minutes=5)


class NotSetUp(Exception):
    """Something the site needs to send this email is not configured; its
    message says what, in staff's words."""


def send_stored(model, pk, build_email) -> bool | None:
    """Email the stored message `model` row `pk` with build_email(row).

    True once sent; False when this attempt failed (what went wrong is
    recorded on the row, which waits for the retry); None when there is
    nothing to do: it was sent already, or another sender is emailing it
    right now. Never sends one message twice.
    """
    now = timezone.now()
    if not model.objects.claim_for_sending(
        pk, now=now, stale_after=SENDING_STALE_AFTER
    ):
        return None
    message = model.objects.get(pk=pk)
    try:
        build_email(message).send()
    except Exception as error:
        model.objects.filter(pk=pk).update(
            sending_since=None, last_notify_error=failure_reason(error)
        )
        logger.warning(
            "%s %s: email not sent (%s)",
            model._meta.verbose_name.capitalize(),
            pk,
            type(error).__name__,
        )
        return False
    model.objects.filter(pk=pk).update(
        sending_since=None, notified_at=timezone.now(), last_notify_error=""
    )
    return True


def send_all_pending(model, send) -> tuple[int, int]:
    """send(pk) every row of `model` whose email has not gone out: (sent,
    failed). Rows another sender is emailing at the same moment are left to it."""
    sent = failed = 0
    for pk in model.objects.not_notified().values_list("pk", flat=True):
        outcome = send(pk)
        sent += outcome is True
        failed += outcome is False
    return sent, failed


def failure_reason(error: Exception) -> str:
    """What went wrong, for staff, in words they can act on. Never the
    error's own text, which could quote the message."""
    if isinstance(error, NotSetUp):
        return str(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient's address. Check it."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "The mail server refused the site's sign-in."
    if any(isinstance(cause, TimeoutError) for cause in causes(error)):
        return "The mail server did not answer in time. The site will try again."
    if isinstance(error, (OSError, smtplib.SMTPException)):
        return "The mail server could not be reached. The site will try again."
    return "The email could not be sent. The site will try again."


def causes(error: BaseException):
    """The error and those it was raised from or while handling (smtplib
    reports a server that never answers as a disconnection)."""
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__
