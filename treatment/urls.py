"""The treatment app's visitor pages, mounted at the site's root (and under
/es/) by portal.urls: the directory under /treatment/ (with the pages a
provider's link to confirm its listing opens), visitors' messages under
/contact/ and each provider's page. The HSDS API (treatment.interchange.urls)
is mounted by portal.urls at /api/hsds/, in English only."""

from django.urls import include, path

from treatment import views
from treatment.inquiries import views as inquiry_views
from treatment.interchange import views as interchange_views
from treatment.listings import views as listing_views

directory_patterns = [
    path("", views.search, name="search"),
    path("results.csv", interchange_views.results_csv, name="results-csv"),
    # A provider's link to confirm its listing (the token is never a slug).
    path(
        "confirm-listing/done/",
        listing_views.listing_confirmed,
        name="listing-confirmed",
    ),
    path(
        "confirm-listing/changes-sent/",
        listing_views.changes_sent,
        name="listing-changes-sent",
    ),
    path(
        "confirm-listing/<str:token>/",
        listing_views.confirm_listing,
        name="confirm-listing",
    ),
    path(
        "confirm-listing/<str:token>/changes/",
        listing_views.suggest_changes,
        name="suggest-listing-changes",
    ),
    path("<slug:slug>/", views.provider_detail, name="provider-detail"),
    path(
        "<slug:slug>/contact/",
        inquiry_views.provider_contact,
        name="provider-contact",
    ),
    path("<slug:slug>/report/", inquiry_views.report_listing, name="report-listing"),
    path("<slug:slug>/report/sent/", inquiry_views.report_sent, name="report-sent"),
]

urlpatterns = [
    path("treatment/", include((directory_patterns, "treatment"))),
    path("contact/", inquiry_views.contact, name="contact"),
    path("contact/sent/", inquiry_views.inquiry_sent, name="inquiry-sent"),
]
