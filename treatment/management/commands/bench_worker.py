"""What a web worker does and holds: bench_directory runs this command in a
fresh process on its throw-away database, and prints what it measures.

Apart from bench_directory, which imports the sample generator (and with it
the zipcodes package), and whose building leaves objects that its garbage
collection would go through: only what a worker loads is timed and counted.
"""

import json
import math
import resource
import statistics
import sys
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from treatment.models import Provider

WARMUP_ROUNDS = 3
FLOOR = "privacy"


def bench_settings():
    """Production-like: no debug templates or query log, and a private cache.
    No static files are requested, so WhiteNoise needs no STATIC_ROOT."""
    return override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        STATIC_ROOT=None,
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "bench_directory",
            }
        },
    )


def peak_memory_mb():
    """This process's peak resident size: VmHWM on Linux, ru_maxrss elsewhere
    (bytes on macOS, kilobytes on other systems)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


class Command(BaseCommand):
    help = (
        "For bench_directory: time the named pages, the distinct searches and a "
        "change to the directory given as JSON on standard input, and print "
        "the timings and this process's peak memory as JSON."
    )

    def handle(self, **options):
        task = json.load(sys.stdin)
        with bench_settings():
            cache.clear()
            report = {
                "cases": time_cases(task["cases"], task["requests"]),
                **time_distinct(task["distinct"]),
                "searchable_again_ms": time_change_to_search(
                    Provider.objects.get(pk=task["changed_provider"])
                ),
                "worker_peak_memory_mb": peak_memory_mb(),
            }
        self.stdout.write(json.dumps(report))


def time_cases(paths, requests):
    """Per case: median and p95 ms with a warm cache, the ratio of the median
    to the floor's, the median with an empty cache, queries and status."""
    client = Client()
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
    """ms from a staff edit to the first search that shows it, done: the
    worker's index, built by the searches before, brought up to date."""
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


def count_queries(client, path):
    """(SQL queries, status code) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, secure=True)
    return len(queries), response.status_code


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    return sorted_values[max(math.ceil(fraction * len(sorted_values)) - 1, 0)]
