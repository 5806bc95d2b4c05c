"""The taxonomy: service categories (the filter groups) and their services."""

from django.db import models

from treatment.models.links import validate_site_path_or_web_url
from treatment.models.versions import DirectoryQuerySet


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
        validators=[validate_site_path_or_web_url],
    )

    objects = DirectoryQuerySet.as_manager()

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

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "order", "name"]

    def __str__(self):
        return self.name

    def code_list(self):
        return self.samhsa_codes.upper().split()
