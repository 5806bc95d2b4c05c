from django.db import models
from django.db.models import Prefetch
from django.urls import reverse

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
            models.Index(fields=["latitude", "longitude"]),
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

    def _services_in(self, *category_slugs):
        return [s for s in self.services.all() if s.category.slug in category_slugs]

    @property
    def main_services(self):
        return self._services_in("care", "medications")

    @property
    def payment_services(self):
        return self._services_in("payment")
