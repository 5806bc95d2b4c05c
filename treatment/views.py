"""The directory's pages: search and a provider's page.

The provider page carries the inquiry form, so this module wires the core
(search, models) to the inquiries wing.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from treatment.inquiries.forms import InquiryForm
from treatment.listing_status import opening_hours
from treatment.models import Provider
from treatment.search import PastLastPage, search_directory
from treatment.search.links import own_search_url

JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def search(request):
    try:
        results = search_directory(request.GET)
    except PastLastPage as past:
        # An old link, or a search whose results have shrunk: the last page.
        query = request.GET.copy()
        query["page"] = past.last_page
        if past.last_page == 1:
            del query["page"]
        return redirect(
            f"{request.path}?{query.urlencode()}" if query else request.path
        )
    return render(request, "treatment/search.html", {"results": results})


def provider_detail(request, slug):
    provider = get_object_or_404(
        Provider.objects.published().with_services().prefetch_related("opening_hours"),
        slug=slug,
    )
    page_url = request.build_absolute_uri(provider.get_absolute_url())
    own_search = search_from_referer(request)
    context = {
        "provider": provider,
        "own_search": own_search,  # carried to the inquiry's confirmation
        "back_to_search": own_search or reverse("treatment:search"),
        "json_ld": medical_clinic_json_ld(request, provider),
        "inquiry_form": InquiryForm(provider=provider),
        "directions": directions(provider),
        "page_url": page_url,
        "text_message": "sms:?&body=" + quote(listing_text(provider, page_url)),
        **opening_hours(provider),
    }
    return render(request, "treatment/provider_detail.html", context)


@dataclass(frozen=True)
class Directions:
    """Links to directions: the web map works anywhere; static/js/provider.js
    swaps in the link that opens the device's own maps app where it knows one."""

    web: str  # OpenStreetMap
    geo: str  # a geo: URI, which Android opens in its maps app
    apple: str  # Apple Maps, which iPhones, iPads and Macs open in theirs
    to_address: bool  # to the street address, rather than a map point


def directions(provider):
    if provider.street or provider.latitude is None:
        address = quote(postal_address(provider))
        return Directions(
            web=f"https://www.openstreetmap.org/directions?to={address}",
            geo=f"geo:0,0?q={address}",
            apple=f"https://maps.apple.com/?daddr={address}",
            to_address=bool(provider.street),
        )
    point = f"{provider.latitude:.5f},{provider.longitude:.5f}"
    return Directions(
        web=f"https://www.openstreetmap.org/directions?route=%3B{quote(point)}",
        geo=f"geo:{point}?q={point}({quote(provider.name)})",
        apple=f"https://maps.apple.com/?daddr={point}",
        to_address=False,
    )


def postal_address(provider):
    place = f"{provider.city}, {provider.state} {provider.zip_code}"
    return f"{provider.street}, {place}" if provider.street else place


def listing_text(provider, page_url):
    """The listing as a text message: name, phone, address and page link."""
    lines = [provider.name, provider.call_number, postal_address(provider), page_url]
    return "\n".join(line for line in lines if line)


def search_from_referer(request):
    """The visitor's own search when they came from one on this site (the
    referrer is sent only within the site), else None."""
    try:
        referer = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # not a URL, e.g. "http://[::1"
        return None
    if referer.netloc != request.get_host():
        return None
    return own_search_url(urlunsplit(("", "", referer.path, referer.query, "")))


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
