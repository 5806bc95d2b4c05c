"""What search keeps in the cache, and the version its keys carry.

Cached cards and filter panels are keyed by the directory's version, so a
change is seen at once; the timeout only frees the memory of outdated entries."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.template.loader import get_template

from treatment.models import DirectoryVersion

SEARCH_CACHE_SECONDS = 60 * 60


def cache_version():
    """What search's cache keys start with: the directory's version and the
    code's, or None (nothing cached) before the directory's first change."""
    directory_version = DirectoryVersion.current()
    return directory_version and f"{directory_version}.{code_version()}"


@lru_cache(maxsize=1)
def code_version():
    """A fingerprint of the code and templates that make what search caches.

    A shared cache outlives a deploy; with this in its keys, a release never
    reads counts, pages or cards that an earlier release made.
    """
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    for name in ("treatment/search.html", "includes/provider_status.html"):
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]
