"""Each process's compact index of the published directory, built once per
directory version: what a first-time search reads instead of counting rows
in SQL.

Providers sit at positions 0..n-1 in the order the database sorts them by
name (then id), so a position is also the provider's rank by name. Per
position: id, latitude and longitude, whether accepting new patients, the days
confirmed by the provider and checked by our staff, and rank by the later of
the two, most recent first. Per service: a bitmap (numpy uint64 words) of the
positions that offer it. A filter is a union of bitmaps, "all of" across
groups an intersection, a facet count an intersection's popcount; distance
is measured only for the rows inside a bounding box, or for the results.
The database stays the source of truth: keyword matching runs there, and its
matches join the bitmaps (remembered per keyword while the version holds).

A filter that depends on the current time is a per-request mask over
positions, ANDed into the candidates like `accepting` (see
IndexSearch.candidates): a small array here compared with "now" when the
search runs; its count beside the checkbox is the popcount of the results AND
that mask. "Confirmed in the last 6 months" does so with the days confirmed
and checked (confirmed_since); "open now" with the published providers'
weekly open spans by time zone (open_now.OpenNowIndex), compared with the
search's instant (filterset.now).
"""

from functools import lru_cache

import numpy as np
from django.db import connection
from django.db.models import CharField, StringAgg, Value
from django.db.models.functions import Cast, Concat

from treatment.models import OpeningHours, Provider
from treatment.search.open_now import OpenNowIndex
from treatment.search.query import ProviderServices

KEYWORDS_REMEMBERED = 128  # each one a bitmap: n / 8 bytes
HOURS_ROW = -1  # the service id under which the opening hours are read


