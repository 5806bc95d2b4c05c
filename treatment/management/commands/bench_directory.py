"""Time the directory's pages at a given size, in a throw-away database.

The configured database and cache are never touched: the command creates a
database of its own (on the PostgreSQL server named by --database-url, or in a
temporary SQLite file), fills it with sample providers, times requests through
the whole middleware stack with Django's test client, measures a fresh worker
process's memory, then drops it.
"""

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from treatment.management.commands.bench_worker import bench_settings, peak_memory_mb
from treatment.models import Provider
from treatment.sample_directory import METRO_ZIPS, generate_sample_directory
from treatment.search.params import RADIUS_CHOICES, SORT_CHOICES, filter_groups

WARMUP_ROUNDS = 3
FLOOR = "privacy"
DISTINCT_SEARCHES = 300


def cases(provider_path):
    """{case: path}; the privacy page, which reads nothing, is the floor."""
    search = "/treatment/?near=21201"
    return {
        "home": "/",
        "zip_25mi": search,
        "zip_50mi_filters": f"{search}&radius=50&medications=buprenorphine"
        "&payment=medicaid&sort=distance",
        "any_distance_filters": f"{search}&radius=any&medications=methadone"
        "&payment=medicaid&languages=spanish",
        "text": "/treatment/?q=recovery",
        "zip_25mi_page_5": f"{search}&page=5",
        "provider": provider_path,
        FLOOR: "/privacy/",
    }


