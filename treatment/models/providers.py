"""Providers: one treatment site each, with its services and map point."""

import uuid
from datetime import date, timedelta
from typing import NamedTuple

from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from treatment.geo import US_STATES, US_TIME_ZONES, time_zone, zip_centroid
from treatment.hours import ALWAYS, WeeklyHours
from treatment.models.links import validate_web_url
from treatment.models.quality import quality_signs
from treatment.models.taxonomy import SPANISH, Service
from treatment.models.versions import DirectoryQuerySet

# How long a confirmation keeps a listing current: after this, its pages
# say when it was last confirmed and to call before going.
CURRENT_FOR = timedelta(days=365)
# The search filter "Confirmed in the last 6 months".
RECENTLY_CONFIRMED = timedelta(days=183)


def recently_confirmed_since(today: date) -> date:
    """The first day that counts as "in the last 6 months" on `today`."""
    return today - RECENTLY_CONFIRMED


def last_confirmed_on():
    """Provider.last_confirmed_on in SQL: NULL when neither date is set (a
    plain GREATEST is NULL on SQLite when either is)."""
    return Greatest(
        Coalesce("confirmed_on", "verified_on"), Coalesce("verified_on", "confirmed_on")
    )


def confirmed_since(day: date) -> Q:
    """Listings confirmed by their provider or checked by our staff on or
    after `day`: Provider.last_confirmed_on >= day, in SQL."""
    return Q(confirmed_on__gte=day) | Q(verified_on__gte=day)


class Freshness(NamedTuple):
    """How current a listing is: who last confirmed it ("provider" or
    "staff", "" for nobody), on which day, and whether that is recent
    enough to go by (within CURRENT_FOR)."""

    by: str
    on: date | None
    current: bool


# For a provider without a time zone (one only staff could blank).
DEFAULT_TIME_ZONE = "America/New_York"


class ProviderQuerySet(DirectoryQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk writes skip save(): give new providers their time zone here."""
        objs = list(objs)
        for provider in objs:
            provider.derive_time_zone()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """And move the time zone of providers whose state or ZIP code changed."""
        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if {"state", "zip_code"} & set(fields):
            moved = [provider for provider in objs if provider.derive_time_zone()]
            super().bulk_update(moved, ["time_zone"], *args, **kwargs)
        return updated

    def published(self):
        return self.filter(is_published=True)

    def confirmed_since(self, day):
        return self.filter(confirmed_since(day))

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
    hours = models.TextField(
        "hours note",
        blank=True,
        help_text="What the weekly hours below can't say, such as “Closed on "
        "holidays” or “Dosing until 11 a.m.”. Shown as written.",
    )
    open_24_7 = models.BooleanField(
        "open 24 hours, 7 days a week",
        default=False,
        help_text="Tick this instead of entering weekly hours.",
    )
    walk_ins_welcome = models.BooleanField(
        default=False, help_text="People can come without an appointment."
    )
    same_day_start = models.BooleanField(
        default=False, help_text="Treatment can start the day someone comes."
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        choices=[(zone, zone) for zone in US_TIME_ZONES],
        help_text="Set from the state and ZIP code when they change. Correct it "
        "here if it is wrong.",
    )

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

    listing_contact_email = models.EmailField(
        "listing contact's email",
        blank=True,
        help_text="Who at the provider we ask to confirm this listing (a link "
        "to check it and suggest changes). Never shown on the site.",
    )

    is_published = models.BooleanField("published", default=False)
    verified_on = models.DateField(
        "checked by our staff on",
        null=True,
        blank=True,
        help_text="When our staff last checked the listing with the provider.",
    )
    confirmed_on = models.DateField(
        "confirmed by the provider on",
        null=True,
        blank=True,
        help_text="When the provider last told us the listing is right, through "
        "the link we emailed (or when staff approved the changes they sent).",
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
    provider_field = "pk"  # which provider a row is, for the directory's change log

    class Meta:
        ordering = ["name"]
        indexes = [
            # Search's bounding box; is_published first, or SQLite, lacking
            # statistics, prefers the (is_published, name) index and reads
            # every published row.
            models.Index(fields=["is_published", "latitude", "longitude"]),
            models.Index(fields=["is_published", "name"]),
            models.Index(fields=["verified_on"]),
            models.Index(fields=["confirmed_on"]),
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
        self.derive_time_zone()
        super().save(*args, **kwargs)
        self._loaded_place = (self.state, self.zip_code, self.time_zone)

    def get_absolute_url(self):
        return reverse("treatment:provider-detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        provider = super().from_db(db, field_names, values, *args, **kwargs)
        loaded = provider.__dict__
        provider._loaded_place = tuple(
            loaded.get(name) for name in ("state", "zip_code", "time_zone")
        )
        return provider

    def derive_time_zone(self):
        """Set the time zone from the state and ZIP code (see
        treatment.geo.time_zone) when it is blank, or when they changed since
        the provider was read and it did not: a zone staff corrected stays
        until the place changes. True when it was set."""
        state, zip_code, loaded_zone = getattr(self, "_loaded_place", (None,) * 3)
        moved = (state, zip_code) != (self.state, self.zip_code)
        if "time_zone" in self.__dict__:  # not deferred
            needed = not self.time_zone or (moved and self.time_zone == loaded_zone)
        else:
            needed = moved
        if needed:
            self.time_zone = time_zone(self.state, self.zip_code)
        return needed

    def opening_intervals(self):
        """Its opening hours as (weekday, opens, closes) intervals (prefetch
        them for many)."""
        return [(i.weekday, i.opens, i.closes) for i in self.opening_hours.all()]

    def weekly_hours(self, spans=None):
        """The provider's WeeklyHours, from `spans` ((start, end) minutes of
        the week) or else its opening hours (prefetch them for many)."""
        if self.open_24_7:
            spans = ALWAYS
        elif spans is None:
            spans = [
                (interval.start_minute, interval.end_minute)
                for interval in self.opening_hours.all()
            ]
        return WeeklyHours.of(self.time_zone or DEFAULT_TIME_ZONE, spans)

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
    def last_confirmed_on(self):
        """The later of the provider's confirmation and our staff's check."""
        return max(filter(None, [self.confirmed_on, self.verified_on]), default=None)

    @property
    def freshness(self) -> Freshness:
        """Who last confirmed the listing, when, and whether that is recent
        enough to go by: the one rule the cards, the provider page and the
        staff screens show."""
        return self.freshness_on(timezone.localdate())

    def freshness_on(self, today) -> Freshness:
        """The freshness as of `today` (a page of cards asks the date once)."""
        day = self.last_confirmed_on
        if day is None:
            return Freshness("", None, current=False)
        by = "provider" if day == self.confirmed_on else "staff"
        return Freshness(by, day, current=today - day <= CURRENT_FOR)

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
ProviderServices.provider_field = "provider_id"
