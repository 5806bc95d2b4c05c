from django.urls import path

from treatment import views

app_name = "treatment"
urlpatterns = [
    path("", views.search, name="search"),
    path("<slug:slug>/", views.provider_detail, name="provider-detail"),
]
