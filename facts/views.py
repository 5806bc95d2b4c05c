from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from facts.forms import ErrorReportForm, SiteSearchForm
from facts.models import SECTION_DESCRIPTIONS, Article
from treatment.inquiries.views import report_page

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
        results = Article.objects.published().search(form.cleaned_data["q"])
        results = results[:MAX_RESULTS]
    return render(request, "facts/search.html", {"form": form, "results": results})
