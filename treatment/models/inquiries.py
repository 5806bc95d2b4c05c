"""Inquiries: visitors' messages to a provider or to our staff."""

from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treatment.models.outbox import OutboxMessage, OutboxQuerySet
from treatment.models.providers import Provider
from treatment.phones import us_phone_number

MESSAGE_MAX_LENGTH = 2000


class Recipient(NamedTuple):
    """Who reads an inquiry: a provider's name and inquiry email, or our
    staff's name and an empty email (our staff's address is a setting)."""

    name: str
    email: str


class InquiryQuerySet(OutboxQuerySet):
    def not_notified(self):
        """Inquiries whose email has not gone out yet (spam is never sent)."""
        return super().not_notified().exclude(status=Inquiry.Status.SPAM)

    def past_retention(self, days):
        """Closed and spam inquiries that arrived more than `days` days ago."""
        return self.filter(
            status__in=[Inquiry.Status.CLOSED, Inquiry.Status.SPAM],
            created_at__lt=timezone.now() - timedelta(days=days),
        )


class Inquiry(OutboxMessage):
    """A visitor's message to a provider, or to our staff when provider is empty.

    Sensitive health data: only the inquiry handlers group may read it, and it is
    never written to logs.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Handled"
        SPAM = "spam", "Spam"

    class WhoNeedsHelp(models.TextChoices):
        ME = "me", _("Me")
        SOMEONE_ELSE = "someone_else", _("Someone else")

    class ContactMethod(models.TextChoices):
        ANY = "any", _("No preference")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    class ContactTime(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    provider = models.ForeignKey(
        Provider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        help_text="Empty for a general “help me find treatment” request.",
    )
    who_needs_help = models.CharField(max_length=20, choices=WhoNeedsHelp)
    name = models.CharField("first name or nickname", max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=12, blank=True, validators=[us_phone_number])
    preferred_contact = models.CharField(
        "best way to reach them",
        max_length=10,
        choices=ContactMethod,
        default=ContactMethod.ANY,
    )
    preferred_time = models.CharField(
        "best time", max_length=10, choices=ContactTime, default=ContactTime.ANY
    )
    message = models.TextField(validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    consent_statement = models.CharField(
        max_length=300, help_text="The exact sentence the visitor agreed to."
    )
    language = models.CharField(
        "language of the site",
        max_length=8,
        default="en",
        editable=False,
        help_text="The language of the pages the visitor wrote from: "
        "“es” means they used the Spanish site.",
    )
    # Fixed when the inquiry arrives, as the consent sentence names them: a
    # later change to the provider's inquiry email applies to new ones only.
    recipient_name = models.CharField(
        "sent to", max_length=200, help_text="Who the visitor agreed would read it."
    )
    recipient_email = models.EmailField(
        "recipient's email",
        blank=True,
        help_text="The provider's inquiry email when the message arrived. "
        "Empty when our staff read it.",
    )
    fingerprint = models.CharField(
        max_length=64,
        db_index=True,
        editable=False,
        help_text="Hash of recipient, contact details and message, to spot "
        "the same message sent twice.",
    )

    status = models.CharField(
        max_length=20, choices=Status, default=Status.NEW, db_index=True
    )
    handler_notes = models.TextField(
        blank=True, help_text="For the inquiry handlers only. Never sent to anyone."
    )
    created_at = models.DateTimeField("received", auto_now_add=True)
    # What the visitor wrote: the form asks for these, staff only read them.
    VISITOR_FIELDS = (
        "who_needs_help",
        "name",
        "email",
        "phone",
        "preferred_contact",
        "preferred_time",
        "message",
    )

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""),
                name="inquiry_has_a_way_to_reply",
                violation_error_message="Give an email address or a phone number.",
            )
        ]

    def __str__(self):
        return f"Inquiry #{self.pk} for {self.recipient_name}"

    @staticmethod
    def recipient_for(provider):
        """Who reads a message: the provider if it takes email, else our staff
        (named in the visitor's language, as the consent sentence names them)."""
        if provider and provider.inquiry_email:
            return Recipient(provider.name, provider.inquiry_email)
        return Recipient(gettext("%(site)s staff") % {"site": settings.SITE_NAME}, "")

    @staticmethod
    def consent_sentence(recipient_name):
        """In the visitor's language: it is stored as the words they agreed to."""
        return gettext(
            "I agree that %(recipient)s will receive my message and contact details."
        ) % {"recipient": recipient_name}


class InquiryEmailChange(OutboxMessage):
    """A change to a provider's inquiry email, told to the inquiry handlers
    by email (sent and retried as every stored email is).

    Inquiries that arrived before it keep going to the old address, the one
    in force when the visitor agreed; only new ones go to the new address."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.SET_NULL,
        null=True,
        related_name="inquiry_email_changes",
    )
    provider_name = models.CharField("provider", max_length=200)
    old_email = models.EmailField("old address", blank=True)
    new_email = models.EmailField("new address", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_by_name = models.CharField("changed by", max_length=150)
    changed_at = models.DateTimeField("changed", auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = "change of a provider's inquiry email"
        verbose_name_plural = "changes of providers' inquiry emails"

    def __str__(self):
        return f"{self.provider_name}: {self.old_email or '(none)'} to " + (
            self.new_email or "(none)"
        )
