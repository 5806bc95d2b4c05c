"""`manage.py soak` for a few seconds, so the soak test cannot rot."""

import io
import os
import re

import pytest
from django.core.management import call_command
from django.db import connection

from treatment.models import Inquiry, Provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_short_soak_passes_and_prints_its_figures(make_provider):
    make_provider(name="Our Own Listing")
    # On a PostgreSQL run, the soak makes its own database on the same server.
    server = os.environ.get("DATABASE_URL", "") if connection.vendor != "sqlite" else ""
    out = io.StringIO()

    call_command(
        "soak",
        seconds=4,
        clients=3,
        workers=1,
        providers=30,
        database_url=server,
        stdout=out,
    )

    figures = out.getvalue()
    for kind in ("search", "provider", "inquiry form", "inquiry post"):
        assert re.search(
            rf"^{kind} +\d+ +\d+ +\d+ +\d+  200|^{kind} .*302", figures, re.M
        )
    accepted = int(re.search(r"inquiries accepted (\d+), stored (\d+)", figures)[1])
    assert f"inquiries accepted {accepted}, stored {accepted} (lost 0" in figures
    assert "5xx responses 0, connection errors 0" in figures
    # The configured database is left alone.
    assert list(Provider.objects.values_list("name", flat=True)) == ["Our Own Listing"]
    assert not Inquiry.objects.exists()
