"""The main journey in Spanish on a 390x844 phone (issue 17, point 7): home,
search with filters, a provider, an inquiry with mistakes and then sent, and
a facts page. On every page: lang="es", no axe violations, and no English in
what a visitor reads or hears (see english_words).

Screenshots in test-artifacts/ named spanish-*.
"""

import re

import pytest
from django.core import mail

from tests.browser.conftest import axe_violations, screenshot
from treatment.models import Inquiry, Provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Common English words of this site's pages; none of them is also Spanish
# ("use", "me", "no" and "a" are).
ENGLISH_WORDS = """the and of to you your for with this that are was find treatment
    search help call near miles mile provider providers page pages message send sent
    back report more about not or what who how here now get filters filter sort
    results result accepting patients new verified email phone website
    directions share facts sources source reviewed review privacy skip content
    text listing sample please thank we our us they them have has will can
    choose enter any kind care type payment services service location my
    overdose naloxone if someone free confidential english spanish"""
ENGLISH = set(ENGLISH_WORDS.split())
PROVIDER = "Centro Esperanza"


def english_words(page, names=()):
    """English words among what a visitor reads: text that is shown, or read
    out (visually hidden text, aria-label, placeholder), less proper names and
    parts marked as in another language (lang="en"), and less the titles of
    cited documents, which are their own names."""
    texts = page.evaluate(
        """() => {
          const spanish = (el) => {
            const marked = el.closest('[lang]');
            return !marked || marked.lang.startsWith('es');
          };
          const shown = (el) => el.checkVisibility() && !el.closest('.sources');
          const texts = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const el = walker.currentNode.parentElement;
            if (el && spanish(el) && shown(el)) {
              texts.push(walker.currentNode.textContent);
            }
          }
          for (const el of document.querySelectorAll('[aria-label], [placeholder]')) {
            if (spanish(el) && shown(el)) {
              texts.push(el.getAttribute('aria-label') || '');
              texts.push(el.getAttribute('placeholder') || '');
            }
          }
          texts.push(document.title);
          return texts;
        }"""
    )
    text = " ".join(texts)
    for name in ("Opioid Help", *names):
        text = text.replace(name, " ")
    # Each English word with the text around it, to show where it is.
    return sorted(
        {
            text[max(0, found.start() - 30) : found.end() + 30]
            for found in re.finditer(r"(?<![^\W\d_])[A-Za-z]+(?![^\W\d_])", text)
            if found.group(0).lower() in ENGLISH
        }
    )


def check(page, name, names=(PROVIDER,)):
    """The page is in Spanish, accessible and all Spanish."""
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    assert english_words(page, names) == []
    assert page.off_site_requests == []
    assert page.console_errors == []
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"spanish-{name}")


@pytest.fixture
def providers(make_provider):
    speaks = make_provider(
        name=PROVIDER,
        street="100 Light Street",
        zip_code="21202",
        phone="410-555-0111",
        inquiry_email="intake@esperanza.example.org",
        services=["outpatient", "buprenorphine", "medicaid", "spanish"],
        accepting_status=Provider.Status.ACCEPTING,
    )
    make_provider(
        name="Harbor Clinic",
        zip_code="21230",
        services=["outpatient", "buprenorphine", "medicaid"],
    )
    return speaks


def test_the_main_journey_in_spanish_on_a_phone(phone_page, live_server, providers):
    page = phone_page
    page.goto(live_server.url + "/es/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Busque tratamiento para la adicción a los opioides cerca de usted"
    )
    assert "marque el 2" in page.locator(".help-strip").inner_text()
    check(page, "home")

    # Search: a place and a kind of help, then a filter from the panel.
    page.get_by_label("Código postal o ciudad").fill("21201")
    page.get_by_label("¿Qué tipo de ayuda?").select_option(
        label="Buprenorfina (como Suboxone)"
    )
    page.get_by_role("button", name="Buscar tratamiento").click()
    page.wait_for_url("**/es/treatment/?**")
    heading = page.locator("#results-heading")
    assert "2 proveedores a menos de 25 millas" in heading.inner_text()
    check(page, "results", names=(PROVIDER, "Harbor Clinic"))

    page.locator(".filters-panel > summary").click()
    page.locator("summary", has_text="Idiomas").click()
    page.get_by_label(re.compile(r"^Español")).check()
    page.get_by_role("button", name="Ver resultados").click()
    page.wait_for_url("**languages=spanish**")
    assert "1 proveedor a menos de 25 millas" in heading.inner_text()
    chips = page.get_by_role("list", name="Sus filtros").inner_text()
    assert "Buprenorfina" in chips and "Español" in chips
    card = page.locator(".result").first
    assert "Se habla español" in card.inner_text()
    check(page, "filtered")

    # The provider, then a message with two mistakes.
    card.get_by_role("link", name=PROVIDER).click()
    page.wait_for_url(f"**/es/treatment/{providers.slug}/")
    assert "Se habla español" in page.locator(".meta").inner_text()
    check(page, "provider")

    page.get_by_role("link", name="Enviar un mensaje").click()
    page.get_by_label("Yo", exact=True).check()
    page.get_by_label("Correo electrónico").fill("ana@ejemplo")
    page.get_by_label("Su mensaje").fill(
        "Busco buprenorfina. ¿Tienen cupo esta semana?"
    )
    page.get_by_role("button", name="Enviar mensaje").click()
    page.wait_for_url(f"**/es/treatment/{providers.slug}/contact/")
    summary = page.get_by_role("alert")
    assert "Revise estas 2 respuestas" in summary.inner_text()
    assert "Marque la casilla para dar su permiso" in summary.inner_text()
    assert Inquiry.objects.count() == 0
    check(page, "inquiry-errors")

    page.get_by_label("Correo electrónico").fill("ana@ejemplo.org")
    page.get_by_label(f"Estoy de acuerdo en que {PROVIDER} reciba mi mensaje").check()
    page.get_by_role("button", name="Enviar mensaje").click()
    page.wait_for_url(re.compile(r"/es/contact/sent/"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Gracias. Recibimos su mensaje"
    )
    assert f"{PROVIDER} lo recibirá" in page.inner_text("main")
    check(page, "inquiry-sent")
    assert Inquiry.objects.get().email == "ana@ejemplo.org"
    assert "Who needs help: Me" in mail.outbox[0].body  # the provider's, in English

    # A facts page, from the header.
    page.get_by_role("link", name="Información", exact=True).click()
    page.wait_for_url("**/es/facts/")
    page.get_by_role("link", name="Sobredosis: señales y qué hacer").click()
    page.wait_for_url("**/es/facts/sobredosis-senales-y-que-hacer/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Sobredosis: señales y qué hacer"
    )
    check(page, "article")


def test_the_language_link_keeps_the_search_and_is_remembered(
    phone_page, live_server, providers
):
    page = phone_page
    page.goto(live_server.url + "/treatment/?near=21201&payment=medicaid")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/treatment/?near=21201&payment=medicaid")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Medicaid" in page.get_by_role("list", name="Sus filtros").inner_text()
    # An English address now opens in Spanish, until English is chosen again.
    page.goto(live_server.url + "/help/")
    assert page.url == live_server.url + "/es/help/"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/help/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(live_server.url + "/help/")
    assert page.url == live_server.url + "/help/"
