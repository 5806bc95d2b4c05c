import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from treatment.geo import US_STATES, zip_centroid


class ServiceCategory(models.Model):
    slug = models.SlugField(
        unique=True, help_text="Also the name of its filter in search URLs."
    )
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(
        "one-line help",
        max_length=200,
        blank=True,
        help_text="Shown under the filter group's heading.",
    )
    facts_path = models.CharField(
        "facts page",
        max_length=200,
        blank=True,
        help_text="Path of the facts page that explains this group, e.g. "
        "/facts/treatment-options/",
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "service categories"

    def __str__(self):
        return self.name


class Service(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services"
    )
    order = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)
    samhsa_codes = models.CharField(
        "SAMHSA codes",
        max_length=200,
        blank=True,
        help_text="SAMHSA service codes that mean this service, separated by "
        "spaces (used when importing locator files).",
    )

    class Meta:
        ordering = ["category__order", "order", "name"]

    def __str__(self):
        return self.name

    def code_list(self):
        return self.samhsa_codes.upper().split()


class ProviderQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    # Bulk writes send no signals, so they mark the directory changed themselves
    # (bulk_update goes through update).
    def update(self, **kwargs):
        updated = super().update(**kwargs)
        directory_changed()
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        directory_changed()
        return created

    def with_services(self):
        """Services in display order, category included, in one extra query."""
        return self.prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.select_related("category"),
            )
        )


