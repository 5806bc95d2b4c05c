"""Opening hours as time (treatment.hours): a table of instants and what a
provider's week says at each, past midnight, 24/7, closed days, the days
clocks change and the week's wrap from Sunday to Monday."""

from datetime import UTC, datetime, time

import pytest

from treatment.hours import DAY, WEEK, WeeklyHours, merged, overlapping, week_span

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NEW_YORK = "America/New_York"


def week(*intervals, zone=NEW_YORK):
    """WeeklyHours from (weekday, "HH:MM", "HH:MM") intervals."""
    return WeeklyHours.of(
        zone,
        [
            week_span(day, time.fromisoformat(opens), time.fromisoformat(closes))
            for day, opens, closes in intervals
        ],
    )


def weekdays(opens, closes, days=(MON, TUE, WED, THU, FRI)):
    return [(day, opens, closes) for day in days]


OFFICE = week(*weekdays("08:00", "17:00"))
EVENINGS = week(*weekdays("17:30", "21:00"), (SAT, "10:00", "14:00"))
NIGHTS = week(*[(day, "22:00", "06:00") for day in range(7)])
SPLIT = week((MON, "08:00", "12:00"), (MON, "13:00", "17:00"))
ALWAYS = week(*[(day, "00:00", "00:00") for day in range(7)])
SUNDAY_NIGHT = week((SUN, "20:00", "04:00"), (MON, "00:00", "09:00"))
TWO_DAYS = week(
    (MON, "00:00", "00:00"), (TUE, "00:00", "00:00"), (THU, "09:00", "00:00")
)


def eastern(text):
    """An instant from New York wall-clock text, in November 2026 (EST)."""
    return datetime.fromisoformat(text + "-05:00")


# 2026-11-23 is a Monday.
CASES = [
    # (week, instant, open?, the line)
    (OFFICE, "2026-11-23T09:15", True, "Open now · until 5 p.m."),
    (OFFICE, "2026-11-23T07:59", False, "Closed now · opens 8 a.m."),
    (OFFICE, "2026-11-23T08:00", True, "Open now · until 5 p.m."),
    (OFFICE, "2026-11-23T17:00", False, "Closed now · opens 8 a.m. tomorrow"),
    (OFFICE, "2026-11-27T18:00", False, "Closed now · opens 8 a.m. Monday"),
    (OFFICE, "2026-11-28T12:00", False, "Closed today · opens 8 a.m. Monday"),
    (OFFICE, "2026-11-29T12:00", False, "Closed today · opens 8 a.m. tomorrow"),
    (EVENINGS, "2026-11-23T12:00", False, "Closed now · opens 5:30 p.m."),
    (EVENINGS, "2026-11-27T20:59", True, "Open now · until 9 p.m."),
    (EVENINGS, "2026-11-28T21:00", False, "Closed now · opens 5:30 p.m. Monday"),
    (NIGHTS, "2026-11-23T23:00", True, "Open now · until 6 a.m."),
    (NIGHTS, "2026-11-24T03:00", True, "Open now · until 6 a.m."),
    (NIGHTS, "2026-11-24T06:00", False, "Closed now · opens 10 p.m."),
    # The week wraps: Sunday night runs on into Monday morning.
    (NIGHTS, "2026-11-29T23:30", True, "Open now · until 6 a.m."),
    (NIGHTS, "2026-11-30T05:59", True, "Open now · until 6 a.m."),
    (SUNDAY_NIGHT, "2026-11-29T21:00", True, "Open now · until 9 a.m. tomorrow"),
    (SUNDAY_NIGHT, "2026-11-30T08:00", True, "Open now · until 9 a.m."),
    (SUNDAY_NIGHT, "2026-11-30T10:00", False, "Closed now · opens 8 p.m. Sunday"),
    (SPLIT, "2026-11-23T12:30", False, "Closed now · opens 1 p.m."),
    (SPLIT, "2026-11-23T16:00", True, "Open now · until 5 p.m."),
    (SPLIT, "2026-11-24T10:00", False, "Closed today · opens 8 a.m. Monday"),
    (ALWAYS, "2026-11-23T03:00", True, "Open 24 hours"),
    # Closing at midnight ends that day.
    (TWO_DAYS, "2026-11-23T10:00", True, "Open now · until midnight tomorrow"),
    (TWO_DAYS, "2026-11-24T10:00", True, "Open now · until midnight"),
    (TWO_DAYS, "2026-11-26T10:00", True, "Open now · until midnight"),
    (TWO_DAYS, "2026-11-22T10:00", False, "Closed today · opens midnight tomorrow"),
    (ALWAYS, "2026-11-29T23:59", True, "Open 24 hours"),
]