class DirectoryIndex:
    """The published directory in arrays, as it was at `version`."""

    def __init__(self, version, rows, service_ids, hours):
        """rows: (id, latitude, longitude, accepting status, day last verified
        or None, day confirmed by the provider or None, time zone, open 24/7)
        in name order; service_ids: {service id: provider ids}; hours:
        (provider id, start minute, end minute) of each opening hours
        interval, as an (n, 3) array."""
        self.version = version
        self.size = len(rows)
        self.words = (self.size + 63) // 64
        pks, latitude, longitude, status, verified, confirmed, zones, always = (
            list(zip(*rows, strict=True)) or [()] * 8
        )
        self.pks = np.array(pks, dtype=np.int64)
        self.latitude = np.array(latitude, dtype=np.float64)
        self.longitude = np.array(longitude, dtype=np.float64)
        self.latitude_radians = np.radians(self.latitude)
        self.longitude_radians = np.radians(self.longitude)
        self.cos_latitude = np.cos(self.latitude_radians)
        self.located = ~(np.isnan(self.latitude) | np.isnan(self.longitude))
        self.accepting = np.array(status, dtype=object) == Provider.Status.ACCEPTING
        # Most recently confirmed or checked first (Provider.last_confirmed_on;
        # NaT compares False), never last, then by name.
        self.verified_on = np.array(verified, dtype="datetime64[D]")
        self.confirmed_on = np.array(confirmed, dtype="datetime64[D]")
        days = np.where(
            np.isnat(self.confirmed_on) | (self.verified_on > self.confirmed_on),
            self.verified_on,
            self.confirmed_on,
        )
        by_verified = np.lexsort(
            (np.arange(self.size), -days.astype(np.int64), np.isnat(days))
        )
        self.verified_rank = np.empty(self.size, dtype=np.int64)
        self.verified_rank[by_verified] = np.arange(self.size)
        # Each id's position, -1 for ids not published: a lookup by indexing.
        self.position_of = np.full(int(self.pks.max(initial=0)) + 1, -1, dtype=np.int32)
        self.position_of[self.pks] = np.arange(self.size, dtype=np.int32)
        self.service_rows = {pk: row for row, pk in enumerate(service_ids)}
        self.services = np.zeros((len(service_ids), self.words), dtype=np.uint64)
        for row, ids in enumerate(service_ids.values()):
            self.services[row] = self.bits(self.mask_of(ids))
        self.keywords = {}
        hours = np.asarray(hours, dtype=np.int64).reshape(-1, 3)
        self.open_now = OpenNowIndex(
            zones,
            np.array(always, dtype=bool),
            (self.position_of[hours[:, 0]], hours[:, 1], hours[:, 2]),
        )

    def confirmed_since(self, day):
        """The mask of the listings confirmed by their provider or checked by
        our staff on or after `day` (as models.confirmed_since; NaT, never,
        compares False)."""
        since = np.datetime64(day, "D")
        return (self.confirmed_on >= since) | (self.verified_on >= since)

    def mask_of(self, pks):
        """A bool mask of the positions of these provider ids (unknown ids,
        such as unpublished providers', are left out)."""
        pks = np.asarray(pks, dtype=np.int64)
        positions = self.position_of[pks[pks < len(self.position_of)]]
        mask = np.zeros(self.size, dtype=bool)
        mask[positions[positions >= 0]] = True
        return mask

    def bits(self, mask):
        """A bool mask over positions as a bitmap of uint64 words."""
        packed = np.zeros(self.words * 8, dtype=np.uint8)
        packed[: (self.size + 7) // 8] = np.packbits(mask, bitorder="little")
        return packed.view(np.uint64)

    def mask(self, bits):
        """The bool mask of a bitmap."""
        return np.unpackbits(
            bits.view(np.uint8), count=self.size, bitorder="little"
        ).view(bool)

    def offering(self, service_ids):
        """The bitmap of positions offering any of these services."""
        rows = [self.service_rows[pk] for pk in service_ids if pk in self.service_rows]
        if not rows:
            return np.zeros(self.words, dtype=np.uint64)
        return np.bitwise_or.reduce(self.services[rows], axis=0)

    def keyword_bits(self, text, match):
        """The bitmap of the providers `match(text)` gives the ids of, asked of
        the database once per keyword while this version holds."""
        bits = self.keywords.pop(text, None)
        if bits is None:
            bits = self.bits(self.mask_of(match(text)))
        if len(self.keywords) >= KEYWORDS_REMEMBERED:
            del self.keywords[next(iter(self.keywords))]
        self.keywords[text] = bits  # the most recently used last
        return bits


def popcount(bits):
    return int(np.bitwise_count(bits).sum())


def build_index(version):
    """Read the published directory into a DirectoryIndex: two queries, whose
    rows numpy converts (Django's per-value converters cost more than the
    reading)."""
    providers = (
        Provider.objects.published()
        .order_by("name", "pk")
        .values_list(
            "pk",
            "latitude",
            "longitude",
            "accepting_status",
            # Dates as text: SQLite's driver would parse each date, where
            # numpy parses them all at once.
            Cast("verified_on", CharField()),
            Cast("confirmed_on", CharField()),
            "time_zone",
            "open_24_7",
        )
    )
    # One row per service with its providers' ids as text: far fewer Python
    # objects than a row per pair, and numpy parses the text in C.
    offered = (
        ProviderServices.objects.order_by()
        .values("service_id")
        .annotate(ids=StringAgg(Cast("provider_id", CharField()), Value(",")))
        .values_list("service_id", "ids")
    )
    # And, in the same query, one row of every opening hours interval of the
    # published providers as "provider id,start,end,...", under HOURS_ROW.
    hours = (
        OpeningHours.objects.filter(provider__is_published=True)
        .order_by()
        .values(row=Value(HOURS_ROW))
        .annotate(
            spans=StringAgg(
                Concat(
                    *as_text("provider_id", Value(","), "start_minute"),
                    *as_text(Value(","), "end_minute"),
                    output_field=CharField(),
                ),
                Value(","),
            )
        )
        .values_list("row", "spans")
    )
    service_ids, spans = {}, ""
    for service_id, ids in raw_rows(offered.union(hours, all=True)):
        if service_id == HOURS_ROW:
            spans = ids or ""
        else:
            service_ids[service_id] = np.fromstring(ids, dtype=np.int64, sep=",")
    hours = np.fromstring(spans, dtype=np.int64, sep=",").reshape(-1, 3)
    return DirectoryIndex(version, raw_rows(providers), service_ids, hours)


def as_text(*parts):
    """Fields as text, for Concat on every database."""
    return [
        Cast(part, CharField()) if isinstance(part, str) else part for part in parts
    ]


def raw_rows(queryset):
    """The queryset's rows as the database driver gives them."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@lru_cache(maxsize=1)
def directory_index(version):
    """The index of the directory at this version, built once per process."""
    return build_index(version)
