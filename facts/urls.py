from django.urls import path

from facts import views

app_name = "facts"
urlpatterns = [
    path("", views.index, name="index"),
    path("how-we-review/", views.review_policy, name="review-policy"),
    path("<slug:slug>/", views.article, name="article"),
]
