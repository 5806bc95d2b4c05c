"""Fault injectors shared by the fault and fuzz tests: a database or Redis
that can't be reached, as a closed port would leave them."""

import socket
from contextlib import contextmanager

from django.db import OperationalError, connection
from django.test import override_settings


def closed_port():
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """Every query fails to connect until the block ends.

    PostgreSQL really connects to a closed port. The SQLite test database
    lives in memory and closing its connection would lose it, so there the
    connecting itself is refused, with the error SQLite gives.
    Needs the transactional_db fixture (the connection is closed).
    """
    if connection.vendor == "postgresql":
        saved_port = connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["PORT"] = str(closed_port())
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"] = saved_port
    else:

        def refuse():
            raise OperationalError("unable to open database file")

        connection.ensure_connection = refuse
        try:
            yield
        finally:
            del connection.ensure_connection


def redis_cache_at(port):
    """CACHES for the site's Redis backend at 127.0.0.1:port."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "portal.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
    )
