"""A read-only Open Referral HSDS 3.0 API over the published directory.

Each published provider is one organization, one physical location, one service
named for the provider, and the service_at_location joining them. Our services
(methadone, Medicaid, Spanish...) are that service's taxonomy terms, given as
attributes. Each of a provider's objects has its own id made from the
provider's stored public_id, so ids stay the same from one request (and one
import) to the next, and a detail request finds its provider by an index.
Only published providers appear; inquiries and inquiry emails never do.
"""

import math
import re
import uuid
from datetime import UTC, datetime, time
from functools import wraps
from zoneinfo import ZoneInfo

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from treatment.geo import bounding_box, zip_centroid
from treatment.models import Provider, Service
from treatment.models.providers import DEFAULT_TIME_ZONE
from treatment.search.keywords import MAX_QUERY_LENGTH, PROVIDER_FIELDS, every_word
from treatment.search.query import MilesFrom, offers_any

HSDS_VERSION = "3.0"
# Never change this: every id the API has handed out is derived from it.
ID_NAMESPACE = uuid.UUID("1272707d-8a73-464d-84a6-0becb7ab3717")
TAXONOMY = "Opioid Help directory services"
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
METERS_PER_MILE = 1609.344
US_POSTCODE = re.compile(r"^\d{5}(?:-\d{4})?$")


class BadRequest(Exception):
    """A parameter the API can't use; the message tells the client how to fix it."""


class NotFound(Exception):
    pass


# The bits that make a UUID a version-4 one: kind_id() leaves them alone.
UUID4_MARKS = (0xF << 76) | (0x3 << 62)


def hsds_id(kind, key):
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}/{key}"))


def kind_mask(kind):
    return uuid.uuid5(ID_NAMESPACE, kind).int & ~UUID4_MARKS


def kind_id(kind, provider):
    """The id of the provider's `kind` object: its public_id XOR a mask of
    the kind's own, so each kind's ids differ and lead back to the provider."""
    return str(uuid.UUID(int=provider.public_id.int ^ kind_mask(kind)))


