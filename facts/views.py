from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, override

from facts.forms import ErrorReportForm, SiteSearchForm
from facts.models import SECTION_DESCRIPTIONS, Article
from portal.languages import alternates
from treatment.inquiries.views import report_page

MAX_RESULTS = 20


def index(request):
    """Every published page in the page's language, grouped by section in the
    order of Article.Section; the Spanish index also lists the English pages
    that have no Spanish version yet."""
    language = get_language()
    published = Article.objects.published()
    articles = list(published.filter(language=language))
    sections = [
        {
            "id": section.value,
            "title": section.label,
            "description": SECTION_DESCRIPTIONS[section],
            "pages": [article for article in articles if article.section == section],
        }
        for section in Article.Section
    ]
    english_only = []
    if language != Article.Language.ENGLISH:
        english_only = published.filter(language=Article.Language.ENGLISH).exclude(
            translations__in=published.filter(language=language)
        )
    context = {
        "sections": [section for section in sections if section["pages"]],
        "english_only": english_only,
        "form": SiteSearchForm(),
    }
    return render(request, "facts/index.html", context)


def article(request, slug):
    # Staff may preview a page before it is published ("View on site" in admin).
    articles = (
        Article.objects.all() if request.user.is_staff else Article.objects.published()
    )
    page = get_object_or_404(articles.for_page().select_related("english"), slug=slug)
    language = get_language()
    if page.language != language:
        # A page opened on the other language's site: its version in this
        # language, else (an English page on the Spanish site) a page saying
        # so, in Spanish, with a link to the English one.
        translation = (
            page.spanish_version()
            if language == Article.Language.SPANISH
            else page.english_version()
        )
        if translation is not None:
            return redirect(translation)
        if page.language == Article.Language.SPANISH:
            return redirect(page)
        return render(
            request,
            "facts/not_translated.html",
            {"article": page, "language_links": page_languages(request, page)},
        )
    related = (
        Article.objects.published()
        .filter(section=page.section, language=page.language)
        .exclude(pk=page.pk)
        .only("title", "slug", "language")
    )
    context = {
        "article": page,
        "related": related,
        "language_links": page_languages(request, page),
    }
    return render(request, "facts/article.html", context)


def page_languages(request, page):
    """{language: address} of the page in each language: its translation's
    when it has one; for an English page without one, the Spanish page saying
    so. A Spanish page without an English one has no English address."""
    if page.language == Article.Language.SPANISH:
        english, spanish = page.english_version(), page
    else:
        english, spanish = page, page.spanish_version()
    urls = {Article.Language.SPANISH: spanish and spanish.get_absolute_url()}
    if english:
        urls[Article.Language.ENGLISH] = english.get_absolute_url()
        if not spanish:
            with override(Article.Language.SPANISH):
                urls[Article.Language.SPANISH] = reverse(
                    "facts:article", args=[english.slug]
                )
    return alternates(request, urls)


def report_error(request, slug):
    """A visitor tells us what is wrong on a page; it waits for staff in admin."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return report_page(
        request,
        ErrorReportForm,
        action="error-report",
        store=lambda form: form.create_report(article=article),
        sent_url=reverse("facts:report-sent", args=[slug]),
        template="facts/report_form.html",
        context={"article": article},
    )


def report_sent(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "facts/report_sent.html", {"article": article})


def review_policy(request):
    return render(request, "facts/review_policy.html")


def search(request):
    form = SiteSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        language = get_language()
        results = Article.objects.published().filter(language=language)
        results = results.search(form.cleaned_data["q"], language)[:MAX_RESULTS]
    return render(request, "facts/search.html", {"form": form, "results": results})
