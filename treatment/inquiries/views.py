"""Pages where visitors write to us: inquiries and listing problem reports.

Every POST redirects on success, so a reload cannot send twice.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.clients import client_address
from portal.views import error_page
from treatment.inquiries.forms import InquiryForm, ListingReportForm
from treatment.inquiries.services import (
    create_inquiry,
    create_listing_report,
    over_hourly_limit,
)
from treatment.models import Inquiry, Provider
from treatment.search.links import own_search_url

# The confirmation page names the visitor and their contact details. Which
# inquiry it shows travels in a signed cookie, never in its URL (URLs land in
# access logs and browser history), and only for half an hour.
CONFIRMATION_COOKIE = "inquiry_sent"
CONFIRMATION_SALT = "treatment.inquiry-sent"
CONFIRMATION_MAX_AGE = 30 * 60


@sensitive_post_parameters()
def contact(request):
    """A general "help me find treatment" request, read by our staff."""
    return inquiry_page(request, provider=None)


@sensitive_post_parameters()
def provider_contact(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    return inquiry_page(request, provider=provider)


def inquiry_page(request, *, provider):
    # The visitor's own search, from the provider's page, for the confirmation
    # page's "Look for more treatment" (search parameters only, no details).
    search_url = own_search_url(request.POST.get("search"))
    search = {"search": search_url} if search_url else {}
    if request.method != "POST":
        form = InquiryForm(provider=provider)
    else:
        form = InquiryForm(request.POST, provider=provider)
        if form.is_from_a_bot:
            return redirect("inquiry-sent")
        if form.is_valid():
            if over_hourly_limit(
                client_address=client_address(request), action="inquiry"
            ):
                return too_many_submissions(request)
            inquiry = create_inquiry(
                provider=provider, language=get_language(), **form.inquiry_fields()
            )
            sent = reverse("inquiry-sent")
            response = redirect(f"{sent}?{urlencode(search)}" if search else sent)
            response.set_signed_cookie(
                CONFIRMATION_COOKIE,
                inquiry.pk,
                salt=CONFIRMATION_SALT,
                max_age=CONFIRMATION_MAX_AGE,
                path=sent,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    context = {"form": form, "provider": provider, **search}
    return render(request, "treatment/contact.html", context)


@never_cache
def inquiry_sent(request):
    pk = request.get_signed_cookie(
        CONFIRMATION_COOKIE,
        default=None,
        salt=CONFIRMATION_SALT,
        max_age=CONFIRMATION_MAX_AGE,
    )
    inquiry = (
        Inquiry.objects.select_related("provider").filter(pk=pk).first()
        if pk and pk.isdigit()
        else None
    )
    search = own_search_url(request.GET.get("search"))
    context = {"inquiry": inquiry, "search": search}
    return render(request, "treatment/inquiry_sent.html", context)


def report_listing(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)

    def store(form):
        create_listing_report(
            provider=provider,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )

    return report_page(
        request,
        ListingReportForm,
        action="report",
        store=store,
        sent_url=reverse("treatment:report-sent", args=[slug]),
        template="treatment/report_form.html",
        context={"provider": provider},
    )


def report_page(request, form_class, *, action, store, sent_url, template, context):
    """The page of a report form (a VisitorForm): on a valid POST, `store(form)`
    and go to `sent_url`. A bot goes there too and nothing is stored; past the
    hourly limit for `action`, a 429 page explains."""
    if request.method != "POST":
        form = form_class()
    else:
        form = form_class(request.POST)
        if form.is_from_a_bot:
            return redirect(sent_url)
        if form.is_valid():
            if over_hourly_limit(client_address=client_address(request), action=action):
                return too_many_submissions(request)
            store(form)
            return redirect(sent_url)
    return render(request, template, {"form": form, **context})


def report_sent(request, slug):
    provider = get_object_or_404(Provider.objects.published(), slug=slug)
    return render(request, "treatment/report_sent.html", {"provider": provider})


def too_many_submissions(request):
    response = error_page(
        request,
        429,
        _("Please wait a while before sending more"),
        _(
            "To stop floods of messages, we accept up to five an hour from one "
            "connection, so we did not save this one. Please try again in an hour. "
            "If you need to talk to someone now, call or text one of the numbers at "
            "the top of this page."
        ),
    )
    response["Retry-After"] = "3600"
    return response