@contextmanager
def throwaway_database(database_url):
    """Point the default connection at a new, migrated database; drop it after.
    Gives the database's URL, for other processes."""
    name = f"bench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as folder:
        if database_url:
            config = dj_database_url.parse(database_url)
            if config["ENGINE"] != "django.db.backends.postgresql":
                raise CommandError("--database-url must be a PostgreSQL server URL.")
            server = urlsplit(database_url)
            bench_url = urlunsplit(server._replace(path=f"/{name}"))
        else:
            name = os.path.join(folder, f"{name}.sqlite3")
            config = {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
            bench_url = f"sqlite:///{name}"
        config["TEST"] = {"NAME": name}
        saved_config, saved_connection = (
            settings.DATABASES["default"],
            connections["default"],
        )
        # The handler's settings and settings.DATABASES (where create_test_db
        # writes the database's name) must both describe the bench database.
        connections.settings["default"] = settings.DATABASES["default"] = (
            connections.configure_settings({"default": config})["default"]
        )
        bench = connections["default"] = connections.create_connection("default")
        ContentType.objects.clear_cache()
        try:
            bench.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                yield bench_url
            finally:
                bench.creation.destroy_test_db(verbosity=0)
        finally:
            bench.close()
            connections.settings["default"] = settings.DATABASES["default"] = (
                saved_config
            )
            connections["default"] = saved_connection
            ContentType.objects.clear_cache()


def distinct_searches(count, seed):
    """`count` different search paths, the same for the same seed: a metro
    ZIP, a distance, zero to three filter groups with one or two choices
    each, sometimes "accepting", a sort, page 1 or 2."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible draw, not secrets)
    groups = filter_groups()
    paths = {}
    while len(paths) < count:
        params = [
            ("near", rng.choice(METRO_ZIPS)),
            ("radius", rng.choice(RADIUS_CHOICES)[0]),
        ]
        for group in rng.sample(groups, rng.randint(0, 3)):
            size = min(rng.randint(1, 2), len(group.services))
            params += [(group.key, s.slug) for s in rng.sample(group.services, size)]
        if rng.random() < 0.25:
            params.append(("accepting", "true"))
        params.append(("sort", rng.choice(SORT_CHOICES)[0]))
        params.append(("page", rng.choice(["1", "2"])))
        paths.setdefault(f"/treatment/?{urlencode(params)}", None)
    return list(paths)


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    return sorted_values[max(math.ceil(fraction * len(sorted_values)) - 1, 0)]


class Command(BaseCommand):
    help = (
        "Benchmark the home, search, provider and privacy pages with N sample "
        "providers, in a database of its own that is dropped afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--requests", type=int, default=50, help="Timed requests per page."
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="A PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432, "
            "where a bench_<pid> database is created and dropped. Without it, "
            "SQLite in a temporary file.",
        )

    def handle(self, *, providers, seed, requests, database_url, **options):
        if providers < 1 or requests < 1:
            raise CommandError("--providers and --requests must be at least 1.")
        with bench_settings(), throwaway_database(database_url) as bench_url:
            started = time.perf_counter()
            generate_sample_directory(providers, seed)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")  # as autovacuum would
            build_seconds = time.perf_counter() - started
            provider = Provider.objects.order_by("pk")[providers // 2]
            named = cases(provider.get_absolute_url())
            distinct = distinct_searches(DISTINCT_SEARCHES, seed)
            report = {
                "providers": providers,
                "seed": seed,
                "database": connection.vendor,
                "requests": requests,
                "build_seconds": round(build_seconds, 1),
                "cases": self.time_cases(named, requests),
                **time_distinct(distinct),
                "searchable_again_ms": time_change_to_search(provider),
                # This process's, the sample directory's building included.
                "peak_memory_mb": peak_memory_mb(),
                "worker_peak_memory_mb": worker_peak_memory_mb(
                    bench_url, [*named.values(), *distinct]
                ),
            }
        self.print_table(report)
        self.stdout.write(json.dumps(report))

    def time_cases(self, paths, requests):
        """Per case: median and p95 ms with a warm cache, the ratio of the median
        to the floor's, the median with an empty cache, queries and status."""
        client = Client()
        cache.clear()  # nothing left over from the build
        run_rounds(client, paths, WARMUP_ROUNDS)
        warm = run_rounds(client, paths, requests)
        cold = run_rounds(client, paths, requests, clear_cache=True)
        results = {}
        for name, path in paths.items():
            cache.clear()
            cold_queries, status = count_queries(client, path)
            warm_queries, _ = count_queries(client, path)
            results[name] = {
                "path": path,
                "median_ms": round(statistics.median(warm[name]), 2),
                "p95_ms": round(percentile(sorted(warm[name]), 0.95), 2),
                "queries": warm_queries,
                "cold_median_ms": round(statistics.median(cold[name]), 2),
                "cold_queries": cold_queries,
                "status": status,
            }
        floor = results[FLOOR]["median_ms"]
        for result in results.values():
            result["x_floor"] = round(result["median_ms"] / floor, 1)
        return results

    def print_table(self, report):
        self.stdout.write(
            f"{report['providers']:,} providers on {report['database']}, "
            f"{report['requests']} requests per page, "
            f"built in {report['build_seconds']} s; cold = cache cleared first"
        )
        self.stdout.write(
            f"{'page':<22}{'median ms':>10}{'p95 ms':>9}{'x floor':>9}"
            f"{'queries':>9}{'cold median':>13}{'cold queries':>14}{'status':>8}"
        )
        for name, r in report["cases"].items():
            self.stdout.write(
                f"{name:<22}{r['median_ms']:>10.1f}{r['p95_ms']:>9.1f}"
                f"{r['x_floor']:>9.1f}{r['queries']:>9}{r['cold_median_ms']:>13.1f}"
                f"{r['cold_queries']:>14}{r['status']:>8}"
            )
        self.stdout.write(
            f"distinct: {report['distinct_searches']} different searches, each "
            f"once with the cache empty: median {report['distinct_median_ms']:.1f} "
            f"ms (CPU {report['distinct_cpu_median_ms']:.1f} ms), p95 "
            f"{report['distinct_p95_ms']:.1f} ms, "
            f"{report['distinct_queries']} queries per search (most)"
        )
        self.stdout.write(
            f"searchable again {report['searchable_again_ms']:.0f} ms after a "
            f"change; peak memory {report['peak_memory_mb']} MB (this process, "
            f"the build included), {report['worker_peak_memory_mb']} MB (a fresh "
            "worker answering every page and distinct search)"
        )


def run_rounds(client, paths, rounds, clear_cache=False):
    """{case: [ms]}; cases take turns, so a busy moment weighs on all alike."""
    timings = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            if clear_cache:
                cache.clear()
            started = time.perf_counter()
            client.get(path, secure=True)
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def time_distinct(paths):
    """Each search once, with the cache emptied first, as after a change to
    the directory: median and p95 ms, and the most queries one ran."""
    client = Client()
    timings, cpu, queries = [], [], []
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(path, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        queries.append(len(captured))
    timings.sort()
    return {
        "distinct_searches": len(paths),
        "distinct_median_ms": round(statistics.median(timings), 2),
        "distinct_p95_ms": round(percentile(timings, 0.95), 2),
        # This process's CPU time, which other work on the machine does not
        # inflate as it does the clock (SQLite's work counts, PostgreSQL's not).
        "distinct_cpu_median_ms": round(statistics.median(cpu), 2),
        "distinct_queries": max(queries),
    }


def time_change_to_search(provider):
    """ms from a staff edit to the first search that shows it, done."""
    client = Client()
    # Sample providers sit on their ZIP's centre: nearest first from there,
    # the renamed one comes first among those at no distance.
    provider.name = "AAA Bench Renamed Provider"
    provider.save()  # in autocommit: the directory's new version is committed
    started = time.perf_counter()
    response = client.get(f"/treatment/?near={provider.zip_code}", secure=True)
    elapsed = (time.perf_counter() - started) * 1000
    if b"AAA Bench Renamed Provider" not in response.content:
        raise CommandError("A search after a change did not show the change.")
    return round(elapsed, 1)


def worker_peak_memory_mb(database_url, paths):
    """The peak memory of a fresh process (manage.py bench_worker) answering
    `paths` from the bench database, as a web worker would."""
    worker = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_worker"],
        input=json.dumps(paths),
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if worker.returncode:
        raise CommandError(f"The worker process failed:\n{worker.stderr}")
    return int(worker.stdout)


def count_queries(client, path):
    """(SQL queries, status code) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, secure=True)
    return len(queries), response.status_code
