"""The "open now" filter: the providers open at an instant, by their weekly
opening hours (treatment.models.OpeningHours) in each one's own time zone.

Two ways, held equal by the search property test: a Q for the plain SQL path,
and OpenNowIndex, the directory index's arrays of the week's open spans,
compared with the instant as a mask. Both read each zone's local minute of
the week at the instant; a span (start, end) of minutes of the week is open
at minute m when start <= m < end, or, for one running past the week's end
(Sunday night into Monday), start <= m + WEEK < end.
"""

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
    """The published directory's open spans, by time zone, as arrays.

    Per zone: the spans' positions, starts and ends (minutes of the week,
    those past the week's end split at it; 24/7 providers one span of the
    whole week), and the week's minutes where any of them opens or closes.
    Between two such minutes in every zone nothing opens or closes, so the
    mask is the same: `slot(moment)` names that stretch, keys the cache and
    keeps the last mask.
    """

    def __init__(self, zones, always, spans):
        """zones: each position's time zone, as zone_numbers() gives; always:
        a bool array, open 24/7; spans: (position, start, end) arrays from the
        opening hours."""
        positions, starts, ends = spans
        late = ends > WEEK  # past the week's end: its tail starts the week
        span_zones = zones[positions]
        always = np.flatnonzero(always)
        always_zones = zones[always]
        self.size = len(zones)
        self.zones = {}
        # Zone by zone, so that only one zone's spans are copied at a time.
        for number in np.union1d(span_zones, always_zones).tolist():
            here = span_zones == number
            tail = here & late
            whole_week = always[always_zones == number]
            zone_starts = np.concatenate(
                [starts[here], np.zeros(tail.sum() + len(whole_week), dtype=np.int16)],
                dtype=np.int16,
            )
            zone_ends = np.concatenate(
                [
                    np.minimum(ends[here], WEEK),
                    ends[tail] - WEEK,
                    np.full(len(whole_week), WEEK),
                ],
                dtype=np.int16,
            )
            self.zones[US_TIME_ZONES[number]] = (
                np.concatenate(
                    [positions[here], positions[tail], whole_week], dtype=np.int32
                ),
                zone_starts,
                zone_ends,
                np.unique(np.concatenate([zone_starts, zone_ends])),
            )
        self.last = (None, None)

    def slot(self, moment):
        """Which stretch of the week between openings and closings `moment`
        falls in, in every zone: bytes, the same all through the stretch."""
        return np.array(
            [
                np.searchsorted(changes, local_minute(zone, moment), side="right")
                for zone, (*_, changes) in self.zones.items()
            ],
            dtype=np.int32,
        ).tobytes()

    def mask(self, moment):
        """The bool mask of the positions open at `moment`."""
        slot = self.slot(moment)
        if self.last[0] == slot:
            return self.last[1]
        mask = np.zeros(self.size, dtype=bool)
        for zone, (positions, starts, ends, _) in self.zones.items():
            minute = local_minute(zone, moment)
            mask[positions[(starts <= minute) & (ends > minute)]] = True
        self.last = (slot, mask)
        return mask
