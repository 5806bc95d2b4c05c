"""The "open now" filter: the providers open at an instant, by their weekly
opening hours (treatment.models.OpeningHours) in each one's own time zone.

Two ways, held equal by the search property test: a Q for the plain SQL path,
and OpenNowIndex, which compares the directory index's opening hours with
the instant as a mask. Both read each zone's local minute of
the week at the instant; a span (start, end) of minutes of the week is open
at minute m when start <= m < end, or, for one running past the week's end
(Sunday night into Monday), start <= m + WEEK < end.
"""

from functools import cached_property

import numpy as np
from django.db.models import Exists, OuterRef, Q

from treatment.geo import US_TIME_ZONES
from treatment.hours import WEEK, minute_of_week, zone_info
from treatment.models import OpeningHours
from treatment.models.providers import DEFAULT_TIME_ZONE


def local_minute(zone, moment):
    return minute_of_week(moment.astimezone(zone_info(zone or DEFAULT_TIME_ZONE)))


def open_now_q(moment):
    """A Q of the providers open at `moment` (a provider's zone is one of
    US_TIME_ZONES; a blank one is DEFAULT_TIME_ZONE)."""
    spans = Q()
    for zone in US_TIME_ZONES:
        minute = local_minute(zone, moment)
        zones = [zone, ""] if zone == DEFAULT_TIME_ZONE else [zone]
        spans |= Q(provider__time_zone__in=zones) & (
            Q(start_minute__lte=minute, end_minute__gt=minute)
            | Q(start_minute__lte=minute + WEEK, end_minute__gt=minute + WEEK)
        )
    hours = OpeningHours.objects.filter(spans, provider=OuterRef("pk"))
    return Q(open_24_7=True) | Exists(hours)


ZONE_NUMBERS = {zone: number for number, zone in enumerate(US_TIME_ZONES)}


def zone_numbers(names):
    """Each time zone's number in US_TIME_ZONES (a blank one's is
    DEFAULT_TIME_ZONE's): the index compares numbers, not names."""
    default = ZONE_NUMBERS[DEFAULT_TIME_ZONE]
    return np.array([ZONE_NUMBERS.get(name, default) for name in names], np.int16)


class OpenNowIndex:
    """The published directory's open spans, compared with an instant.

    It reads the directory index's own arrays, copying none: each position's
    time zone, whether open 24/7, and the opening hours' spans (positions,
    starts, ends in minutes of the week). Of its own it keeps, per zone, the
    week's minutes where a span there opens or closes. Between two such
    minutes in every zone nothing opens or closes, so the mask is the same:
    `slot(moment)` names that stretch, keys the cache and keeps the last mask.
    """

    def __init__(self, zones, always, spans):
        """zones: each position's time zone, as zone_numbers() gives; always:
        a bool array, open 24/7; spans: (position, start, end) arrays from the
        opening hours."""
        self.zones, self.always, self.spans = zones, always, spans
        self.last = (None, None)  # (slot, its mask)
        self.last_slot = (None, None)  # (minute, its slot)

    @cached_property
    def changes(self):
        """{zone number: the week's minutes where a span there opens or
        closes}. Worked out at the first search, not with the index: an
        update makes the index while the old one is still held."""
        positions, starts, ends = self.spans
        span_zones = self.zones[positions]
        # A span past the week's end closes at its end less a week.
        return {
            number: np.unique(
                np.concatenate([starts[here], ends[here] % WEEK], dtype=np.int16)
            )
            for number in np.unique(span_zones).tolist()
            for here in [span_zones == number]
        }

    def slot(self, moment):
        """Which stretch of the week between openings and closings `moment`
        falls in, in every zone: bytes, the same all through the stretch.
        Kept for the minute (openings and closings are on whole minutes in
        every US zone): working it out costs a tenth of a search."""
        minute = moment.replace(second=0, microsecond=0)
        if self.last_slot[0] != minute:
            self.last_slot = (minute, self.slot_at(moment))
        return self.last_slot[1]

    def slot_at(self, moment):
        return np.array(
            [
                np.searchsorted(
                    changes, local_minute(US_TIME_ZONES[number], moment), "right"
                )
                for number, changes in self.changes.items()
            ],
            dtype=np.int32,
        ).tobytes()

    def mask(self, moment):
        """The bool mask of the positions open at `moment`."""
        slot = self.slot(moment)
        if self.last[0] == slot:
            return self.last[1]
        minutes = np.zeros(len(US_TIME_ZONES), dtype=np.int16)  # by zone number
        for number in self.changes:
            minutes[number] = local_minute(US_TIME_ZONES[number], moment)
        positions, starts, ends = self.spans
        minute = minutes[self.zones][positions]  # each span's zone's
        # A span past the week's end is open until its end less a week too
        # (every start is within the week: OpeningHours' constraint).
        open_spans = ((starts <= minute) & (ends > minute)) | (ends > minute + WEEK)
        mask = self.always.copy()
        mask[positions[open_spans]] = True
        self.last = (slot, mask)
        return mask
