from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from treatment.models import Service


def home(request):
    care_settings = Service.objects.filter(category__slug="care").order_by("order")
    return render(request, "portal/home.html", {"care_settings": care_settings})


def help_now(request):
    return render(request, "portal/help.html")


def privacy(request):
    return render(
        request,
        "portal/privacy.html",
        {"retention_days": settings.INQUIRY_RETENTION_DAYS},
    )


def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    text = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {sitemap_url}\n"
    return HttpResponse(text, content_type="text/plain")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


def error_page(request, status, title, message):
    context = {"status": status, "title": title, "message": message}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(
        request,
        400,
        "Something in that request was not right",
        "Please go back and try again.",
    )


def permission_denied(request, exception=None):
    return error_page(
        request,
        403,
        "You can't open this page",
        "You may need to sign in, or the page is for staff only.",
    )


def page_not_found(request, exception=None):
    return error_page(
        request,
        404,
        "We couldn't find that page",
        "It may have moved, or the link may be wrong.",
    )


def server_error(request):
    return error_page(
        request,
        500,
        "Something went wrong on our side",
        "Please try again in a minute. If you need help now, call one of the "
        "numbers at the top of this page.",
    )


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        "Your form expired",
        "For your safety, forms expire. Please go back, reload the page and "
        "send it again.",
    )
