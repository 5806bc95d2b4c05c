import itertools

import pytest
from django.db import connection
from django.test import Client

from treatment.models import Inquiry, Provider, Service

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


@pytest.fixture(autouse=True)
def force_login_includes_the_second_step(monkeypatch):
    """force_login() stands for a member who has signed in, so for staff who
    can read inquiries it includes the code from their authenticator app.
    Tests of the sign-in itself post the real forms (tests/test_staff_sign_in.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.two_factor import needs_second_factor

    signed_in = Client.force_login

    def force_login(self, user, backend=None):
        signed_in(self, user, backend)
        if needs_second_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST like a browser, running what waits for the transaction to commit."""

    def post(url, data, client=client, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return post


@pytest.fixture
def make_inquiry(db):
    """Store an inquiry as a visitor would have sent it to this provider
    (or to our staff), without its email; fields override the defaults."""

    def make(provider, **fields):
        recipient = Inquiry.recipient_for(provider)
        defaults = {
            "provider": provider,
            "recipient_name": recipient.name,
            "recipient_email": recipient.email,
            "consent_statement": Inquiry.consent_sentence(recipient.name),
            "who_needs_help": "someone_else",
            "name": "Sam",
            "email": "sam@example.org",
            "phone": "410-555-0123",
            "preferred_contact": "text",
            "message": "Please call me back about starting treatment.",
            "fingerprint": f"test-inquiry-{next(_numbers)}",
        }
        return Inquiry.objects.create(**(defaults | fields))

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


@pytest.fixture(autouse=True)
def english_until_a_request_says_otherwise():
    """Each test starts in English: a request to a Spanish page leaves Spanish
    active in the thread (LocaleMiddleware activates it), which would make a
    later test's reverse() give /es/ addresses."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
