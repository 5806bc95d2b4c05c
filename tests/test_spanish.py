"""The site in Spanish (issue 17): /es/ addresses, the language link and its
cookie, hreflang and the sitemap, the taxonomy and filter labels, "Se habla
español", the Spanish facts pages and the help lines, and what stays English."""

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import resolve
from django.utils import timezone, translation

from facts.models import Article
from portal.languages import page_language, translated_path
from treatment.models import Inquiry, Provider, Service, ServiceCategory

pytestmark = pytest.mark.django_db

MESSAGE = "Necesito ayuda para encontrar metadona cerca de mi casa."
INQUIRY = {
    "who_needs_help": "someone_else",
    "name": "Ana",
    "email": "ana@example.org",
    "preferred_contact": "email",
    "preferred_time": "morning",
    "message": MESSAGE,
    "consent": "on",
}


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def language_link(page):
    """The header's language link: (its address, the page it opens)."""
    href = unescape(re.search(r'<a class="language-link" href="([^"]+)"', page)[1])
    return href, parse_qs(urlsplit(href).query)["next"][0]


def alternates(page):
    return dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/es/",
        "/es/help/",
        "/es/privacy/",
        "/es/treatment/",
        "/es/facts/",
        "/es/contact/",
    ],
)
def test_spanish_pages_say_they_are_spanish_and_link_both_languages(client, path):
    page = html(client.get(path))
    assert '<html lang="es">' in page
    english = path.removeprefix("/es")
    assert alternates(page) == {
        "en": f"http://testserver{english}",
        "x-default": f"http://testserver{english}",
        "es": f"http://testserver{path}",
    }
    assert language_link(page)[1] == english


def test_english_pages_stay_at_the_root_in_english(client):
    page = html(client.get("/treatment/"))
    assert '<html lang="en">' in page
    assert alternates(page)["es"] == "http://testserver/es/treatment/"
    assert language_link(page)[1] == "/es/treatment/"
    assert ">Español</a>" in page


def test_the_language_link_keeps_the_same_search(client, make_provider):
    make_provider(services=["outpatient"])
    query = "near=21201&radius=50&care=outpatient&q=clinic"
    link, target = language_link(html(client.get(f"/treatment/?{query}")))
    assert target == f"/es/treatment/?{query}"
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == target