@pytest.mark.parametrize(("hours", "moment", "is_open", "line"), CASES)
def test_open_at_an_instant_and_the_line_that_says_so(hours, moment, is_open, line):
    moment = eastern(moment)
    assert hours.is_open(moment) is is_open
    assert hours.status(moment).is_open is is_open or hours.always
    assert hours.status(moment).line == line


def test_an_instant_is_read_in_the_providers_own_zone():
    chicago = week(*weekdays("08:00", "17:00"), zone="America/Chicago")
    # 8:30 in New York is 7:30 in Chicago.
    moment = eastern("2026-11-23T08:30")
    assert OFFICE.is_open(moment)
    assert not chicago.is_open(moment)
    assert chicago.status(moment).line == "Closed now · opens 8 a.m."
    assert chicago.is_open(moment.astimezone(UTC).replace(hour=14, minute=0))


def test_the_day_clocks_go_forward():
    # 2026-03-08, a Sunday: at 2:00 EST New York goes to 3:00 EDT.
    early = week((SUN, "01:00", "03:00"))
    assert early.is_open(datetime(2026, 3, 8, 6, 30, tzinfo=UTC))  # 1:30 EST
    assert not early.is_open(datetime(2026, 3, 8, 7, 0, tzinfo=UTC))  # 3:00 EDT
    # Open all night Saturday: still until 6 a.m. by the clock on the wall.
    status = NIGHTS.status(datetime(2026, 3, 8, 8, 0, tzinfo=UTC))  # 4:00 EDT
    assert status.is_open and status.line == "Open now · until 6 a.m."
    assert not NIGHTS.is_open(datetime(2026, 3, 8, 10, 0, tzinfo=UTC))  # 6:00 EDT


def test_the_day_clocks_go_back():
    # 2026-11-01, a Sunday: at 2:00 EDT New York goes back to 1:00 EST, so
    # 1:30 comes twice, and a provider open until 1:30 is open both times.
    late = week((SAT, "22:00", "01:30"))
    assert late.is_open(datetime(2026, 11, 1, 5, 15, tzinfo=UTC))  # 1:15 EDT
    assert late.is_open(datetime(2026, 11, 1, 6, 15, tzinfo=UTC))  # 1:15 EST
    assert not late.is_open(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # 1:30 EST
    assert ALWAYS.is_open(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))


def test_no_hours_have_no_status():
    assert week().status(eastern("2026-11-23T09:00")) is None
    assert not week().is_open(eastern("2026-11-23T09:00"))


@pytest.mark.parametrize(
    ("interval", "span"),
    [
        ((MON, "08:00", "17:00"), (8 * 60, 17 * 60)),
        ((TUE, "22:00", "02:00"), (DAY + 22 * 60, 2 * DAY + 2 * 60)),
        ((WED, "00:00", "00:00"), (2 * DAY, 3 * DAY)),
        ((SUN, "09:00", "09:00"), (6 * DAY + 9 * 60, WEEK + 9 * 60)),
        ((SAT, "08:30:45", "09:00"), (5 * DAY + 8 * 60 + 30, 5 * DAY + 9 * 60)),
    ],
)
def test_an_interval_is_a_span_of_the_week(interval, span):
    day, opens, closes = interval
    assert week_span(day, time.fromisoformat(opens), time.fromisoformat(closes)) == (
        span
    )


def test_spans_are_split_at_the_weeks_end_and_joined_where_they_meet():
    assert merged([(6 * DAY + 60, WEEK + 120)]) == ((0, 120), (6 * DAY + 60, WEEK))
    assert merged([(100, 200), (150, 300), (300, 400), (500, 600)]) == (
        (100, 400),
        (500, 600),
    )
    assert merged([(day * DAY, (day + 1) * DAY) for day in range(7)]) == ((0, WEEK),)
    assert merged([]) == ()


def test_intervals_of_a_day_that_overlap_are_found():
    def found(*intervals):
        given = [
            (day, time.fromisoformat(opens), time.fromisoformat(closes))
            for day, opens, closes in intervals
        ]
        return [given.index(interval) for interval in overlapping(given)]

    assert found((MON, "13:00", "17:00"), (MON, "08:00", "14:00")) == [0]
    assert found((MON, "08:00", "12:00"), (MON, "12:00", "17:00")) == []  # touch
    assert found((MON, "22:00", "02:00"), (MON, "01:00", "05:00")) == []
    assert found((MON, "00:00", "00:00"), (MON, "09:00", "10:00")) == [1]  # 24 h
    assert found((MON, "08:00", "17:00"), (TUE, "08:00", "17:00")) == []
