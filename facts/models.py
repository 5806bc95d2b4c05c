import hashlib
import re
from functools import cached_property, reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.validators import MaxLengthValidator
from django.db import connections, models
from django.db.models import Case, Prefetch, Q, Value, When
from django.db.models.functions import Length, Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from facts.rendering import render_markdown
from treatment.models import MESSAGE_MAX_LENGTH, Service, VisitorReport
from treatment.models.links import validate_web_url
from treatment.search import TELEHEALTH
from treatment.search.keywords import every_term, search_terms

TEXT_SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


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

    def search(self, words, language="en"):
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
        # PostgreSQL's stemming for the pages' language ("medicamentos" finds
        # "medicamento" on the Spanish pages).
        config = TEXT_SEARCH_CONFIGS.get(language, "english")
        vector = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        query = reduce(
            and_,
            (
                reduce(or_, (SearchQuery(term, config=config) for term in any_of))
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


def normalized_text(*parts):
    """The parts joined, with one kind of line break (admin forms send CR LF)."""
    text = "\n\n".join(part.strip() for part in parts)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


SECTION_DESCRIPTIONS = {
    "help": _("What to do in an overdose, and where to call or text for help today."),
    "helping": _(
        "For family and friends: how to talk about it, how to help, and "
        "how to look after yourself."
    ),
    "treatment": _(
        "The kinds of care and medicine that work, and how to choose a good program."
    ),
    "living": _("Recovery, your rights, and caring for your body and mind."),
    "heroin": _("What heroin and other opioids do, and the risks of using them."),
}


class Article(models.Model):
    class Section(models.TextChoices):
        # The facts index lists the sections in this order: the most urgent
        # first, then what a family member looks for.
        HELP = "help", _("Overdose and getting help now")
        HELPING = "helping", _("Helping someone")
        TREATMENT = "treatment", _("Treatment")
        LIVING = "living", _("Recovery and health")
        HEROIN = "heroin", _("Heroin and its effects")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        "address",
        max_length=200,
        unique=True,
        help_text="The last part of the page's web address, e.g. overdose-signs. "
        "Changing it breaks links to the page.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences, shown in lists and to search engines.",
    )
    body = models.TextField(
        "text",
        help_text="Markdown: ## for headings, - for lists, [words](/link/) for "
        "links. Phone numbers such as 911, 988 or 1-800-662-4357 become "
        "tap-to-call links by themselves. Images, scripts and styles are removed.",
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
    sources_checked = models.DateField(
        "sources last checked",
        null=True,
        blank=True,
        help_text="The day someone last made sure that the sources below still "
        "say what this page says. Shown on the page.",
    )
    language = models.CharField(
        max_length=2,
        choices=Language,
        default=Language.ENGLISH,
        help_text="English pages are at /facts/..., Spanish ones at /es/facts/...",
    )
    english = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        limit_choices_to={"language": "en"},
        verbose_name="English version",
        help_text="For a Spanish page: the English page it is the Spanish of. "
        "The language link of each page opens the other.",
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    # Medical review, recorded only through "Record a medical review" in admin.
    reviewed_by = models.CharField(
        "reviewer", max_length=200, blank=True, editable=False
    )
    reviewer_credentials = models.CharField(max_length=200, blank=True, editable=False)
    reviewed_on = models.DateField(null=True, blank=True, editable=False)
    reviewed_text_hash = models.CharField(
        "fingerprint of the text reviewed", max_length=64, blank=True, editable=False
    )
    review_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="staff account that recorded the review",
    )

    # Kept by `manage.py load_articles` (facts/loading.py).
    from_files = models.BooleanField(
        "kept in a file",
        default=False,
        editable=False,
        help_text="Loaded from facts/articles/ on each release.",
    )
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["section", "order", "title"]
        verbose_name = "facts page"
        permissions = [("review_article", "Can record a medical review of a page")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The page's address on the site of its own language."""
        with override(self.language):
            return reverse("facts:article", args=[self.slug])

    def spanish_version(self):
        """The published Spanish page of an English page, or None."""
        if self.language == self.Language.SPANISH:
            return self
        return self.translations.filter(
            is_published=True, language=self.Language.SPANISH
        ).first()

    def english_version(self):
        """The published English page of a Spanish page (itself if English)."""
        if self.language == self.Language.ENGLISH:
            return self
        english = self.english
        return english if english and english.is_published else None

    def text_hash(self):
        """A fingerprint of what readers read: the title, summary and text."""
        return sha256(normalized_text(self.title, self.summary, self.body))

    @property
    def is_medically_reviewed(self):
        """True while the text is the very text a reviewer approved."""
        return bool(self.reviewed_text_hash) and (
            self.reviewed_text_hash == self.text_hash()
        )

    def record_review(self, *, name, credentials, text_hash, recorded_by):
        """Record that `name` reviewed the text whose fingerprint is `text_hash`.

        Should the text have changed since, the page stays "awaiting review".
        """
        self.reviewed_by = name
        self.reviewer_credentials = credentials
        self.reviewed_on = timezone.localdate()
        self.reviewed_text_hash = text_hash
        self.review_recorded_by = recorded_by
        self.save(
            update_fields=[
                "reviewed_by",
                "reviewer_credentials",
                "reviewed_on",
                "reviewed_text_hash",
                "review_recorded_by",
            ]
        )

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


class ErrorReport(VisitorReport):
    """A visitor's note that something on a facts page is wrong."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="error_reports",
        verbose_name="page",
    )
    details = models.TextField(
        "what is wrong", validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)]
    )
    evidence = models.CharField(
        "where they read otherwise",
        max_length=500,
        blank=True,
        help_text="A link or the name of a source, if the visitor gave one. "
        "Check a link before you open it.",
    )
    staff_notes = models.TextField(
        blank=True, help_text="For staff only: what you checked and what you changed."
    )

    class Meta(VisitorReport.Meta):
        verbose_name = "error report"

    def __str__(self):
        return f"Error report about “{self.article.title}”"