def test_the_choice_is_remembered_in_the_language_cookie_only(client):
    response = client.get("/language/", {"language": "es", "next": "/es/help/"})
    assert response["Location"] == "/es/help/"
    assert set(response.cookies) == {settings.LANGUAGE_COOKIE_NAME}
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"
    # An English address now opens in Spanish, query and all.
    response = client.get("/treatment/", {"near": "21201"})
    assert response.status_code == 302
    assert response["Location"] == "/es/treatment/?near=21201"
    assert "Cookie" in response["Vary"]
    # Choosing English again takes the visitor back.
    client.get("/language/", {"language": "en", "next": "/treatment/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/treatment/").status_code == 200


def test_the_language_view_opens_only_this_sites_pages(client):
    for next_url in ("https://example.com/", "//example.com/", "javascript:alert(1)"):
        response = client.get("/language/", {"language": "es", "next": next_url})
        assert response["Location"] == "/es/"
    response = client.get("/language/", {"language": "xx", "next": "/help/"})
    assert response["Location"] == "/help/"


def test_robots_keep_out_of_the_language_link(client):
    assert "Disallow: /language/" in html(client.get("/robots.txt")).splitlines()


def test_the_privacy_page_explains_the_language_cookie(client):
    for path in ("/privacy/", "/es/privacy/"):
        assert "“django_language”" in html(client.get(path))


def test_admin_api_and_health_check_stay_english_and_unprefixed(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/hsds/").status_code == 200
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert '<html lang="en-us"' in response.content.decode() or 'lang="en"' in (
        response.content.decode()
    )
    assert client.get("/es/admin/").status_code == 404
    assert client.get("/es/api/hsds/").status_code == 404


def test_the_sitemap_lists_both_languages_with_their_alternates(client, make_provider):
    provider = make_provider()
    xml = html(client.get("/sitemap.xml"))
    locations = set(re.findall(r"<loc>(.*?)</loc>", xml))
    for path in ("/", "/help/", provider.get_absolute_url()):
        assert f"http://testserver{path}" in locations
        assert f"http://testserver/es{path}" in locations
    # A facts page and its Spanish version, as alternates of each other.
    assert "http://testserver/facts/getting-help-today/" in locations
    assert "http://testserver/es/facts/obtener-ayuda-hoy/" in locations
    assert "http://testserver/es/facts/getting-help-today/" not in locations
    assert 'hreflang="es" href="http://testserver/es/facts/obtener-ayuda-hoy/"' in xml


def test_spanish_search_shows_filters_chips_and_notices_in_spanish(
    client, make_provider
):
    make_provider(
        name="Clínica Sol",
        services=["outpatient", "buprenorphine", "spanish", "medicaid"],
    )
    page = html(
        client.get(
            "/es/treatment/",
            {"near": "21201", "languages": "spanish", "sort": "nope", "q": "suboxone"},
        )
    )
    assert "Tipo de atención" in page and "Formas de pago aceptadas" in page
    assert "Idiomas" in page and ">Español <span" in page
    assert "Dónde y con qué frecuencia se recibe el tratamiento." in page
    assert "Ofrece telesalud" in page
    assert "1 proveedor a menos de 25 millas de Baltimore, MD" in page
    assert "“nope” no es una de esas opciones" in page
    assert "Aquí, “suboxone” quiere decir Buprenorfina" in page
    assert "Ambulatorio" in page  # the card's services
    assert "Type of care" not in page and "Payment accepted" not in page


def test_the_search_cache_keeps_each_language_apart(client, make_provider):
    make_provider(services=["outpatient"])
    Service.objects.filter(slug="outpatient").update(name="Outpatient")
    spanish = html(client.get("/es/treatment/", {"near": "21201"}))
    english = html(client.get("/treatment/", {"near": "21201"}))
    again = html(client.get("/es/treatment/", {"near": "21201"}))
    assert "Ambulatorio" in spanish and "Ambulatorio" in again
    assert "Outpatient" in english and "Ambulatorio" not in english


def test_an_empty_spanish_name_shows_the_english_one(client, make_provider):
    Service.objects.filter(slug="outpatient").update(name_es="")
    make_provider(services=["outpatient"])
    assert ">Outpatient <span" in html(client.get("/es/treatment/", {"near": "21201"}))


def test_the_seeded_taxonomy_is_all_in_spanish():
    for model in (ServiceCategory, Service):
        assert not model.objects.filter(name_es="").exists()
        assert not model.objects.exclude(description="").filter(description_es="")


def test_listings_in_spanish_say_se_habla_espanol_in_both_languages(
    client, make_provider
):
    speaks = make_provider(name="Centro Esperanza", services=["spanish"])
    other = make_provider(name="North Clinic", services=["outpatient"])
    speaks_url, other_url = speaks.get_absolute_url(), other.get_absolute_url()
    for prefix in ("", "/es"):
        results = html(client.get(f"{prefix}/treatment/", {"near": "21201"}))
        cards = dict(
            re.findall(
                r'<li class="result">\s*<h2><a [^>]+>([^<]+)</a>(.*?)</li>',
                results,
                re.S,
            )
        )
        assert "Se habla español" in cards[speaks.name]
        assert "Se habla español" not in cards[other.name]
        page = html(client.get(f"{prefix}{speaks_url}"))
        assert '<span class="badge" lang="es">Se habla español</span>' in page
        assert "Se habla español" not in html(client.get(f"{prefix}{other_url}"))


def test_result_cards_in_spanish_give_openings_and_freshness_in_spanish(
    client, make_provider
):
    make_provider(
        name="Clinica Uno",
        phone="410-555-0142",
        services=["outpatient", "medicaid"],
        accepting_status=Provider.Status.WAITLIST,
        accepting_status_on=date(2026, 11, 2),
        walk_ins_welcome=True,
        same_day_start=True,
        verified_on=date(2020, 3, 5),
    )
    make_provider(name="Clinica Dos", accepting_status=Provider.Status.ACCEPTING)
    make_provider(
        name="Clinica Tres", confirmed_on=timezone.localdate() - timedelta(days=3)
    )
    # The same cards in English first: a badge or line a process keeps for
    # English must not come back in Spanish.
    english = html(client.get("/treatment/", {"near": "21201"}))
    assert '<span class="badge ok">Walk-ins welcome</span>' in english
    results = html(client.get("/es/treatment/", {"near": "21201"}))
    cards = dict(
        re.findall(
            r'<li class="result">\s*<h2><a [^>]+>([^<]+)</a>(.*?)</li>', results, re.S
        )
    )
    first = cards["Clinica Uno"]
    for spanish in (
        '<span class="badge warn">Lista de espera (al 2 Nov 2026)</span>',
        '<span class="badge ok">Se atiende sin cita</span>',
        '<span class="badge ok">Puede empezar el mismo día</span>',
        ">Llamar al 410-555-0142</a>",
        "<dt>Ofrece</dt><dd>Ambulatorio</dd>",
        "<dt>Pago</dt>",
        '<p class="freshness stale"><strong>Sin confirmar desde el 5 Mar 2020: '
        "llame antes de ir.</strong></p>",
    ):
        assert spanish in first
    assert (
        '<span class="badge ok">Acepta pacientes nuevos</span>' in cards["Clinica Dos"]
    )
    assert "Todavía sin confirmar: llame antes de ir." in cards["Clinica Dos"]
    assert "Confirmada por el proveedor el " in cards["Clinica Tres"]
    assert '<span class="badge">No sabemos si hay cupo' in cards["Clinica Tres"]
    assert "Waitlist" not in results and "call before you go" not in results


def test_the_spanish_help_strip_says_how_to_reach_988_and_the_helpline_in_spanish(
    client,
):
    page = html(client.get("/es/"))
    strip = re.search(r'<aside class="help-strip".*?</aside>', page, re.S)[0]
    assert "Llame al 911</a>" in strip
    assert "y marque el 2" in strip and "mande AYUDA al 988" in strip
    assert "1-800-662-4357" in strip and "en español" in strip
    help_page = html(client.get("/es/help/"))
    assert "representante nacional" in help_page
    assert "solo funciona en inglés" in help_page


def test_the_spanish_facts_index_lists_spanish_pages_and_the_english_only_ones(client):
    page = html(client.get("/es/facts/"))
    assert 'href="/es/facts/obtener-ayuda-hoy/"' in page
    assert 'href="/es/facts/getting-help-today/"' not in page
    assert "Páginas solo en inglés" in page
    assert '<a href="/facts/words-matter/" hreflang="en" lang="en">' in page
    english = html(client.get("/facts/"))
    assert "obtener-ayuda-hoy" not in english and "solo en inglés" not in english


def test_a_spanish_page_and_its_english_version_link_each_other(client):
    page = html(client.get("/es/facts/obtener-ayuda-hoy/"))
    assert '<html lang="es">' in page
    assert language_link(page)[1] == "/facts/getting-help-today/"
    assert alternates(page)["en"] == "http://testserver/facts/getting-help-today/"
    english = html(client.get("/facts/getting-help-today/"))
    assert language_link(english)[1] == "/es/facts/obtener-ayuda-hoy/"
    # Each address in the other language leads to the page in that language.
    response = client.get("/es/facts/getting-help-today/")
    assert response["Location"] == "/es/facts/obtener-ayuda-hoy/"
    response = client.get("/facts/obtener-ayuda-hoy/")
    assert response["Location"] == "/facts/getting-help-today/"


def test_an_english_page_without_a_spanish_version_says_so_in_spanish(client):
    page = html(client.get("/es/facts/words-matter/"))
    assert '<html lang="es">' in page
    assert "Esta página todavía no está en español" in page
    assert 'href="/facts/words-matter/" hreflang="en"' in page
    assert language_link(page)[1] == "/facts/words-matter/"


def test_a_spanish_page_without_an_english_version_opens_on_the_spanish_site(client):
    Article.objects.filter(slug="obtener-ayuda-hoy").update(english=None)
    response = client.get("/facts/obtener-ayuda-hoy/")
    assert response["Location"] == "/es/facts/obtener-ayuda-hoy/"
    page = html(client.get("/es/facts/obtener-ayuda-hoy/"))
    assert language_link(page)[1] == "/"
    # The English home page is no English version of it.
    assert alternates(page) == {"es": "http://testserver/es/facts/obtener-ayuda-hoy/"}


def test_facts_search_looks_in_the_pages_language(client):
    spanish = html(client.get("/es/search/", {"q": "naloxona"}))
    assert "/es/facts/sobredosis-senales-y-que-hacer/" in spanish
    assert 'href="/facts/' not in re.search(r"<main.*</main>", spanish, re.S)[0]
    english = html(client.get("/search/", {"q": "naloxone"}))
    assert "/es/facts/" not in english
    # Other forms of a word: "medicamento" finds the page about "medicamentos"
    # (PostgreSQL's Spanish stemming; elsewhere, the word as part of another).
    spanish = html(client.get("/es/search/", {"q": "medicamento"}))
    assert (
        "/es/facts/medicamentos-para-el-trastorno-por-consumo-de-opioides/" in spanish
    )


def test_spanish_inquiry_errors_and_confirmation_are_in_spanish(
    client, submit, make_provider
):
    provider = make_provider(inquiry_email="clinic@example.org")
    url = f"/es{provider.get_absolute_url()}contact/"
    page = html(client.post(url, {**INQUIRY, "email": "", "consent": ""}))
    assert "Revise estas 2 respuestas" in page
    assert "Dé un correo electrónico o un número de teléfono" in page
    assert "Marque la casilla para dar su permiso" in page
    response = submit(url, {**INQUIRY, "recipient": provider.name})
    assert response.status_code == 302
    assert response["Location"] == "/es/contact/sent/"
    sent = html(client.get(response["Location"]))
    assert "Gracias, Ana. Recibimos su mensaje" in sent
    assert "En la mañana" in sent
    # The provider's email is in English; what the visitor agreed to and wrote
    # stays as they read and wrote it.
    (email,) = mail.outbox
    assert "Who needs help: Someone else" in email.body
    assert "Best time: Morning" in email.body
    assert f"Estoy de acuerdo en que {provider.name} reciba mi mensaje" in email.body
    assert MESSAGE in email.body
    assert "They wrote from the Spanish pages of the site" in email.body
    assert Inquiry.objects.get().language == "es"


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/es/no-such-page/", "No encontramos esa página"),
        ("/es/treatment/no-such-provider/", "No encontramos esa página"),
    ],
)
def test_error_pages_are_in_the_pages_language(client, path, heading):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="es">' in page and heading in page
    assert "Error 404" in page


