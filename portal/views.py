import sys

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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
        {
            "retention_days": settings.INQUIRY_RETENTION_DAYS,
            "LANGUAGE_COOKIE_NAME": settings.LANGUAGE_COOKIE_NAME,
        },
    )


def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    # /language/ only sets the language cookie: each page's own address in
    # both languages is in the sitemap.
    text = (
        "User-agent: *\nDisallow: /admin/\nDisallow: /language/\n\n"
        f"Sitemap: {sitemap_url}\n"
    )
    return HttpResponse(text, content_type="text/plain")


# How long clients should wait before trying again while the database is down.
RETRY_AFTER_SECONDS = 30


@never_cache
def healthz(request):
    """For load balancers and monitoring (see README, "Health check").

    503 when the database can't be reached: take this instance out of
    rotation. 200 otherwise, "degraded" when a Redis cache is unreachable and
    the site runs on each worker's memory instead. The JSON names each part.
    """
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        database = "unavailable"
    cache_states = {
        alias: "ok" if cache_answers(caches[alias]) else "unavailable"
        for alias in settings.CACHES
    }
    if database != "ok":
        status = "unavailable"
    elif "unavailable" in cache_states.values():
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "caches": cache_states},
        status=503 if database != "ok" else 200,
    )


def cache_answers(cache):
    """False only for a shared cache (Redis) that doesn't answer a ping."""
    check = getattr(cache, "check", None)
    return check() if check else True


def error_page(request, status, title, message, **extra):
    context = {"status": status, "title": title, "message": message, **extra}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(
        request,
        400,
        _("Something in that request was not right"),
        _("Please go back and try again."),
    )


def permission_denied(request, exception=None):
    return error_page(
        request,
        403,
        _("You can't open this page"),
        _("You may need to sign in, or the page is for staff only."),
    )


def page_not_found(request, exception=None):
    return error_page(
        request,
        404,
        _("We couldn't find that page"),
        _("It may have moved, or the link may be wrong."),
    )


def server_error(request):
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable(request)
    return error_page(
        request,
        500,
        _("Something went wrong on our side"),
        _(
            "Please try again in a minute. If you need help now, call one of the "
            "numbers at the top of this page."
        ),
    )


def database_unavailable(request):
    """503 with Retry-After while the database can't be reached: JSON for the
    API, else a page that renders without the database, says plainly that a
    form sent now was not saved, and gives the help lines."""
    if request.path.startswith(reverse("hsds:root")):
        response = JsonResponse(
            {
                "error": "The directory is unavailable for a moment. "
                f"Try again in {RETRY_AFTER_SECONDS} seconds."
            },
            status=503,
        )
    elif request.method == "POST":
        response = error_page(
            request,
            503,
            _("Your message was not saved"),
            _(
                "We can't reach our database for a moment, so nothing you sent "
                "was saved and nobody will receive it."
            ),
            not_saved=True,
        )
    else:
        response = error_page(
            request,
            503,
            _("This page is unavailable for a moment"),
            _(
                "We can't reach our directory right now. Please try again in a "
                "minute or two."
            ),
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        _("Your form expired"),
        _(
            "For your safety, forms expire. Please go back, reload the page and "
            "send it again."
        ),
    )
