"""Providers confirming their own listing: the emailed requests to check it,
and the changes they suggest, which wait for staff review."""

import secrets
from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from treatment.models.outbox import OutboxMessage, OutboxQuerySet
from treatment.models.providers import Provider

REQUEST_VALID_FOR = timedelta(days=30)


def new_nonce():
    return secrets.token_hex(16)


class VerificationRequestQuerySet(OutboxQuerySet):
    def not_notified(self):
        """Requests not emailed yet whose link would still work."""
        return (
            super()
            .not_notified()
            .filter(used_at__isnull=True, expires_at__gt=timezone.now())
        )

    def unanswered(self):
        return self.filter(used_at__isnull=True)

    def still_open(self, now=None):
        """Unanswered requests whose link still works."""
        return self.unanswered().filter(expires_at__gt=now or timezone.now())


class VerificationRequest(OutboxMessage):
    """An email to a provider's listing contact with a link to confirm or
    correct the listing. The link carries this row's id and nonce, signed;
    it works until it expires, once."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed the listing"
        SUGGESTED = "suggested", "Suggested changes"

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="verification_requests"
    )
    email = models.EmailField("sent to")
    nonce = models.CharField(max_length=32, unique=True, default=new_nonce)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the regular reminder asked.",
    )
    created_at = models.DateTimeField("asked", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("link works until")
    used_at = models.DateTimeField("answered", null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome, blank=True)

    objects = VerificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "request to confirm a listing"
        verbose_name_plural = "requests to confirm listings"

    def __str__(self):
        return f"{self.provider.name}: asked {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + REQUEST_VALID_FOR
        super().save(*args, **kwargs)


class SuggestedChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SuggestedChange.Status.PENDING)


class SuggestedChange(models.Model):
    """Changes a provider suggested to its listing. Nothing goes live until
    staff approve them; `before` holds the listing's values they replace
    (as they were when suggested, then as they were when approved)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    # The listing's fields a provider may suggest, as the form asks for them.
    # The week's opening hours are a list of [weekday, "HH:MM" opens, "HH:MM"
    # closes], sorted (see store_week); changes sent before they could be
    # suggested have neither "open_24_7" nor "opening_hours".
    FIELDS = (
        "phone",
        "intake_phone",
        "website",
        "accepting_status",
        "open_24_7",
        "opening_hours",
        "hours",
        "services",
        "description",
    )

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="suggested_changes"
    )
    request = models.OneToOneField(
        VerificationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_change",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    before = models.JSONField(default=dict, help_text="The listing's values.")
    after = models.JSONField(default=dict, help_text="The provider's values.")
    created_at = models.DateTimeField("sent", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(
        "note",
        blank=True,
        help_text="Why, for the staff. Never sent to the provider.",
    )

    objects = SuggestedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "provider's suggested change"
        verbose_name_plural = "providers' suggested changes"

    def __str__(self):
        return f"{self.provider.name}: changes sent {self.created_at:%Y-%m-%d}"

    def changed(self):
        """[(field name, suggested value)] in the form's order (PostgreSQL
        keeps a JSON object's keys in an order of its own)."""
        return [(name, self.after[name]) for name in self.FIELDS if name in self.after]

    @classmethod
    def values_of(cls, provider):
        """The listing's current values of FIELDS; services as their slugs,
        sorted; opening hours as stored (reads the services and the opening
        hours unless prefetched)."""
        values = {name: getattr(provider, name) for name in cls.FIELDS}
        values["services"] = sorted(service.slug for service in provider.services.all())
        values["opening_hours"] = cls.store_week(provider.opening_intervals())
        return values

    @staticmethod
    def store_week(intervals):
        """(weekday, opens, closes) intervals as stored: [weekday, "HH:MM",
        "HH:MM"], sorted (JSON has no times, nor tuples)."""
        return sorted(
            [weekday, f"{opens:%H:%M}", f"{closes:%H:%M}"]
            for weekday, opens, closes in intervals
        )

    @staticmethod
    def week(stored):
        """Stored opening hours as (weekday, opens, closes) intervals."""
        return [
            (weekday, time.fromisoformat(opens), time.fromisoformat(closes))
            for weekday, opens, closes in stored
        ]
