"""The directory's pages: search and a provider's page.

The provider page carries the inquiry form, so this module wires the core
(search, models) to the inquiries wing.
"""

import json
from urllib.parse import urlsplit

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from treatment.inquiries.forms import InquiryForm
from treatment.models import Provider
from treatment.search import search_directory

JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def search(request):
    results = search_directory(request.GET)
    return render(request, "treatment/search.html", {"results": results})


def provider_detail(request, slug):
    provider = get_object_or_404(
        Provider.objects.published().with_services(), slug=slug
    )
    context = {
        "provider": provider,
        "back_to_search": search_url_from_referer(request),
        "json_ld": medical_clinic_json_ld(request, provider),
        "inquiry_form": InquiryForm(provider=provider),
    }
    return render(request, "treatment/provider_detail.html", context)


def search_url_from_referer(request):
    """The visitor's own search when they came from one on this site (the
    referrer is sent only within the site), else a new search."""
    search_path = reverse("treatment:search")
    try:
        referer = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # not a URL, e.g. "http://[::1"
        return search_path
    if referer.netloc == request.get_host() and referer.path == search_path:
        return f"{search_path}?{referer.query}" if referer.query else search_path
    return search_path


def medical_clinic_json_ld(request, provider):
    """schema.org MedicalClinic data, safe to place inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": provider.name,
        "url": request.build_absolute_uri(provider.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": provider.street,
            "addressLocality": provider.city,
            "addressRegion": provider.state,
            "postalCode": provider.zip_code,
            "addressCountry": "US",
        },
        "availableService": [
            {"@type": "MedicalTherapy", "name": service.name}
            for service in provider.services.all()
        ],
    }
    if provider.phone:
        data["telephone"] = provider.phone
    if provider.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": provider.latitude,
            "longitude": provider.longitude,
        }
    if provider.website:
        data["sameAs"] = provider.website
    return mark_safe(json.dumps(data).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308
