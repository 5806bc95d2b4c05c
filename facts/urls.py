from django.urls import path

from facts import views

app_name = "facts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.article, name="article"),
]
