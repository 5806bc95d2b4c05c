"""The sitemap: every visitors' page in English and in Spanish, each listing
the other as its alternate (hreflang), as the pages themselves do."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.translation import get_language

from facts.models import Article
from treatment.models import Provider


class BothLanguages(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPageSitemap(BothLanguages):
    def items(self):
        return ["home", "help", "privacy", "facts:index", "facts:review-policy"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(BothLanguages):
    """Each English page with its Spanish version, if any, and the Spanish
    pages that have no English one."""

    def items(self):
        return (
            Article.objects.published()
            .exclude(language=Article.Language.SPANISH, english__is_published=True)
            .prefetch_related("translations")
            .only("slug", "updated_at", "language")
        )

    def spanish(self, article):
        if article.language == Article.Language.SPANISH:
            return article
        return next(
            (
                page
                for page in article.translations.all()
                if page.is_published and page.language == Article.Language.SPANISH
            ),
            None,
        )

    def get_languages_for_item(self, article):
        if article.language == Article.Language.SPANISH:
            return [Article.Language.SPANISH]
        spanish = [Article.Language.SPANISH] if self.spanish(article) else []
        return [Article.Language.ENGLISH, *spanish]

    def location(self, article):
        if get_language() == Article.Language.SPANISH:
            return self.spanish(article).get_absolute_url()
        return article.get_absolute_url()

    def lastmod(self, article):
        return article.updated_at


class ProviderSitemap(BothLanguages):
    def items(self):
        return Provider.objects.published().only("slug", "updated_at")

    def lastmod(self, provider):
        return provider.updated_at


SITEMAPS = {
    "pages": StaticPageSitemap,
    "facts": ArticleSitemap,
    "providers": ProviderSitemap,
}
