"""A bounded mixed load on the site as production runs it, then its figures.

In a throw-away database filled with sample providers, the command starts
gunicorn and the task worker with production settings (debug off, a random
secret key, mail to a local sink it runs itself), then for a set time has a
fixed number of clients search, open provider pages and send inquiries, each
from an address of its own (as many visitors would). It prints what happened,
and fails unless there was no 5xx and the inquiries stored are exactly those
the site accepted. See README, "Soak test".
"""

import html
import http.client
import logging
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from ipaddress import IPv4Address
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from treatment.management.commands.bench_directory import throwaway_database
from treatment.management.commands.bench_worker import percentile
from treatment.models import Inquiry, Provider, Service
from treatment.sample_directory import generate_sample_directory

ROOT = Path(settings.BASE_DIR)
MIX = {"search": 60, "provider": 25, "inquiry": 15}  # percent of requests
RADII = ["5", "10", "25", "50", "100", "any"]
# The form's hidden fields: the CSRF token, and the recipient the consent names.
HIDDEN_FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
MARK = "Soak inquiry"
# Inquiries come from 127.1.0.0 on, one address each: the hourly limit is per
# address, and a real load comes from many.
FIRST_INQUIRY_ADDRESS = IPv4Address("127.1.0.0")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """Counts the messages delivered to it (aiosmtpd's handler protocol)."""

    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages += 1
        return "250 Message accepted"


class Load:
    """Clients sending the MIX of requests until a deadline, and their figures."""

    def __init__(self, port, slugs, zip_codes, filters, mix=MIX):
        self.port, self.mix = port, mix
        self.slugs, self.zip_codes, self.filters = slugs, zip_codes, filters
        self.lock = threading.Lock()
        self.timings = defaultdict(list)  # kind: [seconds]
        self.statuses = Counter()  # (kind, status)
        self.accepted, self.refused = set(), Counter()
        self.next_address = 0
        self.errors = []

    def run(self, clients, seconds):
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self.client, args=(deadline, random.Random(n)))  # noqa: S311
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def client(self, deadline, chance):
        kinds, weights = zip(*self.mix.items(), strict=True)
        while time.monotonic() < deadline:
            kind = chance.choices(kinds, weights)[0]
            try:
                getattr(self, kind)(chance)
            except OSError as error:  # refused or reset: the server fell over
                with self.lock:
                    self.errors.append(f"{kind}: {error}")

    def request(self, kind, method, path, body=None, headers=(), source="127.0.0.1"):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as the reverse proxy says
            **dict(headers),
        }
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        with self.lock:
            self.timings[kind].append(time.perf_counter() - started)
            self.statuses[(kind, response.status)] += 1
        return response, content

    def search(self, chance):
        params = {"near": chance.choice(self.zip_codes)}
        params["radius"] = chance.choice(RADII)
        for group, slugs in chance.sample(self.filters, 2):
            params[group] = chance.choice(slugs)
        self.request("search", "GET", f"/treatment/?{urlencode(params)}")

    def provider(self, chance):
        self.request("provider", "GET", f"/treatment/{chance.choice(self.slugs)}/")

    def inquiry(self, chance):
        with self.lock:
            source = str(FIRST_INQUIRY_ADDRESS + self.next_address)
            self.next_address += 1
        path = f"/treatment/{chance.choice(self.slugs)}/contact/"
        response, page = self.request("inquiry form", "GET", path, source=source)
        hidden = dict(HIDDEN_FIELD.findall(page.decode()))
        cookie = CSRF_COOKIE.search(response.getheader("Set-Cookie") or "")
        if response.status != 200 or not cookie:
            return
        reference = uuid.uuid4().hex
        form = {
            **{name: html.unescape(value) for name, value in hidden.items()},
            "who_needs_help": chance.choice(["me", "someone_else"]),
            "email": f"soak-{reference[:8]}@example.org",
            "preferred_contact": "any",
            "preferred_time": "any",
            "message": f"{MARK} {reference}: looking for methadone near me.",
            "consent": "on",
        }
        response, _ = self.request(
            "inquiry post",
            "POST",
            path,
            body=urlencode(form),
            source=source,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie[1]}",
                "Origin": f"https://127.0.0.1:{self.port}",
            },
        )
        location = response.getheader("Location") or ""
        with self.lock:
            if response.status == 302 and "/contact/sent/" in location:
                self.accepted.add(reference)
            else:
                self.refused[response.status] += 1


