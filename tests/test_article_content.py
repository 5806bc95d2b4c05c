"""What every page in facts/articles must be (issue 13, point 4), in English and
in Spanish (facts/articles/es, issue 17, point 4).

- Easy to read: Flesch-Kincaid grade 8 or lower (textstat 0.7.3, which works
  offline), counted on the title, summary and text as visitors read them; a
  Spanish page, 65 or more on the Szigriszt-Pazos scale ("bastante fácil" on
  the INFLESZ scale, which Spanish health writing uses).
- Kind: no word that labels people by their drug use ("addict", "abuser",
  "junkie", "clean" or "dirty" for a person, "substance abuse"; in Spanish
  "adicto", "drogadicto", "toxicómano", "abusador", "yonqui", "tecato",
  "vicioso", "limpio" or "sucio" for a person, "abuso de sustancias"). Only
  the names of the sources a page cites may contain them.
- Sourced: at least two sources, each an https address on an authoritative
  site (AUTHORITATIVE_DOMAINS, or a state government's .gov site: see
  is_state_government_site), none of them an archived copy, and the date the
  sources were last checked.
"""

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import textstat

from facts.loading import ARTICLES_DIR, PageContent, article_paths, read_article_file
from facts.rendering import render_markdown

MAX_GRADE = 8
MIN_SPANISH_EASE = 65  # Szigriszt-Pazos: 65 to 80 "bastante fácil"
MIN_SOURCES = 2
AUTHORITATIVE_DOMAINS = {
    "nih.gov",  # NIDA, NIAAA, NCBI and the other institutes
    "samhsa.gov",
    "cdc.gov",
    "fda.gov",
    "medlineplus.gov",
    "hhs.gov",
    "federalregister.gov",
    "ecfr.gov",
    "asam.org",
    "acog.org",
    "who.int",
    "988lifeline.org",
}
# US states, DC and the territories: postal codes and names, as their
# governments' .gov domains use them (ny.gov, oregon.gov, newmexico.gov).
STATES = {
    "AL Alabama", "AK Alaska", "AZ Arizona", "AR Arkansas", "CA California",
    "CO Colorado", "CT Connecticut", "DE Delaware", "DC DistrictOfColumbia",
    "FL Florida", "GA Georgia", "HI Hawaii", "ID Idaho", "IL Illinois",
    "IN Indiana", "IA Iowa", "KS Kansas", "KY Kentucky", "LA Louisiana",
    "ME Maine", "MD Maryland", "MA Massachusetts", "MI Michigan",
    "MN Minnesota", "MS Mississippi", "MO Missouri", "MT Montana",
    "NE Nebraska", "NV Nevada", "NH NewHampshire", "NJ NewJersey",
    "NM NewMexico", "NY NewYork", "NC NorthCarolina", "ND NorthDakota",
    "OH Ohio", "OK Oklahoma", "OR Oregon", "PA Pennsylvania", "RI RhodeIsland",
    "SC SouthCarolina", "SD SouthDakota", "TN Tennessee", "TX Texas", "UT Utah",
    "VT Vermont", "VA Virginia", "WA Washington", "WV WestVirginia",
    "WI Wisconsin", "WY Wyoming", "AS AmericanSamoa", "GU Guam",
    "MP NorthernMarianaIslands", "PR PuertoRico", "VI VirginIslands",
}  # fmt: skip
STATE_DOMAIN_NAMES = {name.lower() for state in STATES for name in state.split()} | {
    "mass",
    "wyo",
}  # Massachusetts (mass.gov) and Wyoming (wyo.gov)

STIGMATISING_EN = {
    "addict": r"\baddicts?\b",
    "abuser": r"\babusers?\b",
    "junkie": r"\bjunkies?\b",
    "substance abuse": r"\bsubstance abuse\b",
    # "clean" or "dirty" as a state of a person ("stay clean", "clean for a
    # year", "dirty urine"). Cleaning something ("clean the skin") is fine;
    # for supplies the pages say "sterile" or "new".
    "clean/dirty": r"\b(?:clean|dirty)\b(?!\s+(?:the|your|a|an|it|them|their)\b)",
}

# The same labels in Spanish. "Limpio" or "sucio" as a state of a person ("estar
# limpio", "limpio desde hace un año", "orina sucia"); for supplies the pages
# say "estéril" or "nuevo".
STIGMATISING_ES = {
    "adicto": r"\b(?:drog)?adict[oa]s?\b",
    "toxicómano": r"\btoxicóman[oa]s?\b",
    "abusador": r"\babusador(?:a|es|as)?\b",
    "abuso de sustancias": r"\babuso de (?:sustancias|drogas|opioides)\b",
    "yonqui": r"\b(?:yonqu?is?|yonkis?|tecat[oa]s?)\b",
    "vicioso": r"\bvicios[oa]s?\b",
    "limpio/sucio": r"\b(?:limpi|suci)[oa]s?\b(?!\s+(?:la|el|los|las|su|sus|un|una)\b)",
}
STIGMATISING = {"en": STIGMATISING_EN, "es": STIGMATISING_ES}

