"""The pages a provider's emailed link opens. No account is needed: the
signed link is the key, so these pages are never indexed or cached, and send
no Referer (the link would leak to any site they link to).

Their forms carry no CSRF token and Django's CSRF check is off for them: with
no Referer a browser sends "Origin: null", which the check refuses, and it
would guard nothing here. It keeps a visitor's cookie-borne session from
being used by another site; these pages have no session, and what a POST may
do is decided by the secret link in its URL, which another site cannot know.
"""

from functools import wraps

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from treatment.listing_status import opening_hours
from treatment.listings import services
from treatment.listings.forms import SuggestChangesForm
from treatment.listings.services import LinkError, LinkProblem
from treatment.models import Provider

LINK_PROBLEM_STATUS = {
    LinkProblem.UNKNOWN: 404,
    LinkProblem.UNPUBLISHED: 404,
    LinkProblem.EXPIRED: 410,
    LinkProblem.USED: 410,
}


def private_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def link_problem(request, error: LinkError):
    return render(
        request,
        "treatment/listings/link_problem.html",
        {"problem": error.problem.value, "contact_url": reverse("contact")},
        status=LINK_PROBLEM_STATUS[error.problem],
    )


def listing(link):
    """The listing as visitors see it, with its services and opening hours."""
    return (
        Provider.objects.with_services()
        .prefetch_related("opening_hours")
        .get(pk=link.provider_id)
    )


@csrf_exempt
@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_listing(request, token):
    """The listing with "Everything is correct" and "Suggest changes"."""
    try:
        link = services.request_for_link(token)
        if request.method == "POST":
            services.confirm_listing(link)
            return redirect("treatment:listing-confirmed")
    except LinkError as error:
        return link_problem(request, error)
    provider = listing(link)
    context = {"provider": provider, "token": token, **opening_hours(provider)}
    return render(request, "treatment/listings/confirm.html", context)


@csrf_exempt
@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_changes(request, token):
    try:
        link = services.request_for_link(token)
        provider = listing(link)
        form = SuggestChangesForm(request.POST or None, provider=provider)
        if form.is_valid():
            services.suggest_changes(link, form.suggested)
            return redirect("treatment:listing-changes-sent")
    except LinkError as error:
        return link_problem(request, error)
    context = {"provider": provider, "token": token, "form": form}
    return render(request, "treatment/listings/suggest_changes.html", context)


@private_page
@require_GET
def listing_confirmed(request):
    return render(request, "treatment/listings/thanks.html", {"sent": "confirmed"})


@private_page
@require_GET
def changes_sent(request):
    return render(request, "treatment/listings/thanks.html", {"sent": "changes"})
