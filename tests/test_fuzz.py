"""Hostile values for every parameter of every public GET route and every field
of every form visitors can post: no 5xx, no markup reflected unescaped, and
nothing stored from a post the site refused.

The routes come from the URLconf (a new route is fuzzed without touching this
file); a page's parameters are read from its own GET forms and links, and its
forms from its HTML, so a new filter or form field is fuzzed too. Routes that
answer no HTML (the API, the CSV download) have their parameters listed here.
"""

from html.parser import HTMLParser
from itertools import count
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.db.models import CharField, TextField
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from facts.models import Article
from treatment.interchange.hsds import kind_id
from treatment.listings.services import link_token
from treatment.models import (
    Inquiry,
    SuggestedChange,
    VerificationRequest,
    VisitorReport,
)

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "21201\x00",
    "\x1b[31m\x07\x08\r\n\t\x7f",
    "\u202eevil\u202c",
    "🙂" * 40,
    "İstanbul ǅ ß ﬁ \u0301",
    "' OR 1=1 --",
    "1); DROP TABLE treatment_provider; --",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "../../../../etc/passwd",
    "%s%n{0}{}",
    "javascript:alert(1)",
    "http://[::1",
]
# Percent-escapes that decode to no valid UTF-8, and odd parameter shapes.
RAW_QUERIES = ["{name}=%ff%fe", "{name}=%ED%A0%80", "{name}", "{name}[]=x", "{name}=%"]
REFLECTED = ("<script>alert(1)", "<img src=x onerror")
NON_PUBLIC = ("admin/",)
# Names pages read without a form of their own showing them (a search carried
# along, a page number), and names attackers try.
COMMON_PARAMETERS = {"page", "q", "sort", "search", "ref", "next", "format"}
HSDS_LIST_PARAMETERS = {
    "page",
    "per_page",
    "search",
    "taxonomy_term_id",
    "modified_after",
    "postcode",
    "proximity",
}
# Routes that answer no HTML page, so no form says what they read.
DECLARED_PARAMETERS = {
    "hsds:services": HSDS_LIST_PARAMETERS,
    "hsds:organizations": HSDS_LIST_PARAMETERS,
    "hsds:service_at_locations": HSDS_LIST_PARAMETERS,
}
SAME_PARAMETERS_AS = {"treatment:results-csv": "treatment:search"}
TEXT_FIELDS = (CharField, TextField)
SEARCH_REFERER = "http://testserver/treatment/?near=21201&radius=10"
addresses = count(1)


def public_routes(patterns=None, prefix="", namespace=""):
    """(route name, path pattern, path argument names) of every public route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(NON_PUBLIC):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from public_routes(pattern.url_patterns, route, inner)
        else:
            name = ":".join(filter(None, [namespace, pattern.name]))
            yield name, route, tuple(pattern.pattern.converters)


ROUTES = {name: arguments for name, _, arguments in public_routes()}


class PageReader(HTMLParser):
    """The GET parameters a page's forms and links send back to a path, and
    its POST forms as {action: {field: [values]}} with a valid baseline."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.get_parameters = set()
        self.post_forms = {}
        self.form = None
        self.select = None  # (name, values) of the <select> being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("action") or self.path
            self.form = (method, action)
            if method == "post":
                self.post_forms.setdefault(action, {})
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            url = urlsplit(attrs["href"])
            if url.path in {"", self.path}:
                self.get_parameters.update(k for k, _ in parse_qsl(url.query))
        elif self.form and tag in {"input", "select", "textarea", "option"}:
            self.field(tag, attrs)

    def field(self, tag, attrs):
        method, action = self.form
        if tag == "option":  # a <select>'s first real option is its baseline
            if self.select == [] and attrs.get("value"):
                self.select.append(attrs["value"])
            return
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        if method == "get":
            self.get_parameters.add(name)
            return
        fields = self.post_forms[action]
        if tag == "select":
            self.select = fields.setdefault(name, [])
        elif not fields.get(name):  # of radio buttons, the first
            baseline = {
                "email": ["visitor@example.org"],
                "tel": ["410-555-0123"],
                "textarea": ["I would like to ask about treatment."],
                "checkbox": [attrs.get("value", "on")],
                "radio": [attrs.get("value", "")],
                "hidden": [attrs.get("value", "")],
            }
            # Text boxes stay empty: one of them is the honeypot.
            fields[name] = baseline.get(attrs.get("type", tag), [""])

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


