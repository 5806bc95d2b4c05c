"""Emails stored before they are sent: what every outgoing message shares.

A row is written in the visitor's or staff member's transaction; the task
worker sends it after the commit, and `send_pending_notifications` retries
whatever has not gone out (treatment.outbox does the sending)."""

from django.db import models


class OutboxQuerySet(models.QuerySet):
    def not_notified(self):
        """Messages whose email has not gone out yet."""
        return self.filter(notified_at__isnull=True)

    def claim_for_sending(self, pk, *, now, stale_after):
        """Mark this message as being emailed, unless it was sent already or
        another sender took it less than `stale_after` ago (a sender that died
        mid-send lets go after that). One UPDATE, so on any database only one
        of several senders gets True."""
        free = models.Q(sending_since__isnull=True) | models.Q(
            sending_since__lt=now - stale_after
        )
        return bool(
            self.not_notified()
            .filter(free, pk=pk)
            .update(sending_since=now, notify_attempts=models.F("notify_attempts") + 1)
        )


class OutboxMessage(models.Model):
    """The sending state of a stored email."""

    notified_at = models.DateTimeField(
        "email sent",
        null=True,
        blank=True,
        help_text="Empty means the email has not gone out yet. "
        "The site tries again every few minutes.",
    )
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    notify_attempts = models.PositiveSmallIntegerField("email attempts", default=0)
    last_notify_error = models.CharField(
        "why the last try failed",
        max_length=200,
        blank=True,
        help_text="What went wrong, never what the visitor wrote.",
    )

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True
