"""Time the directory's pages at a given size, in a throw-away database.

The configured database and cache are never touched: the command creates a
database of its own (on the PostgreSQL server named by --database-url, or in a
temporary SQLite file), fills it with sample providers, then has a fresh
process (manage.py bench_worker), as a web worker, time requests through the
whole middleware stack with Django's test client and measure its memory, then
drops it.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from treatment.management.commands.bench_worker import (
    FLOOR,
    bench_settings,
    peak_memory_mb,
)
from treatment.models import Provider
from treatment.sample_directory import METRO_ZIPS, generate_sample_directory
from treatment.search.params import RADIUS_CHOICES, SORT_CHOICES, filter_groups

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
            task = {
                "cases": cases(provider.get_absolute_url()),
                "requests": requests,
                "distinct": distinct_searches(DISTINCT_SEARCHES, seed),
                "changed_provider": provider.pk,
            }
            report = {
                "providers": providers,
                "seed": seed,
                "database": connection.vendor,
                "requests": requests,
                "build_seconds": round(build_seconds, 1),
                **timed_by_a_worker(bench_url, task),
                # This process's, the sample directory's building included.
                "peak_memory_mb": peak_memory_mb(),
            }
        self.print_table(report)
        self.stdout.write(json.dumps(report))

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


def timed_by_a_worker(database_url, task):
    """What a fresh process (manage.py bench_worker) measures of `task` on the
    bench database: a web worker's, without the memory and objects that
    building the sample directory leaves in this one."""
    worker = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_worker"],
        input=json.dumps(task),
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if worker.returncode:
        raise CommandError(f"The worker process failed:\n{worker.stderr}")
    return json.loads(worker.stdout)
