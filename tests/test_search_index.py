"""The directory index answers every search exactly as the plain SQL path does.

Hypothesis builds small random directories (names that tie, providers in the
same ZIP, some without a map point, some unpublished, confirmed and checked
either side of "the last 6 months", weekly opening hours in several time
zones, past midnight and 24/7) and random searches at a random instant, then
holds IndexSearch to SqlSearch: totals, the "confirmed" and "open now"
counts, every facet count, every page in order with its distances, and the
"what if" totals the page offers when few results are found; and the index's
"open now" to each provider's own hours (treatment.hours), which the cards'
lines read. Runs on whichever database the suite runs on.
"""

import math
from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatment.models import (
    DirectoryVersion,
    OpeningHours,
    Provider,
    Service,
    recently_confirmed_since,
)
from treatment.search.index import COLUMNS, build_index, updated_index
from treatment.search.index_search import IndexSearch
from treatment.search.open_now import OpenNowIndex, zone_numbers
from treatment.search.params import directory_filter, filter_groups
from treatment.search.query import PER_PAGE
from treatment.search.sql_search import SqlSearch

pytestmark = pytest.mark.django_db

# ZIPs from under a mile to 360 miles from Baltimore; "99999" has no map point.
ZIPS = ["21201", "21202", "21204", "21401", "20001", "19103", "10001", "02108"]
NAMES = ["Harbor", "harbor", "Harbor Clinic", "Ålesund Care", "Beacon", "Zeta"]
WORDS = ["evening", "recovery", "groups", "clinic"]
SERVICES = {  # a few services from each of four groups, telehealth on its own
    "care": ["outpatient", "residential"],
    "medications": ["methadone", "buprenorphine", "naltrexone"],
    "payment": ["medicaid", "private-insurance", "self-pay"],
    "telehealth": ["telehealth"],
}
ALL_SERVICES = [slug for slugs in SERVICES.values() for slug in slugs]
# Days either side of "confirmed in the last 6 months", its first day included.
TODAY = timezone.localdate()
SINCE = recently_confirmed_since(TODAY)
DAYS = st.one_of(
    st.none(),
    st.sampled_from([TODAY, SINCE, SINCE - timedelta(days=1), TODAY - timedelta(400)]),
)
# "" is derived from the state (Maryland: New York's zone).
ZONES = ["", "America/Chicago", "America/Denver", "America/Phoenix", "Pacific/Honolulu"]
TIMES = [time(0), time(6), time(8, 30), time(12), time(17), time(22), time(23, 59)]
# Any instant of 2026, the days clocks change among them.
INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 1, 1),
    timezones=st.just(UTC),
)

providers = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(NAMES),
            "zip_code": st.sampled_from([*ZIPS, "99999"]),
            "description": st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
            "accepting_status": st.sampled_from(Provider.Status.values),
            "verified_on": DAYS,
            "confirmed_on": DAYS,
            "is_published": st.sampled_from([True, True, True, False]),
            "services": st.sets(st.sampled_from(ALL_SERVICES), min_size=3),
            "time_zone": st.sampled_from(ZONES),
            "open_24_7": st.sampled_from([False, False, False, True]),
            "hours": st.lists(
                st.tuples(
                    st.integers(0, 6), st.sampled_from(TIMES), st.sampled_from(TIMES)
                ),
                max_size=4,
            ),
        }
    ),
    min_size=1,
    max_size=30,
)


