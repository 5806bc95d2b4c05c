from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from facts import views as facts_views
from portal import languages, two_factor, views
from portal.sitemaps import SITEMAPS

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

# In English only, at the same address whatever the visitor's language.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("language/", languages.choose_language, name="choose-language"),
    path("api/hsds/", include("treatment.interchange.urls")),
    path("admin/two-factor/", two_factor.two_factor, name="two-factor"),
    path(
        "admin/two-factor/setup/",
        two_factor.two_factor_setup,
        name="two-factor-setup",
    ),
    path("admin/", admin.site.urls),
]

# Visitors' pages: English at /, Spanish under /es/ (portal/languages.py).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("help/", views.help_now, name="help"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("treatment.urls")),
    path("facts/", include("facts.urls")),
    path("search/", facts_views.search, name="search"),
    prefix_default_language=False,
)