ARTICLE_FILES = article_paths(ARTICLES_DIR)


def is_state_government_site(host):
    """A state's own site: a .gov domain named for a US state, DC or territory.

    The name before ".gov" is the state's postal code (ny.gov, health.ny.gov,
    cdph.ca.gov) or its name written as one word (oregon.gov, hhs.texas.gov,
    newmexico.gov), or one of the two short forms in use (mass.gov, wyo.gov).
    City and county sites (nyc.gov) are not state sites.
    """
    labels = host.split(".")
    return len(labels) >= 2 and labels[-1] == "gov" and labels[-2] in STATE_DOMAIN_NAMES


def source_problem(url):
    """Why a source address is not acceptable, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return "not https"
    if host.split(".")[0] in {"archive", "archives"}:
        return "an archived copy: cite the live page"
    if any(
        host == domain or host.endswith("." + domain)
        for domain in (AUTHORITATIVE_DOMAINS)
    ):
        return None
    if is_state_government_site(host):
        return None
    return f"{host} is not on the list of authoritative sites"


class BlockText(HTMLParser):
    """The text of each heading, paragraph and list item, as sentences."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre"}

    def __init__(self):
        super().__init__()
        self.blocks = [""]

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.blocks.append("")

    def handle_data(self, data):
        self.blocks[-1] += data

    def sentences(self):
        # A heading or list item without a full stop still ends a sentence.
        blocks = (" ".join(block.split()) for block in self.blocks)
        return " ".join(
            block if block[-1] in ".!?:" else block + "." for block in blocks if block
        )


def reading_text(page):
    parser = BlockText()
    parser.feed(f"<h1>{page.title}</h1><p>{page.summary}</p>")
    parser.feed(render_markdown(page.body))
    return parser.sentences()


def grade(page):
    return textstat.flesch_kincaid_grade(reading_text(page))


def spanish_ease(page):
    textstat.set_lang("es")
    try:
        return textstat.szigriszt_pazos(reading_text(page))
    finally:
        textstat.set_lang("en_US")


def stigmatising_words(page):
    text = " ".join([page.title, page.summary, page.body])
    for title, publisher, _url, _date in page.sources:
        # The names of cited sources stay as their authors wrote them.
        for name in (title, publisher, re.sub(r"\s*\(.*?\)$", "", publisher)):
            text = text.replace(name, " ")
    return sorted(
        {
            match.group(0)
            for pattern in STIGMATISING[page.language].values()
            for match in re.finditer(pattern, text, re.IGNORECASE)
        }
    )


@pytest.fixture(params=ARTICLE_FILES, ids=lambda path: f"{path[1]}/{path[0].stem}")
def page(request):
    return read_article_file(*request.param)


def test_there_are_pages_to_check():
    languages = [language for _, language in ARTICLE_FILES]
    assert languages.count("en") >= 12
    assert languages.count("es") >= 6


def test_every_page_is_easy_to_read(page):
    if page.language == "es":
        assert spanish_ease(page) >= MIN_SPANISH_EASE
    else:
        assert grade(page) <= MAX_GRADE


def test_no_page_labels_people_by_their_drug_use(page):
    assert stigmatising_words(page) == []


def test_every_page_has_at_least_two_authoritative_sources(page):
    assert len(page.sources) >= MIN_SOURCES
    problems = {url: source_problem(url) for _title, _pub, url, _date in page.sources}
    assert {url: problem for url, problem in problems.items() if problem} == {}


def test_every_page_says_when_its_sources_were_last_checked(page):
    assert page.sources_checked is not None, "add sources_checked = YYYY-MM-DD"
    assert page.sources_checked <= date.today()


# The checks themselves, on text written to pass or fail them.


def test_hard_spanish_is_below_the_ease_asked_and_plain_spanish_above():
    hard = read_article_file_like(
        "Las intervenciones farmacológicas fundamentadas en medicamentos "
        "agonistas opioides demuestran una efectividad considerable respecto "
        "de la disminución de la mortalidad asociada al trastorno por consumo "
        "de opioides en poblaciones heterogéneas.",
        language="es",
    )
    plain = read_article_file_like(
        "Los medicamentos para el uso de opioides salvan vidas. Ayudan a "
        "seguir en tratamiento. Pregunte a su médico.",
        language="es",
    )
    assert spanish_ease(hard) < MIN_SPANISH_EASE <= spanish_ease(plain)


