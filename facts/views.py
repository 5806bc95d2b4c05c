from django.shortcuts import get_object_or_404, render

from facts.forms import SiteSearchForm
from facts.models import Article

MAX_RESULTS = 20


def index(request):
    articles = list(Article.objects.published())
    sections = [
        (label, [article for article in articles if article.section == value])
        for value, label in Article.Section.choices
    ]
    context = {
        "sections": [(label, pages) for label, pages in sections if pages],
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


def search(request):
    form = SiteSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        results = Article.objects.published().search(form.cleaned_data["q"])
        results = results[:MAX_RESULTS]
    return render(request, "facts/search.html", {"form": form, "results": results})
