from django.conf import settings
from django.core.exceptions import DisallowedHost

from portal.languages import alternates


def site(request):
    origin = site_origin(request)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORIGIN": origin,
        "PAGE_URL": f"{origin}{request.path}" if origin else "",
        # A view that knows better (a facts page) passes its own.
        "language_links": alternates(request),
    }


def site_origin(request):
    """This site's scheme and host, for absolute links (canonical, hreflang);
    "" when the Host header names no site we serve (the 400 page for that
    request must still render)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""
