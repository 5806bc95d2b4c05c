"""What search keeps in the cache, and the version its keys carry.

Cached cards and filter panels are keyed by the directory's version, so a
change is seen at once, and by the release, so a deploy never reads what an
earlier release cached in a shared cache; the timeout only frees the memory
of outdated entries. Nothing else is cached: the directory index answers a
first-time search about as fast as the cache would, and a cache that fails
only costs the rendering again."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SEARCH_CACHE_SECONDS = 60 * 60
# What a release is made of: its code, templates and pinned dependencies.
RELEASE_PARTS = ("pyproject.toml", "portal", "facts", "treatment", "templates")


def cache_version(directory_version):
    """What search's cache keys start with: the directory's version and the
    release's, or None (nothing cached) before the directory's first change."""
    return directory_version and f"{directory_version}.{release_id()}"


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
