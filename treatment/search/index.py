"""Each process's compact index of the published directory, kept up to date
with the directory's version: what a first-time search reads instead of
counting rows in SQL. Built once per process; after that, a change brings in
only the providers it touched, as the directory's change log
(models.DirectoryChange) names them, or, when it may have changed anything,
a new build.

Providers sit at positions 0..n-1 in the order the database sorts them by
name (then id), so a position is also the provider's rank by name. Per
position: id, latitude and longitude, whether accepting new patients, the
later of the days confirmed by the provider and checked by our staff, and
rank by it, most recent first. Per service: a bitmap (numpy uint64 words) of the
positions that offer it. A filter is a union of bitmaps, "all of" across
groups an intersection, a facet count an intersection's popcount; distance
is measured only for the rows inside a bounding box, or for the results.
The database stays the source of truth: keyword matching runs there, and its
matches join the bitmaps (remembered per keyword while the version holds).

A filter that depends on the current time is a per-request mask over
positions, ANDed into the candidates like `accepting` (see
IndexSearch.candidates): a small array here compared with "now" when the
search runs; its count beside the checkbox is the popcount of the results AND
that mask. "Confirmed in the last 6 months" does so with the later of the
days confirmed and checked (confirmed_since); "open now" with the index's opening hours,
each compared with the search's instant (filterset.now) in its provider's
time zone (open_now.OpenNowIndex).
"""

import contextlib
import ctypes
import threading

