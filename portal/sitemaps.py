from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from facts.models import Article
from treatment.models import Provider


class StaticPageSitemap(Sitemap):
    def items(self):
        return ["home", "help", "privacy", "facts:index", "facts:review-policy"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class ProviderSitemap(Sitemap):
    def items(self):
        return Provider.objects.published().only("slug", "updated_at")

    def lastmod(self, provider):
        return provider.updated_at


SITEMAPS = {
    "pages": StaticPageSitemap,
    "facts": ArticleSitemap,
    "providers": ProviderSitemap,
}
