"""What search keeps in the cache, and the version its keys carry.

Cached counts, pages and cards are keyed by the directory's version, so a
change is seen at once; the timeout only frees the memory of outdated entries."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.template.loader import get_template

from treatment.models import DirectoryVersion
from treatment.search.facets import facet_counts, relaxed_totals
from treatment.search.query import page_rows

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


def cached_facet_counts(filterset, version):
    """facet_counts(), from the cache until the directory next changes."""
    return cached_for_search("counts", facet_counts, filterset, version)


def cached_relaxed_totals(filterset, version):
    """relaxed_totals(), from the cache until the directory next changes."""
    return cached_for_search("relaxed", relaxed_totals, filterset, version)


def cached_for_search(kind, count, filterset, version):
    """count(filterset), kept under the search's choices (all but the sort)."""
    if version is None:
        return count(filterset)
    return cache.get_or_set(
        f"directory-{kind}:{version}:{filterset.counts_key}",
        lambda: count(filterset),
        SEARCH_CACHE_SECONDS,
    )


def cached_page_rows(filterset, summary, number, version):
    """[(provider id, distance or None, provider or None)] of this page, nearest
    first or in the sort chosen; kept in the cache, as the counts are, until the
    directory changes. The providers come along only when the page was read."""
    if version is None:
        return page_rows(filterset, summary, number)
    key = (
        f"directory-page:{version}:{filterset.counts_key}:"
        f"{filterset.chosen_sort}:{number}"
    )
    rows = cache.get(key)
    if rows is None:
        rows = page_rows(filterset, summary, number)
        cache.set(
            key,
            [(pk, distance, None) for pk, distance, _ in rows],
            SEARCH_CACHE_SECONDS,
        )
    return rows
