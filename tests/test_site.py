import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from portal import views
from portal.templatetags.fragments import PARTS_KEPT

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k" * 20
    + "-production-like-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "help.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://help.example.org",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.org:587?tls=1",
    # Never opened by the checks; kept out of the working tree all the same.
    "DATABASE_URL": "sqlite:///"
    + str(Path(tempfile.gettempdir()) / "portal-unused-check.sqlite3"),
}


def run_python(code, env):
    """Run code in a fresh interpreter with only `env` (plus PATH) as environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_setting(name, **env):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        f"from django.conf import settings; print(repr(settings.{name}))"
    )
    result = run_python(code, PRODUCTION_ENV | env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_is_one_clear_line():
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        "import django; django.setup()",
        {},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_by_default_and_on_by_flag():
    assert production_setting("DEBUG") == "False"
    assert production_setting("DEBUG", DJANGO_DEBUG="1") == "True"


def test_allowed_hosts_and_csrf_origins_come_from_the_environment():
    assert production_setting("ALLOWED_HOSTS") == "['help.example.org']"
    assert production_setting("CSRF_TRUSTED_ORIGINS") == "['https://help.example.org']"


def test_database_url_selects_postgresql():
    engine = production_setting(
        "DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
    )
    assert engine == "'django.db.backends.postgresql'"


def test_sqlite_is_the_default_database():
    env = dict(PRODUCTION_ENV)
    del env["DATABASE_URL"]
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'])"
    )
    result = run_python(code, env)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(ROOT / "db.sqlite3"),
    ]


def test_redis_url_switches_the_cache_to_redis():
    assert "LocMemCache" in production_setting("CACHES['default']['BACKEND']")
    backend = production_setting(
        "CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    assert backend == "'portal.cache.ResilientRedisCache'"


def test_email_is_console_in_debug_and_smtp_by_url():
    env = dict(PRODUCTION_ENV, DJANGO_DEBUG="1")
    del env["EMAIL_URL"]
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        "from django.conf import settings;"
        "print(settings.MAILERS['default']['BACKEND'])"
    )
    assert run_python(code, env).stdout.strip().endswith("console.EmailBackend")
    mailer = production_setting("MAILERS['default']")
    assert "smtp.EmailBackend" in mailer
    for expected in (
        "'host': 'smtp.example.org'",
        "'port': 587",
        "'use_tls': True",
        "'username': 'mailer'",
        "'password': 'secret'",
    ):
        assert expected in mailer


def test_production_without_email_url_is_one_clear_line():
    env = dict(PRODUCTION_ENV)
    del env["EMAIL_URL"]
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        "import django; django.setup()",
        env,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("EMAIL_URL is not set.")


def test_site_name_comes_from_the_environment():
    assert (
        production_setting("SITE_NAME", SITE_NAME="Helpline Finder")
        == "'Helpline Finder'"
    )


def test_whitenoise_comes_straight_after_security_middleware():
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in middleware


def test_production_uses_compressed_manifest_storage():
    assert "CompressedManifestStaticFilesStorage" in production_setting(
        "STORAGES['staticfiles']['BACKEND']"
    )


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/help/", "/privacy/", "/treatment/", "/no-such-page/"]
)
def test_every_page_has_the_layout_and_help_strip(client, path):
    html = client.get(path).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert 'href="tel:911"' in html
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    assert 'href="tel:+18006624357"' in html
    assert "1-800-662-4357" in html and "English and Spanish" in html
    assert "does not give medical advice" in html
    assert f'href="{reverse("privacy")}"' in html
    for label in ("Facts", "Find treatment", "Get help now"):
        assert f">{label}</a>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, current",
    [
        ("/", []),
        ("/help/", ["Get help now"]),
        ("/es/help/", ["Ayuda ahora"]),
        ("/facts/", ["Facts"]),
        ("/treatment/?near=21201", ["Find treatment"]),
        ("/es/treatment/", ["Buscar tratamiento"]),
        ("/search/?q=methadone", ["Search"]),
        ("/no-such-page/", []),
    ],
)
def test_the_header_marks_the_pages_own_section_and_no_other(client, path, current):
    # The header is rendered once per language and section (once_per_language),
    # so one page's mark must never stay on another's.
    html = client.get(path).content.decode()
    assert re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', html) == current


def template_of(source):
    return Engine(
        libraries={
            "fragments": "portal.templatetags.fragments",
            "i18n": "django.templatetags.i18n",
        }
    ).from_string("{% load i18n fragments %}" + source)


def test_a_part_kept_once_per_language_sees_only_the_values_it_names():
    template = template_of(
        "{% once_per_language route=route %}"
        '{% translate "Facts" %} {{ route }} [{{ visitor }}]{% endonce_per_language %}'
    )

    class Route:
        renders = 0

        def __str__(self):
            self.renders += 1
            return "help"

    route = Route()
    with translation.override("en"):
        assert template.render(Context({"route": route, "visitor": "Ana"})) == (
            "Facts help []"
        )
        assert template.render(Context({"route": route})) == "Facts help []"
        assert route.renders == 1
        assert template.render(Context({"route": "facts"})) == "Facts facts []"
    with translation.override("es"):
        assert template.render(Context({"route": route})) == "Información help []"
    assert route.renders == 2


def test_a_part_named_with_too_many_values_is_rendered_each_time_not_kept():
    template = template_of(
        "{% once_per_language word=word %}{{ word }}{% endonce_per_language %}"
    )
    node = template.nodelist[1]
    for number in range(PARTS_KEPT * 2):
        assert template.render(Context({"word": f"w{number}"})) == f"w{number}"
    assert len(node.kept) == PARTS_KEPT


def test_a_part_kept_once_per_language_takes_only_named_values():
    with pytest.raises(TemplateSyntaxError):
        template_of("{% once_per_language route %}{% endonce_per_language %}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view, status",
    [
        (views.bad_request, 400),
        (views.permission_denied, 403),
        (views.page_not_found, 404),
        (views.server_error, 500),
        (views.csrf_failure, 403),
    ],
)
def test_error_pages_are_friendly_and_keep_the_help_strip(view, status):
    request = RequestFactory().get("/somewhere/")
    response = view(request)
    html = response.content.decode()
    assert response.status_code == status
    assert 'href="tel:911"' in html and 'href="tel:+18006624357"' in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_unknown_url_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.django_db
def test_home_page_search_form_submits_a_get_to_the_directory(client):
    html = client.get("/").content.decode()
    form = re.search(r'<form class="search-box" action="([^"]+)" method="get"', html)
    assert form and form.group(1) == "/treatment/"
    assert 'name="near"' in html
    assert 'name="help"' in html
    assert '<option value="residential">' in html


@pytest.mark.django_db
def test_help_page_says_what_to_do_in_an_overdose(client):
    html = client.get("/help/").content.decode()
    for words in (
        "Call 911",
        "naloxone",
        "on their side",
        "Stay with them",
        "Good Samaritan",
        "988",
        "1-800-662-4357",
    ):
        assert words in html


@pytest.mark.django_db
def test_help_page_home_page_and_overdose_article_give_the_same_steps(client):
    def text(path):
        return re.sub(r"<[^>]+>", "", client.get(path).content.decode())

    help_page = text("/help/")
    article = text("/facts/overdose-signs-and-what-to-do/")
    for words in (
        "Call 911",
        "2 to 3 minutes",
        "other nostril",
        "rescue breaths",
        "CPR",
        "on their side",
        "30 to 90 minutes",
        "xylazine",
        "medetomidine",
    ):
        assert words in help_page, words
        assert words in article, words
    body = article[article.index("Overdose: signs and what to do") :]
    assert body.index("What to do now") < body.index("Signs of an opioid overdose")
    home = text("/")
    assert (
        "Call 911" in home and "rescue breaths" in home and "naloxone wears off" in home
    )


@pytest.mark.django_db
def test_privacy_page_states_retention_and_no_trackers(client, settings):
    settings.INQUIRY_RETENTION_DAYS = 123
    html = client.get("/privacy/").content.decode()
    assert "after 123 days" in html
    assert "trackers" in html
    assert "Staff who edit the directory cannot" in html


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"focus-visible" in b"".join(response.streaming_content)


def test_stylesheet_loads_nothing_from_elsewhere():
    css = (ROOT / "static/css/site.css").read_text()
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@media print" in css
    assert ":focus-visible" in css


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/help/", "/privacy/", "/treatment/"])
def test_pages_embed_nothing_from_other_sites_and_no_inline_code(client, path):
    html = client.get(path).content.decode()
    assert not re.search(
        r'<(script|img|iframe|video|audio|source)[^>]+src="(https?:)?//', html
    )
    for link in re.findall(r"<link [^>]+>", html):
        # Only links that name pages (this one, its other languages) are
        # absolute; nothing is loaded from them.
        names_a_page = 'rel="canonical"' in link or 'rel="alternate"' in link
        assert names_a_page or not re.search(r'href="(https?:)?//', link)
    assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))", html)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r" on[a-z]+=", html)


OLD_PYTHONS = sorted(Path("/root/.pyenv/versions").glob("3.1[01].*/bin/python3"))


@pytest.mark.skipif(not OLD_PYTHONS, reason="no Python older than 3.12 on this machine")
def test_make_refuses_an_old_python_with_a_clear_message():
    result = subprocess.run(
        ["make", "check-python", f"PYTHON={OLD_PYTHONS[-1]}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Python 3.12 or newer is needed" in result.stderr
    assert "Traceback" not in result.stderr
