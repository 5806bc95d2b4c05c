"""The site with its helpers failing: PostgreSQL or Redis unreachable, bad
headers. (Mail down or slow is in the inquiry tests.)"""

import logging
import os
import shutil
import subprocess
import sys
import time
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from portal import cache as resilient_cache
from portal import urls as site_urls
from tests.faults import closed_port, database_unreachable, redis_cache_at
from treatment.models import Inquiry, new_directory_version

HELP_LINES = ('href="tel:911"', 'href="tel:988"', 'href="tel:+18006624357"')


@pytest.fixture
def visitor():
    """A client that gets the response a visitor would, never the exception."""
    return Client(raise_request_exception=False)


def inquiry_post():
    return {
        "recipient": Inquiry.recipient_for(None).name,
        "who_needs_help": "me",
        "email": "sam@example.org",
        "preferred_contact": "any",
        "preferred_time": "any",
        "message": "I need help finding methadone near me.",
        "consent": "on",
    }


# PostgreSQL down ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/treatment/?near=21201", "/facts/", "/search/?q=naloxone"]
)
def test_pages_answer_503_with_retry_after_and_the_help_lines(
    transactional_db, visitor, path
):
    with database_unreachable():
        response = visitor.get(path)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "unavailable for a moment" in html
    assert all(line in html for line in HELP_LINES)
    assert "Traceback" not in html


def test_a_provider_page_answers_503_too(transactional_db, visitor, make_provider):
    provider = make_provider()
    with database_unreachable():
        response = visitor.get(provider.get_absolute_url())
    assert response.status_code == 503


def test_the_api_answers_503_in_json(transactional_db, visitor):
    with database_unreachable():
        response = visitor.get("/api/hsds/services?page=2")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert "unavailable" in response.json()["error"]


def test_an_inquiry_sent_then_is_told_plainly_it_was_not_saved(
    transactional_db, visitor
):
    with database_unreachable():
        response = visitor.post("/contact/", inquiry_post())
    html = response.content.decode()
    assert response.status_code == 503
    assert "Your message was not saved" in html
    assert "nobody will receive it" in html
    assert "send it again in a few minutes" in html
    assert all(line in html for line in HELP_LINES)
    assert Inquiry.objects.count() == 0


def test_the_first_request_after_the_database_returns_succeeds(
    transactional_db, visitor
):
    with database_unreachable():
        assert visitor.get("/").status_code == 503
    assert visitor.get("/").status_code == 200
    response = visitor.post("/contact/", inquiry_post())
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


