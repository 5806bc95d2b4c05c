"""Opening hours as time: is a provider open at an instant, until when, and
when it next opens. No database here: the models, search and pages give it
weekly spans and a time zone.

A week is counted in minutes from Monday 00:00 local time (0) to the next
Monday 00:00 (WEEK). An interval of one weekday, `opens` to `closes`, is the
span (start, end) of that week; when `closes` is not after `opens` it ends the
next day (22:00 to 02:00), and `closes` equal to `opens` means 24 hours (00:00
to 00:00 is the whole day). A span may end past WEEK (Sunday night into
Monday); the week wraps. Open 24 hours, 7 days a week is the span (0, WEEK).

Everything is wall-clock time in the provider's own zone: at an instant, the
local weekday and time say whether it is open, so on the days clocks change a
provider open 01:00 to 03:00 is open for one hour (spring) or three (autumn).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from django.utils.dateformat import time_format
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@cache
def zone_info(name):
    """The ZoneInfo of a time zone's name, kept: ZoneInfo keeps only the 8
    last used, and the directory's providers are in more zones, so each
    search would read zone files again."""
    return ZoneInfo(name)


DAY = 24 * 60
WEEK = 7 * DAY
ALWAYS = ((0, WEEK),)
# Closing at or before this the morning after is "until 2 a.m.", not "tomorrow".
SMALL_HOURS_END = time(6)


def week_span(weekday, opens, closes):
    """(start, end) minutes of the week of `weekday` (Monday 0) from `opens`
    to `closes` (datetime.time; seconds are ignored)."""
    start = weekday * DAY + opens.hour * 60 + opens.minute
    length = (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) % DAY
    return start, start + (length or DAY)


def overlapping(intervals):
    """Those of the (weekday, opens, closes) intervals that start before an
    earlier one of the same weekday has ended."""
    found, ends = [], {}
    for interval in sorted(intervals, key=lambda interval: week_span(*interval)):
        start, end = week_span(*interval)
        weekday = interval[0]
        if start < ends.get(weekday, start):
            found.append(interval)
        ends[weekday] = max(end, ends.get(weekday, end))
    return found


def merged(spans):
    """The spans as sorted, non-overlapping spans within [0, WEEK]: those past
    the week's end split at it, overlapping and touching ones joined."""
    pieces = []
    for start, end in spans:
        start, end = start % WEEK, start % WEEK + (end - start)
        if end - start >= WEEK:
            return ALWAYS
        pieces.append((start, min(end, WEEK)))
        if end > WEEK:
            pieces.append((0, end - WEEK))
    joined = []
    for start, end in sorted(pieces):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return tuple(joined)


def minute_of_week(moment):
    """The minute of the week of a local datetime."""
    return moment.weekday() * DAY + moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class WeeklyHours:
    """A provider's week: merged spans (see merged()) in its time zone."""

    zone: str
    spans: tuple

    @classmethod
    def of(cls, zone, spans):
        return cls(zone, merged(spans))

    @property
    def always(self):
        return self.spans == ALWAYS

    def local(self, moment):
        return moment.astimezone(zone_info(self.zone))

    def is_open(self, moment):
        minute = minute_of_week(self.local(moment))
        return any(start <= minute < end for start, end in self.spans)

    def status(self, moment):
        """The HoursStatus at an aware datetime, or None without hours."""
        if not self.spans:
            return None
        if self.always:
            return HoursStatus(always=True)
        now = self.local(moment)
        minute = minute_of_week(now)
        for start, end in self.spans:
            if start <= minute < end:
                if end == WEEK and self.spans[0][0] == 0:
                    end += self.spans[0][1]  # on into Monday's first span
                return HoursStatus(
                    is_open=True, until=self.wall(now, end), today=now.date()
                )
        later = [start for start, _ in self.spans if start > minute]
        today = minute - minute % DAY
        return HoursStatus(
            opens=self.wall(now, later[0] if later else self.spans[0][0] + WEEK),
            closed_today=not any(
                start < today + DAY and end > today for start, end in self.spans
            ),
            today=now.date(),
        )

    def wall(self, now, target):
        """The local wall-clock datetime (naive) of minute `target` of the
        week of `now` (past WEEK: of the next week)."""
        monday = datetime.combine(now.date(), time.min) - timedelta(days=now.weekday())
        return monday + timedelta(minutes=target)


@dataclass(frozen=True)
class HoursStatus:
    """Whether a provider is open at a moment, as its page and card say it.

    `until` and `opens` are naive local wall-clock datetimes."""

    always: bool = False
    is_open: bool = False
    until: datetime | None = None
    opens: datetime | None = None
    closed_today: bool = False
    today: object = None  # the local date of the moment

    @property
    def parts(self):
        """The line's parts, e.g. ["Open now", "until 5 p.m."]."""
        if self.always:
            return [_("Open 24 hours")]
        if self.is_open:
            return [_("Open now"), self.when(self.until, until=True)]
        closed = _("Closed today") if self.closed_today else _("Closed now")
        return [closed, self.when(self.opens, until=False)]

    def when(self, moment, until):
        """ "until 5 p.m.", "until 2 a.m." (in the small hours after today),
        "opens 8 a.m. tomorrow", "opens 8 a.m. Monday"."""
        # Closing at midnight ends the day before: "until midnight Tuesday".
        clock = moment.time()
        day = moment - timedelta(minutes=1) if until and clock == time(0) else moment
        days = (day.date() - self.today).days
        if until and days == 1 and time(0) < clock <= SMALL_HOURS_END:
            days = 0
        values = {"time": clock_text(clock)}
        if days == 0:
            text = _("until %(time)s") if until else _("opens %(time)s")
        elif days == 1:
            text = (
                _("until %(time)s tomorrow") if until else _("opens %(time)s tomorrow")
            )
        else:
            values["day"] = WEEKDAYS[day.weekday()]
            text = _("until %(time)s %(day)s") if until else _("opens %(time)s %(day)s")
        return text % values

    @property
    def line(self):
        return " · ".join(str(part) for part in self.parts)


def clock_text(clock):
    """A time of day as the page's language writes it ("5 p.m.")."""
    return remembered_clock_text(clock, get_language())


@lru_cache(maxsize=4096)
def remembered_clock_text(clock, language):
    """Kept, keyed by the language it is in: a page of cards shows 20 times,
    and formatting one costs as much as the rest of the line."""
    return time_format(clock, "P")


def day_table(intervals, today=None):
    """The week as a page shows it: [(weekday name, [times], is today)] from
    (weekday, opens, closes) intervals, Monday first; a day without any says
    "Closed", one of 24 hours "Open 24 hours"."""
    times = {day: [] for day in WEEKDAYS}
    for weekday, opens, closes in sorted(intervals):
        if (opens.hour, opens.minute) == (closes.hour, closes.minute):
            times[weekday].append(_("Open 24 hours"))
        else:
            times[weekday].append(f"{clock_text(opens)} – {clock_text(closes)}")
    return [
        (WEEKDAYS[day], spans or [_("Closed")], day == today)
        for day, spans in times.items()
    ]


def week_lines(intervals):
    """The week as lines of text, "Monday: 8 a.m. – 5 p.m.", Monday first
    (see day_table)."""
    return [f"{day}: {', '.join(times)}" for day, times, _today in day_table(intervals)]
