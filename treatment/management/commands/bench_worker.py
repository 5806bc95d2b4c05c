"""What one web worker holds: bench_directory runs this command in a fresh
process, on its throw-away database, and reports the peak it prints.

Apart from bench_directory, which imports the sample generator (and with it
the zipcodes package), so that only what a worker loads is counted.
"""

import json
import resource
import sys

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.test import Client, override_settings


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
        "For bench_directory: request each path of the JSON list on standard "
        "input, with the cache emptied first, then print this process's peak "
        "memory in MB."
    )

    def handle(self, **options):
        paths = json.load(sys.stdin)
        with bench_settings():
            client = Client()
            for path in paths:
                cache.clear()
                client.get(path, secure=True)
        self.stdout.write(str(peak_memory_mb()))