def json_api(view):
    """JSON from the view's dict; BadRequest becomes 400 and NotFound 404."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return JsonResponse(view(request, *args, **kwargs))
        except BadRequest as error:
            return JsonResponse({"error": str(error)}, status=400)
        except NotFound as error:
            return JsonResponse({"error": str(error)}, status=404)

    return wrapper


# Views ---------------------------------------------------------------------


@json_api
def api_root(request):
    return {
        "version": HSDS_VERSION,
        "links": {
            name: request.build_absolute_uri(reverse(f"hsds:{name}"))
            for name in ("services", "organizations", "service_at_locations")
        },
    }


@json_api
def services(request):
    return paginated(request.GET, service_summary)


@json_api
def service_detail(request, item_id):
    provider = published_provider("service", item_id)
    return service_summary(provider) | {
        "phones": phones(provider),
        "schedules": schedules(provider),
        "attributes": attributes(provider),
        "service_at_locations": [
            service_at_location_ids(provider) | {"location": location_full(provider)}
        ],
    }


@json_api
def organizations(request):
    return paginated(request.GET, organization_summary)


@json_api
def organization_detail(request, item_id):
    provider = published_provider("organization", item_id)
    service = service_summary(provider)
    del service["organization"]
    return organization_summary(provider) | {
        "phones": phones(provider),
        "locations": [location_full(provider)],
        "services": [
            service
            | {"attributes": attributes(provider), "schedules": schedules(provider)}
        ],
    }


@json_api
def service_at_locations(request):
    return paginated(request.GET, service_at_location_summary)


@json_api
def service_at_location_detail(request, item_id):
    provider = published_provider("service_at_location", item_id)
    return service_at_location_ids(provider) | {
        "phones": phones(provider),
        "location": location_full(provider),
        "service": service_summary(provider)
        | {"attributes": attributes(provider), "schedules": schedules(provider)},
    }


# Finding providers -------------------------------------------------------------


def published_provider(kind, item_id):
    """The published provider whose `kind` id this is, services and opening
    hours prefetched."""
    try:
        wanted = uuid.UUID(item_id)
    except ValueError:
        raise BadRequest(
            f"“{item_id[:60]}” is not an id: ids in this API are UUIDs."
        ) from None
    public_id = uuid.UUID(int=wanted.int ^ kind_mask(kind))
    provider = (
        Provider.objects.published()
        .with_services()
        .prefetch_related("opening_hours")
        .filter(public_id=public_id)
    ).first()
    if provider is None:
        raise NotFound(f"There is no published {kind.replace('_', ' ')} {wanted}.")
    return provider


def paginated(params, to_json):
    """The HSDS page envelope around `to_json` of the filtered providers."""
    page = whole_number(params, "page", default=1)
    per_page = min(
        whole_number(params, "per_page", default=DEFAULT_PER_PAGE), MAX_PER_PAGE
    )
    providers = filtered_providers(params)
    total = providers.count()
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    contents = (
        [to_json(p) for p in providers[start : start + per_page]]
        if page <= total_pages
        else []
    )
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def filtered_providers(params):
    """Published providers for the search, taxonomy_term_id, modified_after,
    postcode and proximity parameters, nearest first when a postcode is given."""
    providers = Provider.objects.published()

    text = params.get("search", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise BadRequest(f"search can be at most {MAX_QUERY_LENGTH} characters.")
    if "\x00" in text:
        raise BadRequest("search can't contain null characters.")
    if text:  # the same words-anywhere match as the site's keyword box
        providers = every_word(providers, text, PROVIDER_FIELDS)

    term = params.get("taxonomy_term_id", "").strip()
    if term:
        service_id = service_ids_by_term().get(parse_uuid(term, "taxonomy_term_id"))
        providers = providers.filter(offers_any([service_id]))

    modified_after = params.get("modified_after", "").strip()
    if modified_after:
        providers = providers.filter(updated_at__gte=parse_moment(modified_after))

    postcode = params.get("postcode", "").strip()
    proximity = params.get("proximity", "").strip()
    if proximity and not postcode:
        raise BadRequest("proximity needs a postcode to measure from.")
    if not postcode:
        return providers.order_by("name", "pk")
    place = zip_centroid(postcode) if US_POSTCODE.match(postcode) else None
    if place is None:
        raise BadRequest(f"postcode “{postcode[:20]}” is not a known US ZIP code.")
    providers = providers.exclude(latitude=None).exclude(longitude=None)
    if proximity:
        miles = positive_number(proximity, "proximity") / METERS_PER_MILE
        min_lat, max_lat, min_lng, max_lng = bounding_box(
            place.latitude, place.longitude, miles
        )
        providers = providers.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng)
        )
    providers = providers.annotate(distance=MilesFrom(place.latitude, place.longitude))
    if proximity:
        providers = providers.filter(distance__lte=miles)
    return providers.order_by("distance", "name", "pk")


def service_ids_by_term():
    return {
        taxonomy_term_id(slug): pk
        for pk, slug in Service.objects.values_list("pk", "slug")
    }


def whole_number(params, name, *, default):
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not “{raw[:20]}”.") from None
    if value < 1:
        raise BadRequest(f"{name} must be 1 or more.")
    return value


def positive_number(raw, name):
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise BadRequest(
            f"{name} must be a positive number of meters, not “{raw[:20]}”."
        )
    return value


def parse_uuid(raw, name):
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadRequest(f"{name} must be a UUID, not “{raw[:60]}”.") from None


def parse_moment(raw):
    """An aware datetime from an ISO 8601 date or date-time (UTC when no zone)."""
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)):
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(
            "modified_after must be an ISO 8601 date or date-time such as "
            "2025-01-31 or 2025-01-31T09:00:00Z (in a URL, write + as %2B)."
        )
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


# HSDS objects ----------------------------------------------------------------


def without_blanks(data):
    """HSDS fields are strings or numbers, never null: leave out empty ones."""
    return {key: value for key, value in data.items() if value not in ("", None)}


def description(provider):
    return (
        provider.summary
        or provider.description
        or f"Treatment provider in {provider.city}, {provider.state}."
    )


def organization_summary(provider):
    return without_blanks(
        {
            "id": kind_id("organization", provider),
            "name": provider.name,
            "description": description(provider),
            "website": provider.website,
        }
    )


def service_summary(provider):
    return without_blanks(
        {
            "id": kind_id("service", provider),
            "organization_id": kind_id("organization", provider),
            "name": provider.name,
            "description": description(provider),
            "url": provider.website,
            "status": "active",
            "wait_time": wait_time(provider),
            # The later of the provider's confirmation and our staff's check.
            "assured_date": (day := provider.last_confirmed_on) and day.isoformat(),
            "last_modified": provider.updated_at.isoformat(),
            "organization": organization_summary(provider),
        }
    )


def wait_time(provider):
    if provider.accepting_status == Provider.Status.UNKNOWN:
        return ""
    status = provider.get_accepting_status_display()
    if provider.accepting_status_on:
        return f"{status} (as of {provider.accepting_status_on.isoformat()})"
    return status


def location_summary(provider):
    return without_blanks(
        {
            "id": kind_id("location", provider),
            "location_type": "physical",
            "organization_id": kind_id("organization", provider),
            "name": provider.name,
            "latitude": provider.latitude,
            "longitude": provider.longitude,
        }
    )


def location_full(provider):
    location_id = kind_id("location", provider)
    return location_summary(provider) | {
        "addresses": [
            {
                "id": kind_id("address", provider),
                "location_id": location_id,
                "address_1": provider.street,
                "city": provider.city,
                "state_province": provider.state,
                "postal_code": provider.zip_code,
                "country": "US",
                "address_type": "physical",
            }
        ]
    }


def service_at_location_ids(provider):
    return {
        "id": kind_id("service_at_location", provider),
        "service_id": kind_id("service", provider),
        "location_id": kind_id("location", provider),
    }


def service_at_location_summary(provider):
    return service_at_location_ids(provider) | {
        "location": location_summary(provider),
        "service": service_summary(provider),
    }


def phones(provider):
    numbers = [
        ("main", provider.phone, "Main number"),
        ("intake", provider.intake_phone, "Intake: call to start treatment"),
    ]
    return [
        {
            "id": hsds_id("phone", f"{provider.public_id}/{key}"),
            "service_id": kind_id("service", provider),
            "number": number,
            "type": "voice",
            "description": label,
        }
        for key, number, label in numbers
        if number
    ]


def taxonomy_term_id(slug):
    return hsds_id("taxonomy_term", slug)


def attributes(provider):
    """Our services as taxonomy terms of the provider's HSDS service."""
    service_id = kind_id("service", provider)
    return [
        {
            "id": hsds_id("attribute", f"{provider.public_id}/{service.slug}"),
            "link_id": service_id,
            "link_entity": "service",
            "taxonomy_term_id": taxonomy_term_id(service.slug),
            "taxonomy_term": {
                "id": taxonomy_term_id(service.slug),
                "code": service.slug,
                "name": service.name,
                "description": service.description or service.name,
                "taxonomy": f"{TAXONOMY}: {service.category.name}",
            },
        }
        for service in provider.services.all()
    ]


BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def schedules(provider, now=None):
    """The provider's weekly opening hours as HSDS schedules: one a weekday
    interval (closing before opening: the next day), or one for 24/7. HSDS
    gives times a UTC offset, not a zone: the offset is the one in effect
    in the provider's zone at the time of the request, and the notes name
    the zone, whose clock the hours follow all year."""
    zone = provider.time_zone or DEFAULT_TIME_ZONE
    offset = (now or timezone.now()).astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    suffix = (
        f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
    )
    common = {
        "service_id": kind_id("service", provider),
        "freq": "WEEKLY",
        "interval": 1,
        "timezone": minutes / 60,
        "notes": f"Local time in the {zone} time zone, daylight saving time "
        "included; the UTC offset given is today's.",
    }
    if provider.open_24_7:
        intervals = [
            ("24-7", ",".join(BYDAY), time(0), time(0), "Open 24 hours, 7 days a week")
        ]
    else:
        intervals = [
            (
                hours.pk,
                BYDAY[hours.weekday],
                hours.opens,
                hours.closes,
                f"{hours.get_weekday_display()}, {hours.opens:%H:%M} to "
                f"{hours.closes:%H:%M}",
            )
            for hours in provider.opening_hours.all()
        ]
    return [
        common
        | {
            "id": hsds_id("schedule", f"{provider.public_id}/{key}"),
            "byday": byday,
            "opens_at": f"{opens:%H:%M}{suffix}",
            # HSDS's sign of a whole day: 00:00 to 23:59.
            "closes_at": "23:59" + suffix
            if opens == closes == time(0)
            else f"{closes:%H:%M}{suffix}",
            "description": text,
        }
        for key, byday, opens, closes, text in intervals
    ]
