from functools import cached_property
from urllib.parse import urlencode

import markdown
import nh3
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.safestring import mark_safe

from treatment.models import Service
from treatment.models.links import validate_web_url
from treatment.search import TELEHEALTH
from treatment.search.keywords import every_word

# What an article body may contain after rendering: text structure and links.
# No images or embeds (they would load from other sites), no scripts or styles.
ALLOWED_TAGS = {
    *("p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr", "br"),
    *("a", "strong", "em", "code", "pre"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


def render_markdown(text):
    """Markdown to HTML that is safe to show: anything not allowed is removed."""
    html = markdown.markdown(text, extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_page(self):
        """Sources and related services (with their categories) in 2 more queries."""
        return self.prefetch_related(
            "sources",
            Prefetch(
                "related_services", queryset=Service.objects.select_related("category")
            ),
        )

    def search(self, words):
        """Articles matching the words, best first.

        PostgreSQL ranks by full-text search (title above summary above body);
        elsewhere every word must appear somewhere in the text.
        """
        if connections[self.db].vendor == "postgresql":
            vector = (
                SearchVector("title", weight="A", config="english")
                + SearchVector("summary", weight="B", config="english")
                + SearchVector("body", weight="C", config="english")
            )
            query = SearchQuery(words, search_type="websearch", config="english")
            return (
                self.annotate(document=vector, rank=SearchRank(vector, query))
                .filter(document=query)
                .order_by("-rank", "title")
            )
        return every_word(self, words, ("title", "summary", "body"))


class Article(models.Model):
    class Section(models.TextChoices):
        # The facts index lists the sections in this order: the most urgent
        # first, then what a family member looks for.
        HELP = "help", "Overdose and getting help now"
        HELPING = "helping", "Helping someone"
        TREATMENT = "treatment", "Treatment"
        LIVING = "living", "Recovery and health"
        HEROIN = "heroin", "Heroin and its effects"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences, shown in lists and to search engines.",
    )
    body = models.TextField(
        help_text="Markdown: ## for headings, - for lists, [words](/link/) for "
        "links. Images, scripts and styles are removed."
    )
    section = models.CharField(max_length=20, choices=Section)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position within its section, lowest first."
    )
    related_services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="articles",
        help_text="The page's button opens the directory filtered by these services.",
    )
    medically_reviewed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date a clinician checked the page. While blank, the page "
        "says “Awaiting medical review”.",
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["section", "order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("facts:article", args=[self.slug])

    @cached_property
    def body_html(self):
        return mark_safe(render_markdown(self.body))  # noqa: S308 (sanitized)

    def directory_url(self):
        """The directory search filtered by this page's related services.

        Each service goes under its category's parameter ("any of" within a
        category), except telehealth, which the directory shows on its own.
        """
        pairs = [
            (
                TELEHEALTH if service.slug == TELEHEALTH else service.category.slug,
                service.slug,
            )
            for service in self.related_services.all()
        ]
        url = reverse("treatment:search")
        return f"{url}?{urlencode(pairs)}" if pairs else url


class Source(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sources"
    )
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500, validators=[validate_web_url])
    date = models.CharField(
        max_length=40, blank=True, help_text="As the source gives it, e.g. Dec 2024."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title