@st.composite
def searches(draw):
    params = QueryDict(mutable=True)
    if draw(st.booleans()):
        params["near"] = draw(st.sampled_from(["21201", "21201", "20001", "02108"]))
    params["radius"] = draw(st.sampled_from(["5", "10", "25", "50", "100", "any"]))
    for key in draw(st.lists(st.sampled_from(list(SERVICES)), max_size=2)):
        slugs = st.sampled_from(SERVICES[key])
        params.setlist(key, draw(st.lists(slugs, min_size=1, max_size=2)))
    if draw(st.integers(0, 3)) == 0:
        params["accepting"] = "true"
    if draw(st.integers(0, 3)) == 0:
        params["confirmed"] = "recent"
    if draw(st.integers(0, 3)) == 0:
        params["q"] = draw(st.sampled_from(WORDS))
    if draw(st.integers(0, 2)) == 0:
        params["open_now"] = "1"
    params["sort"] = draw(st.sampled_from(["distance", "name", "verified"]))
    return params


def create(directory, first=0):
    ids = dict(Service.objects.values_list("slug", "pk"))
    for number, fields in enumerate(directory, start=first):
        provider = Provider(
            slug=f"p-{number}",
            city="Somewhere",
            state="MD",
            **{
                key: value
                for key, value in fields.items()
                if key not in ("services", "hours")
            },
        )
        provider.use_zip_centre()
        provider.save()
        provider.services.set([ids[slug] for slug in fields["services"]])
        OpeningHours.objects.bulk_create(
            OpeningHours(provider=provider, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in fields["hours"]
        )


def rows(answer, number):
    """The page's ids and distances (to a billionth of a mile: SQL's and
    numpy's floating point may differ in the last digits)."""
    return [
        (pk, None if distance is None else round(distance, 9))
        for pk, distance, _ in answer.page_rows(number)
    ]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(directory=providers, params=searches(), now=INSTANTS)
def test_the_index_answers_as_sql_does(directory, params, now):
    with transaction.atomic():
        create(directory)
        filterset = directory_filter(filter_groups())(params, now=now)
        sql = SqlSearch(filterset)
        index = IndexSearch(build_index("test"), filterset)

        published = Provider.objects.published().prefetch_related("opening_hours")
        open_by_hours = {p.pk for p in published if p.weekly_hours().is_open(now)}
        assert set(index.index.pks[index.open_mask].tolist()) == open_by_hours
        assert index.total == sql.total
        assert index.accepting == sql.accepting
        assert index.confirmed == sql.confirmed
        assert index.open_now == sql.open_now
        assert index.counts == sql.counts
        for number in range(1, max(1, math.ceil(sql.total / PER_PAGE)) + 1):
            assert rows(index, number) == rows(sql, number)
        assert index.wider_totals() == sql.wider_totals()
        assert index.totals_without() == sql.totals_without()
        transaction.set_rollback(True)


# A staff edit, a provider's confirmation, an import of one provider: what
# the change log names, so that each process's index re-reads just those.
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(
            ["name", "publish", "place", "status", "days", "services", "hours"]
            + ["delete", "add"]
        ),
        st.integers(0, 29),
        providers.map(lambda directory: directory[0]),
    ),
    min_size=1,
    max_size=6,
)


def change(kind, which, fields):
    """Apply one change to the `which`-th provider (by id, wrapping round),
    taking new values from `fields`, as admin and the importers write."""
    providers = list(Provider.objects.order_by("pk"))
    provider = providers[which % len(providers)] if providers else None
    if kind == "add" or provider is None:
        create([fields], first=max([p.pk for p in providers], default=0) + 1000)
    elif kind == "delete":
        provider.delete()
    elif kind == "services":
        ids = dict(Service.objects.values_list("slug", "pk"))
        provider.services.set([ids[slug] for slug in fields["services"]])
    elif kind == "hours":
        provider.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(provider=provider, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in fields["hours"]
        )
    else:
        edited = {
            "name": ["name"],
            "publish": ["is_published"],
            "place": ["zip_code", "time_zone", "open_24_7"],
            "status": ["accepting_status"],
            "days": ["verified_on", "confirmed_on"],
        }[kind]
        for name in edited:
            setattr(provider, name, fields[name])
        if kind == "publish":
            provider.is_published = not provider.is_published
        if kind == "place":
            provider.use_zip_centre()
        provider.save()


