"""A search answered from the directory index: the same totals, counts,
pages and "what if" totals as the plain SQL path (sql_search.SqlSearch),
which the property test holds it to."""

import math
from functools import cached_property

import numpy as np

from treatment.geo import EARTH_RADIUS_MILES, bounding_box
from treatment.models import Provider
from treatment.search.index import popcount
from treatment.search.keywords import PROVIDER_FIELDS, every_word
from treatment.search.params import RADIUS_MILES
from treatment.search.query import PER_PAGE


class IndexSearch:
    def __init__(self, index, filterset):
        self.index, self.filterset = index, filterset
        self.place = filterset.place
        self.chosen = filterset.selected()  # {group key: [service ids]}
        self.group_bits = {key: index.offering(ids) for key, ids in self.chosen.items()}
        self.boxes = {}  # {miles: in_box(miles)}

    # The candidates: everything but the filter groups.

    def candidates(
        self, miles, accepting=None, keywords=True, confirmed=None, open_now=None
    ):
        """The mask of providers within `miles` (None: any distance) of the
        place, if any, matching the keywords (unless told not to) and, when
        chosen (unless told otherwise), accepting, recently confirmed and
        open now."""
        index, cleaned = self.index, self.filterset.cleaned
        if self.place is None:
            mask = np.ones(index.size, dtype=bool)
        elif miles is None:
            mask = index.located.copy()
        else:
            mask = np.zeros(index.size, dtype=bool)
            rows, distances = self.in_box(miles)
            mask[rows[distances <= miles]] = True
        if keywords and cleaned.get("q"):
            mask &= index.mask(index.keyword_bits(cleaned["q"], matching_ids))
        if cleaned.get("accepting") if accepting is None else accepting:
            mask &= index.accepting
        if cleaned.get("confirmed") if confirmed is None else confirmed:
            mask &= self.recently_confirmed
        if cleaned.get("open_now") if open_now is None else open_now:
            mask &= self.open_mask
        return mask

    @cached_property
    def recently_confirmed(self):
        """The mask of "Confirmed in the last 6 months", as of this search."""
        return self.index.confirmed_since(self.filterset.recently_confirmed_since)

    @cached_property
    def open_mask(self):
        return self.index.open_now.mask(self.filterset.now)

    @cached_property
    def time_slot(self):
        """The stretch of time between openings and closings the search's
        instant falls in, which keys what is cached of time-dependent counts."""
        return self.index.open_now.slot(self.filterset.now).hex()

    def in_box(self, miles):
        """(positions, ascending, and miles away) of the providers inside the
        bounding box that search's SQL reads for this distance."""
        if miles not in self.boxes:
            self.boxes[miles] = self.measured_box(miles)
        return self.boxes[miles]

    def measured_box(self, miles):
        box = bounding_box(self.place.latitude, self.place.longitude, miles)
        rows = self.index.in_box(*box)
        return rows, self.miles_to(rows)

    def miles_to(self, rows):
        """Great-circle miles from the place to these positions, computed as
        query.MilesFrom computes them in SQL."""
        index, place = self.index, self.place
        latitude = np.radians(index.latitude[rows])
        longitude = np.radians(index.longitude[rows])
        origin = math.radians(place.latitude)
        a = np.sin((latitude - origin) / 2) ** 2 + math.cos(origin) * np.cos(
            latitude
        ) * (np.sin((longitude - math.radians(place.longitude)) / 2) ** 2)
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(1.0, a)))

    def narrowed(self, bits, leaving_out=None):
        """These candidates with every chosen group's filter applied but one."""
        for key, group in self.group_bits.items():
            if key != leaving_out:
                bits = bits & group
        return bits

    # What the page shows.

    @cached_property
    def candidate_bits(self):
        return self.index.bits(self.candidates(self.filterset.radius_miles))

    @cached_property
    def results(self):
        return self.narrowed(self.candidate_bits)

    @cached_property
    def total(self):
        return popcount(self.results)

    @cached_property
    def accepting(self):
        return popcount(self.results & self.index.bits(self.index.accepting))

    @cached_property
    def confirmed(self):
        return popcount(self.results & self.index.bits(self.recently_confirmed))

    @cached_property
    def open_now(self):
        return popcount(self.results & self.index.bits(self.open_mask))

    @cached_property
    def counts(self):
        """{service id: how many results it would give}, for the services with
        any: each group's options counted among the results of every other
        filter (its own group's choices left out). Every option is counted
        among the results at once, then a chosen group's again."""
        index = self.index
        counts = np.bitwise_count(index.services & self.results).sum(axis=1)
        for key in self.chosen:
            rows = [
                index.service_rows[pk]
                for pk in self.filterset.group(key).slug_to_id.values()
                if pk in index.service_rows
            ]
            among = self.narrowed(self.candidate_bits, leaving_out=key)
            counts[rows] = np.bitwise_count(index.services[rows] & among).sum(axis=1)
        return {
            pk: count
            for pk, count in zip(
                index.service_ids.tolist(), counts.tolist(), strict=True
            )
            if count
        }

    def page_rows(self, number):
        """[(provider id, miles away or None, None)] of this page, in the
        chosen order: nearest first, by name, or most recently confirmed."""
        index, sort = self.index, self.filterset.chosen_sort
        rows = np.flatnonzero(index.mask(self.results))
        end = number * PER_PAGE
        if sort == "name":
            page = rows[end - PER_PAGE : end]
        else:
            if sort == "distance":
                keys = self.distances_to(rows)
            else:
                keys = index.verified_rank[rows]
            page = first_in_order(rows, keys, end)[end - PER_PAGE :]
        if self.place is None:
            return [(int(index.pks[row]), None, None) for row in page]
        return [
            (int(index.pks[row]), float(miles), None)
            for row, miles in zip(page, self.distances_to(page), strict=True)
        ]

    def distances_to(self, rows):
        """Miles to these positions of the results: read from the chosen
        distance's box, measured already, when there is one."""
        radius = self.filterset.radius_miles
        if radius is None:
            return self.miles_to(rows)
        box, distances = self.in_box(radius)
        return distances[np.searchsorted(box, rows)]

    def offered_by(self, pks):
        """What the cards of these providers show of their services and hours
        (DirectoryIndex.offered_by)."""
        return self.index.offered_by(pks)

    # What the page could show with one choice undone.

    def wider_totals(self):
        """[(radius value, total)] at each distance wider than the chosen one."""
        chosen = self.filterset.radius_miles
        if self.place is None or chosen is None:
            return []
        wider = [miles for miles in RADIUS_MILES if miles > chosen]
        everywhere = self.narrowed(self.index.bits(self.candidates(None)))
        totals = [("any", popcount(everywhere))]
        if wider:
            rows, distances = self.in_box(wider[-1])
            distances = distances[self.index.mask(everywhere)[rows]]
            totals[:0] = [(str(m), int((distances <= m).sum())) for m in wider]
        return totals

    def totals_without(self):
        """[(parameter, value, label, total)] for the keywords, each choice
        made among the filter groups, "accepting", "confirmed" and "open now":
        the total were it undone."""
        filterset, index = self.filterset, self.index
        radius, keywords = filterset.radius_miles, filterset.cleaned.get("q")
        totals = []
        if keywords:
            anything = self.candidates(radius, keywords=False)
            totals.append(
                ("q", keywords, keywords, popcount(self.narrowed(index.bits(anything))))
            )
        for key, ids in self.chosen.items():
            services = {
                service.pk: service for service in filterset.group(key).services
            }
            others = self.narrowed(self.candidate_bits, leaving_out=key)
            for pk in ids:
                rest = [other for other in ids if other != pk]
                undone = others & index.offering(rest) if rest else others
                service = services[pk]
                totals.append((key, service.slug, service.name, popcount(undone)))
        if filterset.cleaned.get("accepting"):
            anyone = self.candidates(radius, accepting=False)
            label = filterset.filters["accepting"].label
            total = popcount(self.narrowed(index.bits(anyone)))
            totals.append(("accepting", "true", label, total))
        if filterset.cleaned.get("confirmed"):
            anyone = self.candidates(radius, confirmed=False)
            label = filterset.filters["confirmed"].label
            total = popcount(self.narrowed(index.bits(anyone)))
            totals.append(("confirmed", "recent", label, total))
        if filterset.cleaned.get("open_now"):
            anytime = self.candidates(radius, open_now=False)
            label = filterset.filters["open_now"].label
            total = popcount(self.narrowed(index.bits(anytime)))
            totals.append(("open_now", "1", label, total))
        return totals


def first_in_order(rows, keys, count):
    """The first `count` rows by (key, position)."""
    if count < len(keys):
        kth = np.partition(keys, count - 1)[count - 1]
        near = keys <= kth
        rows, keys = rows[near], keys[near]
    return rows[np.lexsort((rows, keys))[:count]]


def matching_ids(text):
    """The published providers whose name, city or description has every word."""
    return list(
        every_word(Provider.objects.published(), text, PROVIDER_FIELDS).values_list(
            "pk", flat=True
        )
    )
