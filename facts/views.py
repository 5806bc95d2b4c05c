from django.shortcuts import get_object_or_404, redirect, render

from facts.forms import ErrorReportForm, SiteSearchForm
from facts.models import SECTION_DESCRIPTIONS, Article
from treatment.inquiries.services import over_hourly_limit
from treatment.inquiries.views import client_address, too_many_submissions

MAX_RESULTS = 20


def index(request):
    """Every published page, grouped by section in the order of Article.Section."""
    articles = list(Article.objects.published())
    sections = [
        {
            "id": section.value,
            "title": section.label,
            "description": SECTION_DESCRIPTIONS[section],
            "pages": [article for article in articles if article.section == section],
        }
        for section in Article.Section
    ]
    context = {
        "sections": [section for section in sections if section["pages"]],
        "form": SiteSearchForm(),
    }
    return render(request, "facts/index.html", context)


def article(request, slug):
    # Staff may preview a page before it is published ("View on site" in admin).
    articles = (
        Article.objects.all() if request.user.is_staff else Article.objects.published()
    )
    page = get_object_or_404(articles.for_page(), slug=slug)
    related = (
        Article.objects.published()
        .filter(section=page.section)
        .exclude(pk=page.pk)
        .only("title", "slug")
    )
    return render(request, "facts/article.html", {"article": page, "related": related})


def report_error(request, slug):
    """A visitor tells us what is wrong on a page; it waits for staff in admin."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method != "POST":
        form = ErrorReportForm()
    else:
        form = ErrorReportForm(request.POST)
        if form.is_from_a_bot:
            return redirect("facts:report-sent", slug=slug)
        if form.is_valid():
            if over_hourly_limit(
                client_address=client_address(request), action="error-report"
            ):
                return too_many_submissions(request)
            form.create_report(article=article)
            return redirect("facts:report-sent", slug=slug)
    context = {"form": form, "article": article}
    return render(request, "facts/report_form.html", context)


def report_sent(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "facts/report_sent.html", {"article": article})


def review_policy(request):
    return render(request, "facts/review_policy.html")


def search(request):
    form = SiteSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        results = Article.objects.published().search(form.cleaned_data["q"])
        results = results[:MAX_RESULTS]
    return render(request, "facts/search.html", {"form": form, "results": results})
