"""Open Referral HSDS 3.0 API routes, mounted at /api/hsds/ (paths as in the spec)."""

from django.urls import path

from treatment.interchange import hsds

app_name = "hsds"
urlpatterns = [
    path("", hsds.api_root, name="root"),
    path("services", hsds.services, name="services"),
    path("services/<str:item_id>", hsds.service_detail, name="service"),
    path("organizations", hsds.organizations, name="organizations"),
    path("organizations/<str:item_id>", hsds.organization_detail, name="organization"),
    path(
        "service_at_locations",
        hsds.service_at_locations,
        name="service_at_locations",
    ),
    path(
        "service_at_locations/<str:item_id>",
        hsds.service_at_location_detail,
        name="service_at_location",
    ),
]