def test_the_spanish_results_download_is_in_spanish(client, make_provider):
    make_provider(name="Clínica Sol", services=["outpatient", "medicaid"])
    response = client.get("/es/treatment/results.csv", {"near": "21201"})
    header, row = response.content.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Nombre,Calle,Ciudad,Estado,Código postal,Teléfono")
    assert header.endswith("Servicios,Distancia (millas),Página de la ficha")
    assert "Ambulatorio; Medicaid" in row and "/es/treatment/" in row
    english = client.get("/treatment/results.csv", {"near": "21201"})
    assert english.content.decode("utf-8-sig").startswith("Name,Street,City")


@pytest.mark.parametrize(
    "full_path",
    [
        "/treatment/?near=Baltimore%2C+MD&radius=25",
        "/es/treatment/?near=21201",
        "/es/facts/",
        "/privacy/",
        "/api/hsds/services",
        "/admin/login/?next=/admin/",
    ],
)
def test_a_pages_other_address_is_the_same_from_its_match_as_from_its_path(
    full_path,
):
    # Pages give their request's ResolverMatch to spare resolving the path
    # again; the answer must be the one resolving the path gives.
    path = full_path.split("?")[0]
    with translation.override(page_language(path)):
        match = resolve(path)
    for code, _ in settings.LANGUAGES:
        assert translated_path(full_path, code, match) == translated_path(
            full_path, code
        )
