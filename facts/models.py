import re
from functools import cached_property, reduce
from operator import and_, or_
from urllib.parse import urlencode

import markdown
import nh3
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Case, Prefetch, Q, Value, When
from django.db.models.functions import Length, Lower, Replace
from django.urls import reverse
from django.utils.safestring import mark_safe

from treatment.models import Service
from treatment.search import TELEHEALTH
from treatment.search.keywords import every_term, search_terms

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

        Each word, or what it means (a brand name its medicine, "rehab"
        residential care: see treatment.search.keywords), must appear. Pages
        with the words in their title come first, then in a heading, then in
        the summary, then those where they appear most, on every database;
        PostgreSQL matches other forms of a word by full-text search.
        """
        terms = search_terms(words)
        if connections[self.db].vendor != "postgresql":
            matches = every_term(self, terms, ("title", "summary", "body"))
            return matches.annotate(
                score=place_score(terms), times=times_in_body(terms)
            ).order_by("-score", "-times", "title")
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        query = reduce(
            and_,
            (
                reduce(or_, (SearchQuery(term, config="english") for term in any_of))
                for any_of in terms
            ),
        )
        return (
            self.annotate(
                document=vector,
                rank=SearchRank(vector, query),
                score=place_score(terms),
                times=times_in_body(terms),
            )
            .filter(document=query)
            .order_by("-score", "-times", "-rank", "title")
        )


# Where a word stands on a page, and what that is worth: in the title, in a
# heading of the body ("## Methadone"), in the summary, anywhere in the body.
WORD_PLACES = [
    (8, lambda term: Q(title__icontains=term)),
    (4, lambda term: Q(body__iregex=rf"(^|\n)#+ [^\n]*{re.escape(term)}")),
    (2, lambda term: Q(summary__icontains=term)),
    (1, lambda term: Q(body__icontains=term)),
]


def place_score(terms):
    """A page's score: for each word (any of its terms), the worth of each
    place it stands in."""
    score = Value(0)
    for any_of in terms:
        for points, found_in in WORD_PLACES:
            found = reduce(or_, map(found_in, any_of))
            score += Case(When(found, then=Value(points)), default=Value(0))
    return score


def times_in_body(terms):
    """How many times the words' terms appear in the body, ignoring case: what
    decides between pages with the words in the same places."""
    body = Lower("body")
    times = Value(0)
    for term in {term.lower() for any_of in terms for term in any_of}:
        removed = Length(body) - Length(Replace(body, Value(term), Value("")))
        times += removed / len(term)
    return times


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
    url = models.URLField("URL", max_length=500)
    date = models.CharField(
        max_length=40, blank=True, help_text="As the source gives it, e.g. Dec 2024."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title