@pytest.fixture
def gunicorn(transactional_db):
    """gunicorn (one worker, debug off) serving the test database; yields a
    get(path) that returns the status. PostgreSQL only: SQLite has no server
    to restart, and its test database lives in this process's memory."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to restart")
    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    database = server._replace(path=f"/{connection.settings_dict['NAME']}")
    port = closed_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", f"--bind=127.0.0.1:{port}"],
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "portal.settings_test",
            "DATABASE_URL": urlunsplit(database),
        },
        stderr=subprocess.DEVNULL,
    )

    def get(path):
        try:
            return urlopen(f"http://127.0.0.1:{port}{path}").status  # noqa: S310
        except HTTPError as error:
            return error.code

    try:
        for _ in range(200):
            try:
                get("/healthz")
                break
            except URLError:
                time.sleep(0.1)
        yield get
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_first_request_after_a_database_restart_succeeds(gunicorn):
    """A restart breaks the connection each worker keeps (CONN_MAX_AGE); it is
    checked before reuse, so the next visitor does not get the broken one."""
    assert gunicorn("/treatment/?near=21201") == 200
    with connection.cursor() as cursor:  # what a restart does to every session
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert gunicorn("/treatment/?near=21201") == 200


def test_healthz_takes_the_instance_out_of_rotation(transactional_db, visitor):
    with database_unreachable():
        response = visitor.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unavailable"


def test_healthz_says_ok_when_all_is_well(db, visitor):
    response = visitor.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "caches": {"default": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


# Redis down -------------------------------------------------------------------


@pytest.fixture
def redis_down():
    with redis_cache_at(closed_port()):
        yield


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/treatment/?near=21201&medications=methadone",
        "/treatment/?q=recovery&sort=name",
        "/treatment/results.csv?near=21201",
        "/facts/",
        "/search/?q=naloxone",
        "/api/hsds/services",
    ],
)
def test_with_redis_down_every_page_is_served_without_it(
    db, visitor, redis_down, make_provider, path
):
    make_provider(name="Harbor Recovery", services=["methadone"])
    assert visitor.get(path).status_code == 200
    assert visitor.get(path).status_code == 200  # from the stand-in this time


def test_with_redis_down_search_still_finds_providers(
    db, visitor, redis_down, make_provider
):
    provider = make_provider(name="Harbor Recovery", services=["methadone"])
    html = visitor.get("/treatment/?near=21201").content.decode()
    assert provider.name in html
    assert visitor.get(provider.get_absolute_url()).status_code == 200


def test_redis_down_is_logged_once_and_healthz_says_degraded(
    db, visitor, redis_down, caplog
):
    new_directory_version()  # search caches what it finds only under a version
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        for _ in range(3):
            assert visitor.get("/treatment/?near=21201").status_code == 200
    assert len(caplog.records) == 1
    assert "unreachable" in caplog.records[0].getMessage()
    response = visitor.get("/healthz")
    assert response.status_code == 200  # stays in rotation
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "caches": {"default": "unavailable"},
    }


def test_a_dead_redis_costs_a_request_at_most_one_short_wait(db, redis_down):
    from django.core.cache import cache

    started = time.perf_counter()
    for number in range(200):
        cache.set(f"key-{number}", number)
        assert cache.get(f"key-{number}") == number  # the stand-in holds it
    assert time.perf_counter() - started < 2


# A real Redis that stops and starts again ---------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server: yields (port, stop, start)."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server not found: install it with apt-get install redis-server"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = closed_port()
    processes = []

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
        )
        processes.append(process)
        for _ in range(100):
            if subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True
            ).stdout.startswith(b"PONG"):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop():
        processes[-1].terminate()
        processes[-1].wait(timeout=10)

    start()
    yield port, stop, start
    if processes[-1].poll() is None:
        stop()


def test_redis_stopping_and_returning(db, visitor, redis_server, monkeypatch):
    port, stop, start = redis_server
    from django.core.cache import cache

    with redis_cache_at(port):
        assert visitor.get("/healthz").json()["status"] == "ok"
        cache.set("shared", "in redis")
        stop()
        assert visitor.get("/treatment/?near=21201").status_code == 200
        assert cache.get("shared") is None  # a miss, not an error
        cache.set("during", "in the stand-in")
        assert cache.get("during") == "in the stand-in"
        assert visitor.get("/healthz").json()["status"] == "degraded"
        start()
        assert visitor.get("/healthz").json()["status"] == "ok"
        assert cache.get("during") is None  # the stand-in was emptied
        cache.set("after", "in redis again")
        monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0)
        assert cache.get("after") == "in redis again"


# Bad headers --------------------------------------------------------------------


def test_a_bad_host_gets_the_friendly_400(db, visitor):
    response = visitor.get("/", headers={"host": "evil.example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Something in that request was not right" in html
    assert all(line in html for line in HELP_LINES)
    assert "evil.example" not in html


@pytest.mark.parametrize(
    "referer", ["http://[::1", "http://[", "://", "\x00", "http://testserver:99999/"]
)
def test_a_malformed_referer_is_ignored_on_provider_pages(
    db, visitor, make_provider, referer
):
    provider = make_provider()
    response = visitor.get(provider.get_absolute_url(), headers={"referer": referer})
    assert response.status_code == 200
    assert 'href="/treatment/"' in response.content.decode()


def test_pages_deny_browser_features_they_never_use(db, visitor):
    policy = visitor.get("/").headers["Permissions-Policy"]
    features = dict(item.split("=") for item in policy.split(", "))
    assert features["geolocation"] == "(self)"  # "use my location"
    for feature in ("camera", "microphone", "payment", "usb"):
        assert features[feature] == "()"


def broken_view(request):
    raise RuntimeError("secret detail from deep inside")


urlpatterns = [path("broken/", broken_view), *site_urls.urlpatterns]
handler500 = "portal.views.server_error"


@pytest.mark.urls("tests.test_faults")
@pytest.mark.parametrize("as_staff", [False, True])
def test_errors_never_show_a_traceback_to_visitors_or_staff(
    db, visitor, admin_user, as_staff
):
    if as_staff:
        visitor.force_login(admin_user)
    response = visitor.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "Traceback" not in html