class Command(BaseCommand):
    help = (
        "Run gunicorn with production settings in a throw-away database and put "
        "a bounded mixed load on it (searches, provider pages, inquiries) for a "
        "set time; fail on any 5xx or any inquiry lost or stored twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument(
            "--clients", type=int, default=8, help="Clients sending at once."
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn's.")
        parser.add_argument("--providers", type=int, default=300)
        parser.add_argument(
            "--database-url",
            default="",
            help="A PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432, "
            "where a database of its own is created and dropped. Without it, "
            "SQLite in a temporary file.",
        )
        parser.add_argument(
            "--redis-url", default="", help="Give the site this REDIS_URL."
        )

    def handle(self, *, seconds, clients, workers, providers, **options):
        if min(seconds, clients, workers, providers) < 1:
            raise CommandError("Every number must be at least 1.")
        with ExitStack() as stack:
            database_url = stack.enter_context(
                throwaway_database(options["database_url"])
            )
            generate_sample_directory(providers, seed=1)
            logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's
            sink = MailSink()
            mail = Controller(sink, hostname="127.0.0.1", port=free_port())
            mail.start()
            stack.callback(mail.stop)
            env = self.production_env(options, database_url, mail.port)
            self.run_quietly(["collectstatic", "--no-input"], env)
            port = free_port()
            log = stack.enter_context(open(os.devnull, "w"))  # noqa: SIM115
            stack.enter_context(self.gunicorn(env, port, workers, stack))
            stack.enter_context(self.process([*self.manage, "db_worker"], env, log))
            load = Load(port, *self.directory())
            # Each worker loads the ZIP code table on its first search.
            warm_up = Load(port, *self.directory(), mix={"search": 1, "provider": 1})
            warm_up.run(clients=workers, seconds=5)
            self.stdout.write(
                f"Soaking for {seconds} s: {clients} clients, gunicorn with "
                f"{workers} workers, {connection.vendor}, {providers} providers."
            )
            started = time.monotonic()
            load.run(clients, seconds)
            elapsed = time.monotonic() - started
            stored = self.stored_inquiries()
            delivered = self.wait_for_mail(sink, len(stored))
            failures = self.report(load, elapsed, stored, delivered)
        if failures:
            raise CommandError("Soak failed: " + "; ".join(failures))

    @property
    def manage(self):
        return [sys.executable, str(ROOT / "manage.py")]

    def production_env(self, options, database_url, mail_port):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_DEBUG", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        return env | {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
            "INQUIRY_STAFF_EMAIL": "staff@example.org",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            **({"REDIS_URL": options["redis_url"]} if options["redis_url"] else {}),
        }

    def run_quietly(self, arguments, env):
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [*self.manage, *arguments], env=env, capture_output=True, text=True
        )
        if result.returncode:
            raise CommandError(f"{' '.join(arguments)} failed:\n{result.stderr}")

    @contextmanager
    def process(self, command, env, output):
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    @contextmanager
    def gunicorn(self, env, port, workers, stack):
        """gunicorn, started and answering /healthz; its log is kept to count
        tracebacks."""
        self.gunicorn_log = stack.enter_context(
            open(ROOT / "soak-gunicorn.log", "w+")  # noqa: SIM115
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
        ]
        with self.process(command, env, self.gunicorn_log) as process:
            for _ in range(300):
                if process.poll() is not None:
                    raise CommandError("gunicorn stopped; see soak-gunicorn.log.")
                try:
                    status = self.status(port, "/healthz")
                except OSError:
                    status = None
                if status == 200:
                    break
                time.sleep(0.1)
            else:
                raise CommandError("gunicorn did not answer /healthz in 30 s.")
            yield process

    def status(self, port, path):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            client.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            return client.getresponse().status
        finally:
            client.close()

    def directory(self):
        """Provider slugs, ZIP codes and filter choices the clients pick from."""
        published = Provider.objects.published()
        slugs = list(published.values_list("slug", flat=True))
        zip_codes = sorted(set(published.values_list("zip_code", flat=True)))
        by_group = defaultdict(list)
        for group, slug in Service.objects.values_list("category__slug", "slug"):
            by_group[group].append(slug)
        return slugs, zip_codes, list(by_group.items())

    def stored_inquiries(self):
        messages = Inquiry.objects.filter(message__startswith=MARK).values_list(
            "message", flat=True
        )
        return [message.split()[2].rstrip(":") for message in messages]

    def wait_for_mail(self, sink, expected, patience=60):
        """Messages the sink got once the worker has sent what it can."""
        deadline = time.monotonic() + patience
        while sink.messages < expected and time.monotonic() < deadline:
            time.sleep(0.5)
        return sink.messages

    def report(self, load, elapsed, stored, delivered):
        """Print the figures; return the checks that failed."""
        total = sum(load.statuses.values())
        self.stdout.write(
            f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f} a second)"
        )
        self.stdout.write(
            f"{'request':<14} {'count':>6} {'median ms':>10} {'p95 ms':>8} "
            f"{'max ms':>8}  statuses"
        )
        for kind, seconds in sorted(load.timings.items()):
            ordered = sorted(seconds)
            statuses = ", ".join(
                f"{status} ×{n}"
                for (name, status), n in sorted(load.statuses.items())
                if name == kind
            )
            self.stdout.write(
                f"{kind:<14} {len(ordered):>6} "
                f"{statistics.median(ordered) * 1000:>10.0f} "
                f"{percentile(ordered, 0.95) * 1000:>8.0f} "
                f"{ordered[-1] * 1000:>8.0f}  {statuses}"
            )
        server_errors = sum(n for (_, s), n in load.statuses.items() if s >= 500)
        self.gunicorn_log.seek(0)
        tracebacks = self.gunicorn_log.read().count("Traceback")
        duplicates = len(stored) - len(set(stored))
        lost = load.accepted - set(stored)
        unexpected = set(stored) - load.accepted
        refused = ", ".join(f"{s} ×{n}" for s, n in sorted(load.refused.items()))
        self.stdout.write(
            f"\ninquiries accepted {len(load.accepted)}, stored {len(stored)} "
            f"(lost {len(lost)}, stored twice {duplicates}, stored but not "
            f"accepted {len(unexpected)}), refused {refused or 0}; "
            f"emails delivered {delivered}\n"
            f"5xx responses {server_errors}, connection errors "
            f"{len(load.errors)}, tracebacks in gunicorn's log {tracebacks}"
        )
        checks = {
            "5xx responses": server_errors,
            "connection errors": len(load.errors),
            "inquiries lost": len(lost),
            "inquiries stored twice": duplicates,
            "inquiries stored but not accepted": len(unexpected),
            "no inquiry was accepted": not load.accepted,
        }
        return [f"{name} ({value})" for name, value in checks.items() if value]