@pytest.fixture
def site(make_provider):
    """A provider and the values that fill every route's path arguments."""
    provider = make_provider(
        name="Harbor Recovery", services=["methadone", "medicaid"], website=""
    )
    article = Article.objects.published().first()
    asked = VerificationRequest.objects.create(provider=provider, email="a@b.org")
    candidates = [provider.slug, article.slug, link_token(asked)] + [
        kind_id(kind, provider)
        for kind in ("service", "organization", "service_at_location")
    ]
    return candidates


def real_path(name, arguments, candidates, client):
    """The route's URL with path arguments that give a page (200), if any do."""
    if not arguments:
        return reverse(name)
    for value in candidates:
        try:
            path = reverse(name, kwargs=dict.fromkeys(arguments, value))
        except Exception:  # noqa: S112 (this value doesn't fit the converter)
            continue
        if client.get(path).status_code == 200:
            return path
    raise AssertionError(f"no candidate value gives {name} a page")


class Visitor(Client):
    """The responses visitors get, each request from an address of its own,
    so the hourly limits never answer for the form. (One client for many
    requests: each new client loads the middleware and WhiteNoise's files.)"""

    def __init__(self):
        super().__init__(raise_request_exception=False)

    def request(self, **request):
        number = next(addresses)
        request["REMOTE_ADDR"] = (
            f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        )
        return super().request(**request)


def problems_with(response, what):
    if response.status_code >= 500:
        return [f"{what}: {response.status_code}"]
    if "text/html" not in response.get("Content-Type", ""):
        return []  # JSON and CSV quote what they repeat; browsers don't run them
    text = response.content.decode(errors="replace")
    return [f"{what}: reflects {marker!r}" for marker in REFLECTED if marker in text]


def route_parameters(name, path, client):
    source = SAME_PARAMETERS_AS.get(name, name)
    if source in DECLARED_PARAMETERS:
        return DECLARED_PARAMETERS[source] | COMMON_PARAMETERS
    source_path = path if source == name else reverse(source)
    reader = PageReader(source_path)
    reader.feed(client.get(source_path).content.decode(errors="replace"))
    return reader.get_parameters | COMMON_PARAMETERS


@pytest.mark.parametrize("name", ROUTES)
def test_hostile_parameters_never_get_a_server_error(site, name):
    client = Visitor()
    path = real_path(name, ROUTES[name], site, client)
    base = {"near": "21201"} if name.startswith("treatment:search") else {}
    problems = []
    for parameter in sorted(route_parameters(name, path, client)):
        for value in HOSTILE_VALUES:
            query = urlencode(base | {parameter: value})
            problems += problems_with(client.get(f"{path}?{query}"), f"{parameter}=")
        repeated = urlencode([(parameter, v) for v in HOSTILE_VALUES[8:14]])
        problems += problems_with(client.get(f"{path}?{repeated}"), "repeated")
        for raw in RAW_QUERIES:
            query = raw.format(name=parameter)
            problems += problems_with(client.get(f"{path}?{query}"), query)
    everything = urlencode([(p, HOSTILE_VALUES[11]) for p in sorted(COMMON_PARAMETERS)])
    problems += problems_with(client.get(f"{path}?{everything}"), "all at once")
    assert problems == []


