from django.urls import path

from facts import views

app_name = "facts"
urlpatterns = [
    path("", views.index, name="index"),
    path("how-we-review/", views.review_policy, name="review-policy"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/report/", views.report_error, name="report-error"),
    path("<slug:slug>/report/sent/", views.report_sent, name="report-sent"),
]