class Provider(models.Model):
    class Status(models.TextChoices):
        ACCEPTING = "accepting", "Accepting new patients"
        WAITLIST = "waitlist", "Waitlist"
        NOT_ACCEPTING = "not_accepting", "Not accepting new patients"
        UNKNOWN = "unknown", "Not known"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by staff"
        SAMHSA = "samhsa", "SAMHSA locator import"
        SAMPLE = "sample", "Sample data (fictional)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown in results."
    )
    description = models.TextField(blank=True)

    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=sorted(US_STATES.items()))
    zip_code = models.CharField("ZIP code", max_length=10)
    latitude = models.FloatField(
        null=True,
        blank=True,
        help_text="Leave blank to use the ZIP code's centre (marked approximate).",
    )
    longitude = models.FloatField(null=True, blank=True)
    location_is_approximate = models.BooleanField(
        default=False, help_text="The map point is the ZIP code's centre."
    )

    phone = models.CharField(max_length=30, blank=True)
    intake_phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    inquiry_email = models.EmailField(
        blank=True,
        help_text="Where visitors' inquiries are sent. Never shown on the site.",
    )
    hours = models.TextField(blank=True)

    accepting_status = models.CharField(
        "new patients", max_length=20, choices=Status, default=Status.UNKNOWN
    )
    accepting_status_on = models.DateField(
        "status stated on",
        null=True,
        blank=True,
        help_text="When the provider told us about openings or the waitlist.",
    )
    services = models.ManyToManyField(Service, blank=True, related_name="providers")

    is_published = models.BooleanField("published", default=False)
    verified_on = models.DateField(
        "last verified",
        null=True,
        blank=True,
        help_text="When staff last confirmed the listing with the provider.",
    )
    source = models.CharField(max_length=20, choices=Source, default=Source.MANUAL)
    source_id = models.CharField(
        max_length=100, blank=True, help_text="The listing's id in its source."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Search's bounding box; is_published first, or SQLite, lacking
            # statistics, prefers the (is_published, name) index and reads
            # every published row.
            models.Index(fields=["is_published", "latitude", "longitude"]),
            models.Index(fields=["is_published", "name"]),
            models.Index(fields=["verified_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_source_listing",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.city}, {self.state})"

    def save(self, *args, **kwargs):
        if (
            self.latitude is None
            or self.longitude is None
            or self.location_is_approximate
        ):
            place = zip_centroid(self.zip_code)
            if place:
                self.latitude, self.longitude = place.latitude, place.longitude
                self.location_is_approximate = True
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("treatment:provider-detail", args=[self.slug])

    @property
    def is_sample(self):
        return self.source == self.Source.SAMPLE

    @property
    def call_number(self):
        return self.intake_phone or self.phone

    def services_by_category(self):
        """[(category, [services])] in display order, from prefetched services."""
        grouped = {}
        for service in self.services.all():
            grouped.setdefault(service.category, []).append(service)
        return list(grouped.items())


class DirectoryVersion(models.Model):
    """A token that changes with every change to providers, services or categories.

    Search caches costly counts under keys that include it, so every process
    stops using them the moment the directory changes, whatever the cache.
    """

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token

    @classmethod
    def current(cls):
        """The token, or None before the directory's first change.

        Read on every search: a plain slice of the table's one row costs
        less than half of .first(), which orders and clones."""
        return next(iter(cls.objects.values_list("token", flat=True)[:1]), None)


def directory_changed(action="post_", **kwargs):
    """Give the directory a new version once the change is committed."""
    if action.startswith("post_"):
        transaction.on_commit(new_directory_version)


def new_directory_version():
    token = uuid.uuid4().hex
    if not DirectoryVersion.objects.update(token=token):
        DirectoryVersion.objects.create(token=token)


def directory_migrated(plan=None, using="default", **kwargs):
    """After migrations are applied, a new version: a data migration may have
    changed the taxonomy and sends no signals. A database whose directory never
    changed has no version, and nothing cached, so it needs none."""
    if plan:
        DirectoryVersion.objects.using(using).update(token=uuid.uuid4().hex)


for model in (ServiceCategory, Service, Provider):
    post_save.connect(directory_changed, sender=model)
    post_delete.connect(directory_changed, sender=model)
m2m_changed.connect(directory_changed, sender=Provider.services.through)


MESSAGE_MAX_LENGTH = 2000

us_phone_number = RegexValidator(
    r"^[2-9]\d{2}-[2-9]\d{2}-\d{4}$",
    "Enter a US phone number with its area code, like 410-555-0123.",
)


class InquiryQuerySet(models.QuerySet):
    def not_notified(self):
        """Inquiries whose email has not gone out yet (spam is never sent)."""
        return self.filter(notified_at__isnull=True).exclude(status=Inquiry.Status.SPAM)

    def past_retention(self, days):
        """Closed and spam inquiries that arrived more than `days` days ago."""
        return self.filter(
            status__in=[Inquiry.Status.CLOSED, Inquiry.Status.SPAM],
            created_at__lt=timezone.now() - timedelta(days=days),
        )


class Inquiry(models.Model):
    """A visitor's message to a provider, or to our staff when provider is empty.

    Sensitive health data: only the inquiry handlers group may read it, and it is
    never written to logs.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    class WhoNeedsHelp(models.TextChoices):
        ME = "me", "Me"
        SOMEONE_ELSE = "someone_else", "Someone else"

    class ContactMethod(models.TextChoices):
        ANY = "any", "No preference"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"

    class ContactTime(models.TextChoices):
        ANY = "any", "Any time"
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"
        EVENING = "evening", "Evening"

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
    notified_at = models.DateTimeField(
        "email sent",
        null=True,
        blank=True,
        help_text="Empty means the email has not gone out yet; "
        "manage.py send_pending_notifications retries it.",
    )
    notify_attempts = models.PositiveSmallIntegerField("email attempts", default=0)
    last_notify_error = models.CharField(
        "last email error",
        max_length=200,
        blank=True,
        help_text="The kind of error only, never the message.",
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

    @property
    def recipient_name(self):
        return self.recipient_name_for(self.provider)

    @staticmethod
    def recipient_name_for(provider):
        """Who reads a message: the provider if it takes email, else our staff."""
        if provider and provider.inquiry_email:
            return provider.name
        return f"{settings.SITE_NAME} staff"


class ListingReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ListingReport.Status.OPEN)


class ListingReport(models.Model):
    """A visitor's note that something on a provider's page is wrong."""

    class Reason(models.TextChoices):
        WRONG_PHONE = "wrong_phone", "The phone number is wrong"
        CLOSED_OR_MOVED = "closed_or_moved", "It has closed or moved"
        WRONG_SERVICES = "wrong_services", "The services listed are wrong"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    details = models.TextField(
        blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)]
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField("received", auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ListingReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.provider.name}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        elif self.status == self.Status.OPEN:
            self.resolved_at = None
        super().save(*args, **kwargs)
