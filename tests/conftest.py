import itertools

import pytest
from django.core.cache import cache

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


@pytest.fixture
def fresh_rate_limits():
    """Visitor forms' hourly limits start from zero (they count in the cache)."""
    cache.clear()
    yield
    cache.clear()
