"""Providers: one treatment site each, with its services and map point."""

import uuid

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from treatment.geo import US_STATES, zip_centroid
from treatment.models.links import validate_web_url
from treatment.models.quality import quality_signs
from treatment.models.taxonomy import SPANISH, Service
from treatment.models.versions import DirectoryQuerySet


class ProviderQuerySet(DirectoryQuerySet):
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
        ACCEPTING = "accepting", _("Accepting new patients")
        WAITLIST = "waitlist", _("Waitlist")
        NOT_ACCEPTING = "not_accepting", _("Not accepting new patients")
        UNKNOWN = "unknown", _("Not known")

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
    website = models.URLField(blank=True, validators=[validate_web_url])
    inquiry_email = models.EmailField(
        blank=True,
        help_text="Where visitors' messages are sent. Never shown on the site. "
        "A change applies to new messages only: messages already received keep "
        "the address they arrived with, and the inquiry handlers are told.",
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
    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The listing's id for other systems (the HSDS API). Never changes.",
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

    def get_absolute_url(self):
        return reverse("treatment:provider-detail", args=[self.slug])

    def use_zip_centre(self):
        """Put the map point at the ZIP code's centre, marked approximate.

        False, changing nothing, when the ZIP code is not one we know."""
        place = zip_centroid(self.zip_code)
        if place is None:
            return False
        self.latitude, self.longitude = place.latitude, place.longitude
        self.location_is_approximate = True
        return True

    @property
    def is_sample(self):
        return self.source == self.Source.SAMPLE

    @property
    def call_number(self):
        return self.intake_phone or self.phone

    @cached_property
    def speaks_spanish(self):
        """Offers care in Spanish ("Se habla español"), from prefetched services."""
        return any(service.slug == SPANISH for service in self.services.all())

    def services_by_category(self):
        """[(category, [services])] in display order, from prefetched services."""
        grouped = {}
        for service in self.services.all():
            grouped.setdefault(service.category, []).append(service)
        return list(grouped.items())

    def quality_signs(self):
        """The signs of quality the listing supports, from prefetched services."""
        return quality_signs(self.services.all())


# The provider-services links: the table Django makes for the services field
# (so that admin edits the field itself). Its bulk writes, the importers'
# and the related manager's add, remove and set among them, mark the
# directory changed like every other write to it.
ProviderServices = Provider.services.through
ProviderServices._meta.local_managers.clear()
DirectoryQuerySet.as_manager().contribute_to_class(ProviderServices, "objects")