def contents(index, now):
    """Everything an index holds, comparable between two indexes."""
    masks = {
        pk: index.mask(index.services[row]) for pk, row in index.service_rows.items()
    }
    positions, starts, ends = index.hours
    return {
        "columns": {
            name: [str(value) for value in index.columns[name]] for name in COLUMNS
        },
        "verified_rank": index.verified_rank.tolist(),
        "services": {
            pk: index.pks[mask].tolist() for pk, mask in masks.items() if mask.any()
        },
        "hours": sorted(
            zip(
                index.pks[positions].tolist(),
                starts.tolist(),
                ends.tolist(),
                strict=True,
            )
        ),
        "open_now": index.pks[index.open_now.mask(now)].tolist(),
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(directory=providers, changes=CHANGES, now=INSTANTS)
def test_an_index_brought_up_to_date_by_the_change_log_is_one_built_anew(
    directory, changes, now, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            create(directory)
        before = build_index(DirectoryVersion.current())
        for kind, which, fields in changes:
            with django_capture_on_commit_callbacks(execute=True):
                change(kind, which, fields)
        version = DirectoryVersion.current()
        if version == before.version:  # the edits wrote nothing (the same services)
            updated = before
        else:
            updated = updated_index(before, version)
            assert updated is not None, "a few providers changed: no build anew"
        assert contents(updated, now) == contents(build_index(version), now)
        transaction.set_rollback(True)


def test_a_change_to_anything_or_an_unknown_version_builds_the_index_anew(
    make_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        provider = make_provider(services=["methadone"])
    before = build_index(DirectoryVersion.current())
    with django_capture_on_commit_callbacks(execute=True):
        Service.objects.filter(slug="methadone").update(name="Methadone (OTP)")
    assert updated_index(before, DirectoryVersion.current()) is None
    stranger = build_index("a version the log never gave")
    with django_capture_on_commit_callbacks(execute=True):
        provider.save()
    assert updated_index(stranger, DirectoryVersion.current()) is None
    with django_capture_on_commit_callbacks(execute=True):
        Provider.objects.filter(pk=provider.pk).update(name="Renamed")
    assert updated_index(before, DirectoryVersion.current()) is None


def test_open_now_changes_at_the_minute_a_provider_opens_and_holds_within_a_minute():
    # One provider in New York, open Mondays 8 a.m. to 5 p.m.; the slot is
    # kept for a minute, so each second of a minute must share it.
    hours = (np.array([0]), np.array([8 * 60]), np.array([17 * 60]))
    index = OpenNowIndex(zone_numbers(["America/New_York"]), np.array([False]), hours)
    before = datetime(2026, 11, 23, 12, 59, 0, tzinfo=UTC)  # 7:59 a.m. there
    opening = datetime(2026, 11, 23, 13, 0, 0, tzinfo=UTC)
    slot = index.slot(before)
    assert index.slot(before.replace(second=59, microsecond=999999)) == slot
    assert not index.mask(before.replace(second=30))[0]
    assert index.slot(opening) != slot
    assert index.mask(opening)[0]
    assert index.slot(opening.replace(second=1)) == index.slot(opening)
    assert index.slot(before) == slot and not index.mask(before)[0]


def test_a_box_holds_the_positions_within_its_bounds_in_order(make_provider):
    for zip_code in ("21201", "21204", "21401", "20001", "37203", "21202", "99999"):
        make_provider(zip_code=zip_code)  # 99999 has no map point
    index = build_index("a version")
    box = (39.0, 39.5, -77.0, -76.4)
    inside = (
        (index.latitude >= box[0])
        & (index.latitude <= box[1])
        & (index.longitude >= box[2])
        & (index.longitude <= box[3])
    )
    assert 0 < inside.sum() < index.size
    assert index.in_box(*box).tolist() == np.flatnonzero(inside).tolist()
    assert index.in_box(0.0, 1.0, 0.0, 1.0).tolist() == []