import numpy as np
from django.db import connection
from django.db.models import (
    CharField,
    F,
    Func,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat

from treatment.models import (
    PROVIDERS_NAMED,
    DirectoryChange,
    OpeningHours,
    Provider,
)
from treatment.search.open_now import OpenNowIndex, zone_numbers
from treatment.search.query import ProviderServices

KEYWORDS_REMEMBERED = 128  # each one a bitmap: n / 8 bytes
# The opening hours are read as rows of their own, each of the providers of
# HOURS_IDS consecutive ids, under negative "service ids": one row of them all
# would be a string of some 6 MB at 100,000 providers, held (and, in SQLite's
# aggregate, regrown) at once.
HOURS_IDS = 10_000
# What the index keeps of each provider, one array each, as read by
# provider_rows(): what search filters and sorts by.
COLUMNS = (
    "pk",
    "latitude",
    "longitude",
    "accepting",
    "last_confirmed",  # Provider.last_confirmed_on
    "time_zone",
    "open_24_7",
)


class DirectoryIndex:
    """The published directory in arrays, as it was at `version` (or later)."""

    def __init__(self, version, columns, services, hours):
        """columns: {name in COLUMNS: array}, over positions (providers in
        name order); services: {service id: bitmap (as bitmap() makes) of the
        positions offering it}; hours: (positions, start minutes, end minutes) arrays
        of the opening hours' intervals."""
        self.version = version
        self.columns = columns
        self.pks = columns["pk"]
        self.size = len(self.pks)
        self.words = (self.size + 63) // 64
        self.latitude, self.longitude = columns["latitude"], columns["longitude"]
        self.located = ~(np.isnan(self.latitude) | np.isnan(self.longitude))
        # The positions from south to north (the unlocated last): a box's
        # latitudes are one slice of them, not a comparison of every one.
        self.by_latitude = np.argsort(self.latitude, kind="stable").astype(np.int32)
        self.latitudes_in_order = self.latitude[self.by_latitude]
        self.accepting = columns["accepting"]
        # Most recently confirmed or checked first (NaT compares False), never
        # last, then by name.
        self.last_confirmed = days = columns["last_confirmed"]
        self.confirmed_kept = None, None  # (day, confirmed_since(day))
        by_verified = np.lexsort(
            (np.arange(self.size), -days.astype(np.int64), np.isnat(days))
        )
        self.verified_rank = np.empty(self.size, dtype=np.int32)
        self.verified_rank[by_verified] = np.arange(self.size)
        self.position_of = positions_of(self.pks)
        self.service_rows = {pk: row for row, pk in enumerate(services)}
        self.service_ids = np.array(list(services), dtype=np.int64)  # by row
        self.services = np.zeros((len(services), self.words), dtype=np.uint64)
        for row, bits in enumerate(services.values()):
            self.services[row] = bits
        self.keywords = {}
        # The opening hours in position order, held once: the cards and
        # "open now" both read these arrays.
        positions, starts, ends = hours
        if np.any(positions[1:] < positions[:-1]):  # as read; an update keeps order
            order = np.argsort(positions, kind="stable")
            positions, starts, ends = positions[order], starts[order], ends[order]
            del order
        self.hours = positions, starts, ends
        self.open_now = OpenNowIndex(
            columns["time_zone"], columns["open_24_7"], self.hours
        )

    def confirmed_since(self, day):
        """The mask of the listings confirmed by their provider or checked by
        our staff on or after `day` (as models.confirmed_since; NaT, never,
        compares False). Kept for the last day asked, which every search of
        a day asks: comparing every provider's day is a cost each search
        would otherwise pay."""
        kept_day, mask = self.confirmed_kept
        if kept_day != day:
            mask = self.last_confirmed >= np.datetime64(day, "D")
            self.confirmed_kept = day, mask  # one assignment: safe in threads
        return mask

    def in_box(self, min_lat, max_lat, min_lng, max_lng):
        """The positions, ascending, inside these bounds (inclusive)."""
        south = np.searchsorted(self.latitudes_in_order, min_lat, side="left")
        north = np.searchsorted(self.latitudes_in_order, max_lat, side="right")
        rows = self.by_latitude[south:north]
        longitude = self.longitude[rows]
        return np.sort(rows[(longitude >= min_lng) & (longitude <= max_lng)])

    def mask_of(self, pks):
        """A bool mask of the positions of these provider ids (unknown ids,
        such as unpublished providers', are left out)."""
        return mask_at(position_in(self.position_of, pks), self.size)

    def bits(self, mask):
        return bitmap(mask)

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

    def offered_by(self, pks):
        """{provider id: (the ids of the services it offers, its opening hours'
        (start, end) spans)} for these published providers (the cards')."""
        positions = position_in(self.position_of, pks)
        offers = (
            self.services[:, positions >> 6] >> (positions & 63).astype(np.uint64)
        ) & np.uint64(1)
        hours_at, starts, ends = self.hours
        first, after = np.searchsorted(hours_at, [positions, positions + 1])
        offered = {}
        for column, (pk, position) in enumerate(zip(pks, positions, strict=True)):
            if position < 0:
                continue
            hours = slice(first[column], after[column])
            offered[pk] = (
                set(self.service_ids[offers[:, column] == 1].tolist()),
                list(zip(starts[hours].tolist(), ends[hours].tolist(), strict=True)),
            )
        return offered

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


def bitmap(mask):
    """A bool mask over positions as a bitmap of uint64 words."""
    packed = np.zeros((len(mask) + 63) // 64 * 8, dtype=np.uint8)
    packed[: (len(mask) + 7) // 8] = np.packbits(mask, bitorder="little")
    return packed.view(np.uint64)


def popcount(bits):
    return int(np.bitwise_count(bits).sum())


def build_index(version):
    """Read the published directory into a DirectoryIndex: two queries, whose
    rows numpy converts (Django's per-value converters cost more than the
    reading)."""
    # One row per service with its providers' ids as text: far fewer Python
    # objects than a row per pair, and numpy parses the text in C.
    offered = (
        ProviderServices.objects.order_by()
        .values("service_id")
        .annotate(ids=StringAgg(Cast("provider_id", CharField()), Value(",")))
        .values_list("service_id", "ids")
    )
    # And, in the same query, the opening hours intervals of the published
    # providers as "provider id,start,end,...", a row per HOURS_IDS ids.
    hours = (
        OpeningHours.objects.filter(provider__is_published=True)
        .order_by()
        .values(row=-1 - F("provider_id") / HOURS_IDS)
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
    columns = read_columns(provider_rows(Provider.objects.published()))
    position_of, size = positions_of(columns["pk"]), len(columns["pk"])
    services, spans = {}, [np.empty(0, dtype=np.int32)]
    for row, ids in raw_rows(offered.union(hours, all=True)):
        if row < 0:
            spans.append(np.fromstring(ids, dtype=np.int32, sep=","))
        else:
            ids = np.fromstring(ids, dtype=np.int64, sep=",")
            services[row] = bitmap(mask_at(position_in(position_of, ids), size))
    hours = np.concatenate(spans).reshape(-1, 3)
    del spans
    hours = (position_in(position_of, hours[:, 0]), *as_minutes(hours[:, 1:].T))
    return DirectoryIndex(version, columns, services, hours)


def updated_index(index, version):
    """The index brought to `version` by reading again only the providers
    changed since it was built, or None when it must be built anew: the
    change log says anything may have changed, or more than PROVIDERS_NAMED
    changes are logged (or were dropped from the log) since.

    A changed provider leaves its position, and, if published now, takes
    the one its rank by name gives (asked of the database, whose collation
    orders names); the others keep their order around it.
    """
    since = DirectoryChange.objects.filter(version=index.version).order_by("-pk")
    changes = list(
        DirectoryChange.objects.filter(pk__gt=Subquery(since.values("pk")[:1]))
        .order_by("pk")
        .values_list("provider_id", flat=True)[: PROVIDERS_NAMED + 1]
    )
    if not changes or len(changes) > PROVIDERS_NAMED or None in changes:
        return None  # none: the index's version is not in the log
    changed = sorted(set(changes))
    published = Provider.objects.published()
    ahead = published.filter(
        Q(name__lt=OuterRef("name")) | Q(name=OuterRef("name"), pk__lt=OuterRef("pk"))
    ).order_by()
    rows = list(
        raw_rows(
            provider_rows(published.filter(pk__in=changed)).annotate(
                rank=Subquery(
                    ahead.annotate(n=Func(F("pk"), function="COUNT")).values("n")
                )
            )
        )
    )
    ranks = np.array([row[-1] for row in rows], dtype=np.int64)
    kept = ~np.isin(index.pks, changed)
    size = int(kept.sum()) + len(rows)
    if len(set(ranks.tolist())) < len(ranks) or ranks.max(initial=-1) >= size:
        return None  # a change committed meanwhile moved others: build anew
    stays_at = np.ones(size, dtype=bool)  # the kept providers' new positions
    stays_at[ranks] = False

    def merged(old, new):
        """Over the new positions: the kept providers' values, the changed ones'."""
        values = np.empty(size, dtype=old.dtype)
        values[stays_at] = old[kept]
        values[ranks] = new
        return values

    new = as_columns([row[:-1] for row in rows])
    columns = {name: merged(index.columns[name], new[name]) for name in COLUMNS}
    position_of = positions_of(columns["pk"])
    offering = {}  # {service id: the changed providers' new positions}
    for service_id, provider_id in ProviderServices.objects.filter(
        provider_id__in=changed
    ).values_list("service_id", "provider_id"):
        position = position_of[provider_id] if provider_id < len(position_of) else -1
        if position >= 0:
            offering.setdefault(service_id, []).append(position)
    none = np.zeros(len(rows), dtype=bool)
    services = {}  # one service at a time: a bool mask is 8 times its bitmap
    for pk in {**index.service_rows, **dict.fromkeys(offering)}:
        row = index.service_rows.get(pk)
        if row is None:  # offered by no published provider before
            mask = np.zeros(size, dtype=bool)
        else:
            mask = merged(index.mask(index.services[row]), none)
        mask[offering.get(pk, [])] = True
        services[pk] = bitmap(mask)
    hours = merged_hours(
        index,
        kept,
        np.flatnonzero(stays_at),
        position_of,
        published.filter(pk__in=changed),
    )
    return DirectoryIndex(version, columns, services, hours)


def merged_hours(index, kept, kept_at, position_of, changed):
    """The opening hours of updated_index: the index's of the `kept`
    positions, moved to their new positions `kept_at`, with those of the
    `changed` providers read again, in position order. (A function of its
    own, so that what it works with is freed before the new index is made.)"""
    moved_to = np.full(index.size, -1, dtype=np.int32)
    moved_to[kept] = kept_at
    positions, starts, ends = index.hours
    stay = kept[positions]
    spans = np.array(
        OpeningHours.objects.filter(provider__in=changed).values_list(
            "provider_id", "start_minute", "end_minute"
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    # The kept spans stay in position order; the changed ones go in among them.
    new_positions = position_in(position_of, spans[:, 0])
    spans = spans[np.argsort(new_positions, kind="stable")]
    new_positions.sort()
    kept_positions = moved_to[positions[stay]]
    at = np.searchsorted(kept_positions, new_positions, side="right")
    return (
        np.insert(kept_positions, at, new_positions),
        *as_minutes(
            [
                np.insert(starts[stay], at, spans[:, 1]),
                np.insert(ends[stay], at, spans[:, 2]),
            ]
        ),
    )


def provider_rows(providers):
    """The providers' COLUMNS in name order (dates as text: SQLite's driver
    would parse each date, where numpy parses them all at once)."""
    return providers.order_by("name", "pk").values_list(
        "pk",
        "latitude",
        "longitude",
        "accepting_status",
        Cast("verified_on", CharField()),
        Cast("confirmed_on", CharField()),
        "time_zone",
        "open_24_7",
    )


def read_columns(queryset, chunk=10_000):
    """provider_rows' COLUMNS, read a chunk of rows at a time (as raw_rows
    reads): a hundred thousand rows of Python objects at once would cost
    more memory than the whole index."""
    sql, params = queryset.query.sql_with_params()
    chunks = []
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            chunks.append(as_columns(rows))
    if not chunks:
        return as_columns([])
    return {name: np.concatenate([part[name] for part in chunks]) for name in COLUMNS}


def as_minutes(minutes):
    """Minutes of the week (at most two weeks' worth) in two bytes each."""
    return [np.asarray(values, dtype=np.int16) for values in minutes]


def as_columns(rows):
    """provider_rows' rows as COLUMNS arrays (of the two days, the later)."""
    pks, latitude, longitude, status, verified, confirmed, zones, always = (
        list(zip(*rows, strict=True)) or [()] * 8  # no rows: 8 empty fields
    )
    return dict(
        zip(
            COLUMNS,
            (
                np.array(pks, dtype=np.int64),
                np.array(latitude, dtype=np.float64),
                np.array(longitude, dtype=np.float64),
                np.array(status, dtype=object) == Provider.Status.ACCEPTING,
                later_day(
                    np.array(verified, dtype="datetime64[D]"),
                    np.array(confirmed, dtype="datetime64[D]"),
                ),
                zone_numbers(zones),
                np.array(always, dtype=bool),
            ),
            strict=True,
        )
    )


def later_day(first, second):
    """The later of two arrays of days, NaT (never) only where both are."""
    return np.where(np.isnat(second) | (first > second), first, second)


def positions_of(pks):
    """Each id's position, -1 for ids not in the index: a lookup by indexing."""
    position_of = np.full(int(pks.max(initial=0)) + 1, -1, dtype=np.int32)
    position_of[pks] = np.arange(len(pks))
    return position_of


def position_in(position_of, pks):
    """The positions of these ids, -1 for those not in the index."""
    pks = np.asarray(pks, dtype=np.int64)
    known = pks < len(position_of)
    positions = np.full(len(pks), -1, dtype=np.int32)
    positions[known] = position_of[pks[known]]
    return positions


def mask_at(positions, size):
    """A bool mask of `size` with these positions set (-1s left out)."""
    mask = np.zeros(size, dtype=bool)
    mask[positions[positions >= 0]] = True
    return mask


def as_text(*parts):
    """Fields as text, for Concat on every database."""
    return [
        Cast(part, CharField()) if isinstance(part, str) else part for part in parts
    ]


def raw_rows(queryset):
    """The queryset's rows as the database driver gives them, one at a time
    (on PostgreSQL from a server-side cursor, fetched one by one: the driver
    would otherwise hold every row of the result at once, or, iterated, a
    batch of 2,000, all of build_index's rows)."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while (row := cursor.fetchone()) is not None:
            yield row


class LatestIndex:
    """Each process's index of the latest directory version it has seen."""

    index = None
    lock = threading.Lock()  # one thread builds; the others wait for it


def directory_index(version):
    """The index of the directory at this version: the process's, brought
    up to date (updated_index) or built anew (build_index) when the version
    changed."""
    with LatestIndex.lock:
        index = LatestIndex.index
        if index is None or index.version != version:
            index = (index and updated_index(index, version)) or build_index(version)
            LatestIndex.index = index
            release_freed_memory()
        return index


def release_freed_memory():
    """Hand back to the system the memory that building the index used and
    freed (glibc's malloc keeps it for the process, some 15 MB at 100,000
    providers); elsewhere, nothing."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)
