"""The directory's SQL: distance from a point, the box around a circle, and
the providers offering any of some services, read a page at a time."""

import math

from django.db.models import Exists, F, FloatField, Func, OuterRef

from treatment.geo import EARTH_RADIUS_MILES, bounding_box
from treatment.models import ProviderServices

PER_PAGE = 20


class PastLastPage(Exception):
    """A page number past the last page of results."""

    def __init__(self, last_page):
        super().__init__(f"The last page of results is {last_page}.")
        self.last_page = last_page


class MilesFrom(Func):
    """Great-circle (haversine) miles from a point to each provider, written
    as one SQL expression: an expression tree of a dozen functions costs more
    to build and compile than the query takes to run."""

    output_field = FloatField()

    def __init__(self, latitude, longitude):
        super().__init__(F("latitude"), F("longitude"))
        self.latitude, self.longitude = latitude, longitude

    def as_sql(self, compiler, connection, least="LEAST"):
        latitude, latitude_params = compiler.compile(self.source_expressions[0])
        longitude, longitude_params = compiler.compile(self.source_expressions[1])
        origin_latitude = math.radians(self.latitude)
        sql = (
            f"%s * ASIN(SQRT({least}(1.0, "
            f"POWER(SIN((RADIANS({latitude}) - %s) / 2), 2) "
            f"+ %s * COS(RADIANS({latitude})) "
            f"* POWER(SIN((RADIANS({longitude}) - %s) / 2), 2))))"
        )
        params = (
            2 * EARTH_RADIUS_MILES,
            *latitude_params,
            origin_latitude,
            math.cos(origin_latitude),
            *latitude_params,
            *longitude_params,
            math.radians(self.longitude),
        )
        return sql, params

    def as_sqlite(self, compiler, connection):
        return self.as_sql(compiler, connection, least="MIN")


def near(providers, place, miles):
    """Providers with a map point, annotated with their distance from
    `place`; only those within `miles`, unless None (any distance)."""
    providers = (
        providers.exclude(latitude=None)
        .exclude(longitude=None)
        .annotate(distance=MilesFrom(place.latitude, place.longitude))
    )
    return providers if miles is None else within_miles(providers, place, miles)


def within_miles(providers, place, miles):
    """Providers (annotated with their distance) within `miles` of `place`:
    a bounding box on the indexed latitude and longitude, then the exact circle."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(
        place.latitude, place.longitude, miles
    )
    return providers.filter(
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lng, max_lng),
        distance__lte=miles,
    )


def offers_any(service_ids):
    return Exists(
        ProviderServices.objects.filter(
            provider_id=OuterRef("pk"), service_id__in=service_ids
        )
    )
