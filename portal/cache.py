"""A Redis cache the site keeps working without.

With REDIS_URL set, every cache alias uses ResilientRedisCache: Django's Redis
backend with short socket timeouts and no retries, which, when Redis cannot be
reached or refuses a command, answers from this process's own memory instead
of failing the request. Search is then cached per worker, and rate-limit
counters count per worker, until Redis is back.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# While Redis is down, requests don't try it again for this long, so a visitor
# waits on a dead Redis at most once per worker every RETRY_SECONDS.
RETRY_SECONDS = 10
CONNECTION_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.5,
    "retry": Retry(NoBackoff(), 0),
}
FALLBACK_ENTRIES = 10_000  # as the in-process cache without REDIS_URL

# {Redis location: time.monotonic() of the last failure}, shared by the
# process's cache instances (Django makes one per thread).
_failed_at = {}


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis fails, a local-memory cache stands in.

    The first failure logs one warning and marks this location degraded;
    `is_degraded` says so (the health check reports it). After RETRY_SECONDS
    the next call tries Redis again; when it answers, one line says so and
    the stand-in is emptied, so nothing it held outlives the outage.
    """

    def __init__(self, server, params):
        params = {
            **params,
            "OPTIONS": {**CONNECTION_OPTIONS, **params.get("OPTIONS", {})},
        }
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._stand_in = LocMemCache(
            f"redis-stand-in:{self._location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_ENTRIES},
            },
        )

    @property
    def is_degraded(self):
        return self._location in _failed_at

    def check(self):
        """Ping Redis now, whatever the state; True when it answers."""
        try:
            self._cache.get_client().ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._recovered()
        return True

    def _call(self, method, *args, **kwargs):
        """The method on Redis, or on the stand-in while Redis fails."""
        failed_at = _failed_at.get(self._location)
        if failed_at is None or time.monotonic() - failed_at >= RETRY_SECONDS:
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                self._failed(error)
            else:
                self._recovered()
                return result
        return getattr(self._stand_in, method)(*args, **kwargs)

    def _failed(self, error):
        if self._location not in _failed_at:
            logger.warning(
                "The Redis cache is unreachable (%s): serving from each worker's "
                "memory until it answers again.",
                type(error).__name__,
            )
        _failed_at[self._location] = time.monotonic()

    def _recovered(self):
        if _failed_at.pop(self._location, None) is not None:
            logger.warning("The Redis cache answers again.")
            self._stand_in.clear()


def answered_by_either(method):
    def call(self, *args, **kwargs):
        return self._call(method, *args, **kwargs)

    call.__name__ = call.__qualname__ = method
    return call


# Every call that reaches Redis goes through _call (decr, get_or_set and the
# async methods are built on these).
for _method in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(ResilientRedisCache, _method, answered_by_either(_method))
