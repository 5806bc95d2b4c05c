"""The site's two languages: English at /, Spanish under /es/ (i18n_patterns in
portal/urls.py, without a prefix for English).

Each page has its address in the other language: the header's language link
goes there and the page lists it as an hreflang alternate. The link passes
through choose_language(), which remembers the choice in Django's language
cookie and nothing else; RememberedLanguageMiddleware then opens English
addresses in Spanish for a visitor who chose Spanish. The staff admin, the API
and the health check have no Spanish address and stay in English.
"""

from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str  # in its own language: "English", "Español"
    url: str  # this page in that language, query string included
    current: bool
    # False when the page has no address in that language and `url` is that
    # language's home page: the header links there, but it is no hreflang
    # alternate of this page.
    same_page: bool = True


def page_language(path):
    """The language of an address of this site: its prefix, else English."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def translated_path(full_path, code, match=None):
    """This address (path and query) in another language, or None when it has
    none: a page outside the visitors' pages, or no page at all. `match` is
    the path's ResolverMatch when the request has one: resolving the path
    again would cost as much as the rest of the page's header."""
    path, _, query = full_path.partition("?")
    language = page_language(path)
    if match is None:
        with translation.override(language):
            try:
                match = resolve(unquote(path))
            except Resolver404:
                return None
    with translation.override(code):
        try:  # as translate_url() does
            url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            url = path
    url = f"{url}?{query}" if query else url
    if code != language and url == full_path:
        return None  # the same address in every language: not a visitor page
    return url


def alternates(request, urls=None):
    """[Alternate] for each language, from {code: url} when the view knows
    them (a facts page and its translation), else from this page's address.
    A page with no address in a language links to that language's home page,
    which is then no alternate of it (hreflang)."""
    current = page_language(request.path_info)
    found = urls or {
        code: translated_path(request.get_full_path(), code, request.resolver_match)
        for code, _ in settings.LANGUAGES
    }
    result = []
    for code, name in settings.LANGUAGES:
        url = found.get(code)
        if url is None:
            with translation.override(code):
                home = reverse("home")
            result.append(Alternate(code, name, home, code == current, False))
        else:
            result.append(Alternate(code, name, url, code == current))
    return result


def choose_language(request):
    """The header's language link, /language/?language=es&next=/es/...:
    remember the choice in Django's language cookie (as Django's own
    set_language does, but from a link, which needs no form on every page),
    then open `next`, this site's own address in that language."""
    code = request.GET.get("language")
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    next_url = request.GET.get("next", "")
    safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    )
    if not safe:
        with translation.override(code):
            next_url = reverse("home")
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class RememberedLanguageMiddleware:
    """A visitor whose language cookie says Spanish and who opens an English
    address (a bookmark, a shared link) gets the same page in Spanish."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        english_page = request.method in ("GET", "HEAD") and (
            translation.get_language_from_path(request.path_info) is None
        )
        if (
            english_page
            and chosen != settings.LANGUAGE_CODE
            and chosen in dict(settings.LANGUAGES)
        ):
            url = translated_path(request.get_full_path(), chosen)
            if url:
                response = redirect(url)
                patch_vary_headers(response, ["Cookie"])
                return response
        response = self.get_response(request)
        if english_page:
            patch_vary_headers(response, ["Cookie"])
        return response
