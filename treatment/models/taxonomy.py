"""The taxonomy: service categories (the filter groups) and their services.

Names and descriptions are data that staff edit in admin, so their Spanish is
too: a `name_es` and `description_es` beside each English one, rather than
the message catalogue, which only a release can change. Visitors' pages show
`local_name` and `local_description`, the Spanish ones on Spanish pages (the
English ones while a Spanish one is empty); str() is the local name, so lists
and joins follow the page's language, and admin, always in English, is
unchanged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language

from treatment.models.links import validate_site_path_or_web_url
from treatment.models.versions import DirectoryQuerySet

# The service that says a provider offers care in Spanish ("Se habla español").
SPANISH = "spanish"


class Translated(models.Model):
    """A taxonomy entry's name and description, in English and in Spanish."""

    name_es = models.CharField(
        "name in Spanish",
        max_length=100,
        blank=True,
        help_text="Shown on the Spanish pages; empty shows the English name.",
    )
    description_es = models.CharField(
        "description in Spanish",
        max_length=300,
        blank=True,
        help_text="Shown on the Spanish pages; empty shows the English one.",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.local_name

    def in_page_language(self, field):
        if get_language() == "es":
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)

    @property
    def local_name(self):
        return self.in_page_language("name")

    @property
    def local_description(self):
        return self.in_page_language("description")


class ServiceCategory(Translated):
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

    @property
    def local_facts_path(self):
        """The facts page's path on this page's language's site: a Spanish
        page links /es/facts/..., which opens its Spanish version if any."""
        language = get_language()
        if self.facts_path.startswith("/") and language != settings.LANGUAGE_CODE:
            return f"/{language}{self.facts_path}"
        return self.facts_path


class Service(Translated):
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

    def code_list(self):
        return self.samhsa_codes.upper().split()
