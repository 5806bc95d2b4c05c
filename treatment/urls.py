from django.urls import path

from treatment import inquiry_views, views

app_name = "treatment"
urlpatterns = [
    path("", views.search, name="search"),
    path("results.csv", views.results_csv, name="results-csv"),
    path("<slug:slug>/", views.provider_detail, name="provider-detail"),
    path(
        "<slug:slug>/contact/",
        inquiry_views.provider_contact,
        name="provider-contact",
    ),
    path("<slug:slug>/report/", inquiry_views.report_listing, name="report-listing"),
    path("<slug:slug>/report/sent/", inquiry_views.report_sent, name="report-sent"),
]
