from django.conf import settings
from django.core.exceptions import DisallowedHost


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "PAGE_URL": page_url(request)}


def page_url(request):
    """This page's address without its query string, for the canonical link;
    "" when the Host header names no site we serve (the 400 page for that
    request must still render)."""
    try:
        return f"{request.scheme}://{request.get_host()}{request.path}"
    except DisallowedHost:
        return ""