@pytest.mark.parametrize("name", [name for name, args in ROUTES.items() if args])
def test_hostile_path_arguments_never_get_a_server_error(site, name):
    client = Visitor()
    pattern = next(route for n, route, _ in public_routes() if n == name)
    problems = []
    for value in HOSTILE_VALUES[1:]:
        path = pattern
        for argument in ROUTES[name]:
            for converter in ("slug", "str"):
                path = path.replace(f"<{converter}:{argument}>", quote(value, safe=""))
        problems += problems_with(client.get(f"/{path}"), repr(value[:20]))
    assert problems == []


HEADERS = [
    "Host",
    "Referer",
    "Origin",
    "Cookie",
    "Accept-Language",
    "Accept-Encoding",
    "User-Agent",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "If-Modified-Since",
    "If-None-Match",
    "Range",
    "Content-Type",
]
# As a WSGI server passes them on: no line breaks or NUL, and the bytes sent
# (UTF-8 here) read as Latin-1.
HEADER_VALUES = [
    value.encode().decode("latin-1")
    for value in HOSTILE_VALUES[1:3] + HOSTILE_VALUES[5:13] + HOSTILE_VALUES[15:]
    if not {"\r", "\n", "\x00"} & set(value)
]


@pytest.mark.parametrize("name", ROUTES)
def test_hostile_headers_never_get_a_server_error(site, name):
    client = Visitor()
    path = real_path(name, ROUTES[name], site, client)
    problems = []
    for header in HEADERS:
        for value in HEADER_VALUES:
            response = client.get(path, headers={header: value})
            problems += problems_with(response, f"{header}: {value[:20]!r}")
    assert problems == []


def visitor_written():
    """The models visitors' forms write: inquiries, every kind of report, and
    the changes providers suggest to their listing."""
    return [Inquiry, *VisitorReport.__subclasses__(), SuggestedChange]


def reopen_links():
    """A provider's link works once (and answers with one suggested change);
    each post here gets it as new."""
    VerificationRequest.objects.update(used_at=None, outcome="")
    SuggestedChange.objects.update(request=None)


def stored():
    return sum(model.objects.count() for model in visitor_written())


def post_forms(site):
    """{form action: {field: baseline values}} from every public page."""
    client = Visitor()
    forms = {}
    for name, arguments in ROUTES.items():
        path = real_path(name, arguments, site, client)
        # Reached from a search, pages carry it in their forms too.
        response = client.get(path, headers={"referer": SEARCH_REFERER})
        if "text/html" in response.get("Content-Type", ""):
            reader = PageReader(path)
            reader.feed(response.content.decode())
            for action, fields in reader.post_forms.items():
                # The same form on two pages: every field either shows.
                merged = forms.setdefault(action, {})
                for field, values in fields.items():
                    merged.setdefault(field, values)
    return forms


def test_the_public_forms_are_found(site):
    assert set(post_forms(site)) >= {
        "/contact/",
        f"/treatment/{site[0]}/contact/",
        f"/treatment/{site[0]}/report/",
    }


def test_hostile_form_fields_never_get_a_server_error_or_stored(site):
    client = Visitor()
    problems = []
    for action, baseline in post_forms(site).items():
        reopen_links()
        assert client.post(action, baseline).status_code == 302, action
        for field in baseline:
            variants = [[value] for value in HOSTILE_VALUES]
            variants += [HOSTILE_VALUES[8:14], []]  # repeated, and missing
            for values in variants:
                reopen_links()
                before = stored()
                response = client.post(action, baseline | {field: values})
                what = f"{action} {field}={values[:1]!r}"
                problems += problems_with(response, what)
                added = stored() - before
                if response.status_code != 302 and added:
                    problems.append(f"{what}: refused, yet stored")
                if added > 1:
                    problems.append(f"{what}: stored {added} times")
    assert problems == []
    for model in visitor_written():
        texts = [f.name for f in model._meta.fields if isinstance(f, TEXT_FIELDS)]
        for row in model.objects.values_list(*texts):
            assert not any("\x00" in text for text in row), model
