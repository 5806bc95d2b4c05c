import itertools

import pytest
from django.db import connection
from django.test import Client

from treatment.models import Provider, Service

_numbers = itertools.count(1)


@pytest.fixture
def make_provider(db):
    """Build a published provider; `services` is a list of service slugs."""

    def make(services=(), **fields):
        number = next(_numbers)
        defaults = {
            "name": f"Test Provider {number}",
            "slug": f"test-provider-{number}",
            "street": f"{number} Main Street",
            "city": "Baltimore",
            "state": "MD",
            "zip_code": "21201",
            "phone": "410-555-0100",
            "is_published": True,
        }
        provider = Provider(**(defaults | fields))
        if provider.latitude is None:
            provider.use_zip_centre()  # as the admin form does
        provider.save()
        provider.services.set(Service.objects.filter(slug__in=services))
        return provider

    return make


class CommittingClient(Client):
    """A test client that, before each request, runs the on-commit hooks of
    the writes so far, as if each had been committed: the test's own
    transaction never commits, so without this the directory never gets a
    version and search never uses its index or cache."""

    def request(self, **request):
        hooks = connection.run_on_commit
        while hooks:
            _, callback, _ = hooks.pop(0)
            callback()
        return super().request(**request)


@pytest.fixture(params=["uncommitted", "committed"])
def search_client(request, db):
    """Search tests run both ways: with the directory never committed (the
    plain SQL path, nothing cached) and with every change committed (the
    index, and the cache)."""
    return Client() if request.param == "uncommitted" else CommittingClient()
