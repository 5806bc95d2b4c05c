"""`manage.py bench_directory` at a tiny size, so the benchmark cannot rot."""

import io
import json
import os

import pytest
from django.core.management import call_command
from django.db import connection

from treatment.models import Provider

pytestmark = pytest.mark.django_db

PAGES = {
    "home",
    "zip_25mi",
    "zip_50mi_filters",
    "any_distance_filters",
    "text",
    "zip_25mi_page_5",
    "provider",
    "privacy",
}


def test_bench_reports_every_page_and_leaves_the_configured_database_alone(
    make_provider,
):
    make_provider(name="Our Own Listing")
    # On a PostgreSQL run, the bench makes its own database on the same server.
    server = os.environ.get("DATABASE_URL", "") if connection.vendor != "sqlite" else ""
    out = io.StringIO()

    call_command(
        "bench_directory", providers=50, requests=2, database_url=server, stdout=out
    )

    report = json.loads(out.getvalue().splitlines()[-1])
    assert report["providers"] == 50
    assert report["database"] == connection.vendor
    assert set(report["cases"]) == PAGES
    for result in report["cases"].values():
        assert 0 < result["median_ms"] <= result["p95_ms"]
        assert result["queries"] <= 6
    assert report["cases"]["privacy"]["x_floor"] == 1.0
    assert report["cases"]["zip_25mi"]["status"] == 200
    assert report["distinct_searches"] == 300
    assert 0 < report["distinct_median_ms"] <= report["distinct_p95_ms"]
    assert report["distinct_queries"] <= 6
    assert report["searchable_again_ms"] > 0
    assert report["peak_memory_mb"] > 0
    assert 0 < report["worker_peak_memory_mb"] < 1000
    assert "median ms" in out.getvalue()
    assert "300 different searches" in out.getvalue()
    assert f"{report['worker_peak_memory_mb']} MB (a fresh worker" in out.getvalue()
    assert list(Provider.objects.values_list("name", flat=True)) == ["Our Own Listing"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_database WHERE datname = %s",
                [f"bench_{os.getpid()}"],
            )
            assert cursor.fetchone() == (0,)