def test_hard_text_is_above_grade_eight_and_plain_text_below():
    hard = read_article_file_like(
        "Pharmacological interventions utilizing opioid agonist medications "
        "demonstrate substantial effectiveness regarding the reduction of "
        "mortality associated with opioid use disorder among heterogeneous "
        "populations."
    )
    plain = read_article_file_like(
        "Medicine for opioid use disorder saves lives. It helps people stay "
        "in care. Ask a doctor about it."
    )
    assert grade(hard) > MAX_GRADE >= grade(plain)


def test_headings_and_list_items_count_as_sentences():
    page = read_article_file_like("## What to do\n\n- call 911\n- give naloxone")
    assert reading_text(page).endswith("What to do. call 911. give naloxone.")


@pytest.mark.parametrize(
    "text, found",
    [
        ("He is an addict.", ["addict"]),
        ("Addicts and abusers deserve care.", ["Addicts", "abusers"]),
        ("Not a junkie.", ["junkie"]),
        ("Treatment for substance abuse.", ["substance abuse"]),
        ("She has been clean for a year.", ["clean"]),
        ("Stay clean and sober.", ["clean"]),
        ("A dirty urine test.", ["dirty"]),
        ("Use clean needles.", ["clean"]),
        ("Addiction is a disease; a person with an addiction can recover.", []),
        ("Clean the skin with an alcohol pad.", []),
        ("Use sterile needles and not using alone.", []),
    ],
)
def test_stigmatising_words_are_found(text, found):
    assert stigmatising_words(read_article_file_like(text)) == sorted(found)


@pytest.mark.parametrize(
    "text, found",
    [
        ("Es un adicto.", ["adicto"]),
        (
            "Los drogadictos y los toxicómanos merecen ayuda.",
            ["drogadictos", "toxicómanos"],
        ),
        ("Tratamiento para el abuso de sustancias.", ["abuso de sustancias"]),
        ("No es un yonqui ni un tecato.", ["tecato", "yonqui"]),
        ("Lleva un año limpio.", ["limpio"]),
        ("Una prueba de orina sucia.", ["sucia"]),
        ("Use agujas limpias.", ["limpias"]),
        ("Una persona con un trastorno por consumo de opioides puede recuperarse.", []),
        ("Limpie la piel con alcohol. Use agujas estériles.", []),
        ("La adicción es una enfermedad.", []),
    ],
)
def test_spanish_stigmatising_words_are_found(text, found):
    page = read_article_file_like(text, language="es")
    assert stigmatising_words(page) == sorted(found)


def test_source_names_may_keep_their_own_words():
    page = read_article_file_like(
        "SAMHSA (the Substance Abuse and Mental Health Services Administration) "
        "runs the helpline.",
        sources=(
            (
                "Substance Abuse Treatment: a guide",
                "Substance Abuse and Mental Health Services Administration (SAMHSA)",
                "https://www.samhsa.gov/",
                "",
            ),
        ),
    )
    assert stigmatising_words(page) == []


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://nida.nih.gov/publications/drugfacts/heroin", None),
        ("https://www.samhsa.gov/find-help/helplines/national-helpline", None),
        ("https://988lifeline.org/", None),
        ("https://www.ecfr.gov/current/title-42/part-8", None),
        ("https://www.health.ny.gov/diseases/aids/", None),
        ("https://www.oregon.gov/oha/", None),
        ("https://www.mass.gov/naloxone", None),
        ("https://health.wyo.gov/publichealth/", None),
        ("https://hhs.texas.gov/services/", None),
        ("http://www.cdc.gov/overdose", "not https"),
        ("https://archives.nida.nih.gov/old", "an archived copy: cite the live page"),
        ("https://teens.drugabuse.gov/", "teens.drugabuse.gov is not on the list"),
        ("https://docslib.org/doc/1", "docslib.org is not on the list"),
        ("https://www.nyc.gov/health", "www.nyc.gov is not on the list"),
        ("https://notnih.gov/", "notnih.gov is not on the list"),
        ("https://nih.gov.example.com/", "nih.gov.example.com is not on the list"),
    ],
)
def test_source_addresses_are_checked(url, problem):
    found = source_problem(url)
    assert (found is None) if problem is None else found.startswith(problem)


def read_article_file_like(body, sources=(), language="en"):
    """A page as read_article_file gives it, from text written here."""
    return PageContent(
        language=language,
        title="A page",
        summary="A short summary.",
        body=body,
        section="help",
        order=1,
        sources_checked=date(2026, 1, 1),
        services=(),
        sources=sources,
    )
