"""What search keeps in the cache, and the version its keys carry.

Cached cards and pages are keyed by the directory's version, so a change is
seen at once, and by the release, so a deploy never reads what an earlier
release cached in a shared cache; the timeout only frees the memory of
outdated entries. A search's page is its totals, facet counts and page rows
(about 1 KB), so that a repeated search costs cache reads alone. A cache that fails
only costs the work again."""

import hashlib
import math
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from treatment.search.query import PER_PAGE, PastLastPage

SEARCH_CACHE_SECONDS = 60 * 60
# What a release is made of: its code, templates and pinned dependencies.
RELEASE_PARTS = ("pyproject.toml", "portal", "facts", "treatment", "templates")


def cache_version(directory_version):
    """What search's cache keys start with: the directory's version, the
    release's, the day (how current each listing is, and "confirmed in the
    last 6 months", change with it) and the page's language (cards and filter
    panels are rendered in it), or None (nothing cached) before the
    directory's first change."""
    return directory_version and (
        f"{directory_version}.{release_id()}.{timezone.localdate():%Y%m%d}."
        f"{get_language()}"
    )


@lru_cache(maxsize=1)
def release_id():
    return release_fingerprint(Path(settings.BASE_DIR))


def release_fingerprint(root):
    """A digest of every file of the release under `root`: any change to the
    code, templates or dependencies a deploy brings gives another one."""
    digest = hashlib.sha256()
    for part in RELEASE_PARTS:
        path = root / part
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def cached_page(answer, filterset, number, version):
    """(total, accepting, confirmed, open now, facet counts, [(provider id,
    miles away or None, provider or None)]) of this page of the search, from
    the cache while the directory's version holds and no provider opens or
    closes. Raises
    PastLastPage for a page number past the last page."""
    key = (
        f"directory-page:{version}:{filterset.counts_key}:"
        f"{filterset.chosen_sort}:{number}:{answer.time_slot}"
    )
    found = cache.get(key) if version else None
    if found is not None:
        return found
    last_page = max(1, math.ceil(answer.total / PER_PAGE))
    if number > last_page:
        raise PastLastPage(last_page)
    found = (
        answer.total,
        answer.accepting,
        answer.confirmed,
        answer.open_now,
        answer.counts,
        answer.page_rows(number),
    )
    if version:
        rows = [(pk, miles, None) for pk, miles, _ in found[-1]]
        cache.set(key, (*found[:-1], rows), SEARCH_CACHE_SECONDS)
    return found
