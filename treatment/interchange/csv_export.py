"""Directory listings as CSV: staff's export from admin, visitors' search results.

Visitors' files hold only what the site already shows, in the page's language;
staff's add the listing's bookkeeping and the inquiry email. Inquiries
themselves are never exported.
"""

import csv

from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treatment.hours import week_lines
from treatment.search.params import directory_filter, filter_groups

VISITOR_ROW_LIMIT = 1000
# Cells starting with these are formulas to a spreadsheet; a leading ' keeps
# them as text (OWASP's advice against CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def services_text(provider):
    return "; ".join(str(service) for service in provider.services.all())


def opening_hours_text(provider):
    """The week as the listing's page gives it, a day after another, in the
    provider's local time; empty when the listing gives no weekly hours."""
    if provider.open_24_7:
        return gettext("Open 24 hours, 7 days a week.")
    intervals = provider.opening_intervals()
    if not intervals:
        return ""
    return "; ".join(week_lines(intervals))


PUBLIC_COLUMNS = {
    _("Name"): lambda p: p.name,
    _("Street"): lambda p: p.street,
    _("City"): lambda p: p.city,
    _("State"): lambda p: p.state,
    _("ZIP code"): lambda p: p.zip_code,
    _("Phone"): lambda p: p.phone,
    _("Intake phone"): lambda p: p.intake_phone,
    _("Website"): lambda p: p.website,
    _("Opening hours (local time)"): opening_hours_text,
    _("Hours"): lambda p: p.hours,
    _("New patients"): lambda p: p.get_accepting_status_display(),
    _("New patients status stated on"): lambda p: p.accepting_status_on,
    _("Last verified"): lambda p: p.verified_on,
    _("Confirmed by the provider on"): lambda p: p.confirmed_on,
    _("Services"): services_text,
}
STAFF_COLUMNS = {
    **PUBLIC_COLUMNS,
    "Slug": lambda p: p.slug,
    "Summary": lambda p: p.summary,
    "Description": lambda p: p.description,
    "Time zone": lambda p: p.time_zone,
    "Latitude": lambda p: p.latitude,
    "Longitude": lambda p: p.longitude,
    "Map point is the ZIP code's centre": lambda p: yes_no(p.location_is_approximate),
    "Inquiry email": lambda p: p.inquiry_email,
    "Published": lambda p: yes_no(p.is_published),
    "Source": lambda p: p.get_source_display(),
    "Source id": lambda p: p.source_id,
    "Created": lambda p: p.created_at.isoformat(),
    "Updated": lambda p: p.updated_at.isoformat(),
}


def yes_no(value):
    return "yes" if value else "no"


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(file_name, columns, providers):
    """A CSV download; the byte order mark makes Excel read it as UTF-8."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for provider in providers:
        writer.writerow(safe_cell(value(provider)) for value in columns.values())
    return response


def staff_csv_response(queryset):
    providers = (
        queryset.order_by("name", "pk")
        .with_services()
        .prefetch_related("opening_hours")
        .iterator(chunk_size=2000)
    )
    return csv_response("providers.csv", STAFF_COLUMNS, providers)


def visitor_results_csv_response(request):
    """The search page's results for these GET parameters, at most 1,000 rows."""
    filterset = directory_filter(filter_groups())(request.GET)
    providers = (
        filterset.ordered(filterset.filtered())
        .with_services()
        .prefetch_related("opening_hours")
    )
    columns = dict(PUBLIC_COLUMNS)
    if filterset.place:
        columns[_("Distance (miles)")] = lambda p: round(p.distance, 1)
    columns[_("Listing page")] = lambda p: request.build_absolute_uri(
        p.get_absolute_url()
    )
    return csv_response(
        "treatment-providers.csv", columns, providers[:VISITOR_ROW_LIMIT]
    )
