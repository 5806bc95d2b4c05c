import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from facts.loading import load_articles
from facts.models import Article, Source
from facts.rendering import render_markdown

pytestmark = pytest.mark.django_db

ARTICLE_FILES = Path(__file__).resolve().parent.parent / "facts" / "articles"
SEEDED = sorted(path.stem for path in ARTICLE_FILES.glob("*.md"))
SPANISH = sorted(path.stem for path in (ARTICLE_FILES / "es").glob("*.md"))
CTA = re.compile(r'<a class="button primary" href="([^"]+)">Find treatment providers')


def make_article(**fields):
    defaults = {
        "title": "A test page",
        "slug": "a-test-page",
        "summary": "A summary.",
        "body": "Some text.",
        "section": Article.Section.TREATMENT,
        "is_published": True,
    }
    return Article.objects.create(**(defaults | fields))


def page_html(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_article_file_is_loaded_published_and_awaiting_review():
    assert len(SEEDED) == 23
    assert len(SPANISH) == 6
    published = Article.objects.published()
    english = published.filter(language="en").values_list("slug", flat=True)
    spanish = published.filter(language="es").values_list("slug", flat=True)
    assert sorted(english) == SEEDED
    assert sorted(spanish) == SPANISH
    assert not any(article.is_medically_reviewed for article in published)


def test_loading_the_articles_again_changes_nothing():
    before = list(
        Article.objects.values_list("slug", "updated_at", "loaded_fingerprint")
    )
    sources = list(Source.objects.values_list("pk", flat=True))
    report = load_articles()
    assert report.lines() == [f"{len(SEEDED) + len(SPANISH)} page(s) unchanged."]
    after = list(
        Article.objects.values_list("slug", "updated_at", "loaded_fingerprint")
    )
    assert after == before
    assert list(Source.objects.values_list("pk", flat=True)) == sources


@pytest.mark.parametrize("slug", SEEDED)
def test_every_article_page_shows_its_sources_and_review_status(client, slug):
    article = Article.objects.get(slug=slug)
    page = page_html(client, f"/facts/{slug}/")
    assert f"<h1>{html.escape(article.title)}</h1>" in page
    sources = re.search(r'<ol class="sources">(.*?)</ol>', page, re.S).group(1)
    assert re.search(r'<a href="https?://[^"]+"', sources)
    assert "Awaiting medical review" in page
    assert "This is not medical advice." in page
    assert "Last updated <time" in page
    summary = html.escape(article.summary)
    assert f'<meta name="description" content="{summary}">' in page
    assert f'<meta property="og:description" content="{summary}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{html.escape(article.title)}">' in page
    assert f'<link rel="canonical" href="http://testserver/facts/{slug}/">' in page


def test_a_reviewed_page_says_who_reviewed_it_and_when(client, admin_user):
    article = make_article()
    article.record_review(
        name="Dr. Maria Lopez",
        credentials="MD, addiction medicine",
        text_hash=article.text_hash(),
        recorded_by=admin_user,
    )
    today = timezone.localdate()
    page = page_html(client, "/facts/a-test-page/")
    assert (
        "Reviewed by Dr. Maria Lopez, MD, addiction medicine, on "
        f'<time datetime="{today:%Y-%m-%d}">{date_format(today, "F j, Y")}</time>'
    ) in page
    assert "Awaiting medical review" not in page


def test_sources_show_title_publisher_and_date(client):
    article = make_article()
    article.sources.create(
        title="Naloxone facts",
        publisher="A Health Agency",
        url="https://example.org/naloxone",
        date="Dec 2024",
    )
    page = page_html(client, "/facts/a-test-page/")
    assert (
        '<a href="https://example.org/naloxone" rel="noopener noreferrer external">'
        "Naloxone facts</a>, A Health Agency, Dec 2024." in page
    )


def test_markdown_is_rendered_and_anything_dangerous_removed(client):
    body = (
        "## Heading\n\n**bold** and a [page](/facts/) link.\n\n"
        "<script>alert('script')</script>\n\n"
        '<img src="x" onerror="alert(\'img\')">\n\n'
        "[click me](javascript:alert('link'))\n\n"
        '<p onclick="alert(\'p\')" style="color:red">styled</p>'
    )
    rendered = render_markdown(body)
    assert "<h2>Heading</h2>" in rendered
    assert '<strong>bold</strong> and a <a href="/facts/">page</a> link.' in rendered
    for bad in ("<script", "onerror", "onclick", "javascript:", "style=", "<img"):
        assert bad not in rendered
    assert "alert" not in rendered
    make_article(body=body)
    page = page_html(client, "/facts/a-test-page/")
    assert "alert" not in page and "javascript:" not in page


def test_unpublished_pages_are_hidden_everywhere(client, admin_client):
    make_article(slug="draft", title="Draft about quokkas", is_published=False)
    assert client.get("/facts/draft/").status_code == 404
    assert "/facts/draft/" not in page_html(client, "/facts/")
    assert "/facts/draft/" not in page_html(client, "/search/", q="quokkas")
    assert "/facts/draft/" not in page_html(client, "/sitemap.xml")
    preview = page_html(admin_client, "/facts/draft/")
    assert "Not published." in preview


def test_no_page_calls_heroin_a_gateway_drug(client):
    for article in Article.objects.all():
        text = " ".join([article.title, article.summary, article.body]).lower()
        assert "gateway" not in text, article.slug
    assert "gateway" not in page_html(client, "/facts/").lower()


def test_medications_page_says_naltrexone_starts_only_after_withdrawal(client):
    page = page_html(client, "/facts/medications-for-opioid-use-disorder/")
    naltrexone = page[page.index("<h2>Naltrexone</h2>") :]
    assert "after withdrawal" in naltrexone
    assert "7 to 10 days" in naltrexone


def test_index_groups_pages_by_section_with_summaries(client):
    page = page_html(client, "/facts/")
    headings = re.findall(r'<h2 id="([a-z]+)">(.*?)</h2>', page)
    shown = set(Article.objects.published().values_list("section", flat=True))
    assert headings == [
        (value, html.escape(label))
        for value, label in Article.Section.choices
        if value in shown
    ]
    for article in Article.objects.filter(language="en"):
        assert f'href="/facts/{article.slug}/"' in page
        assert html.escape(article.summary) in page
    assert 'action="/search/"' in page


def test_related_pages_come_from_the_same_section(client):
    page = page_html(client, "/facts/overdose-signs-and-what-to-do/")
    related = page[page.index('id="related-heading"') :]
    assert 'href="/facts/getting-help-today/"' in related
    assert 'href="/facts/treatment-options/"' not in related


def test_directory_url_groups_services_by_category_parameter():
    article = make_article()
    assert article.directory_url() == "/treatment/"
    article.related_services.set(
        apps.get_model("treatment", "Service").objects.filter(
            slug__in=["buprenorphine", "methadone", "outpatient", "telehealth"]
        )
    )
    assert article.directory_url() == (
        "/treatment/?care=outpatient&telehealth=telehealth"
        "&medications=methadone&medications=buprenorphine"
    )


@pytest.mark.parametrize("slug", SEEDED)
def test_every_call_to_action_opens_matching_providers(client, make_provider, slug):
    article = Article.objects.get(slug=slug)
    services = {service.slug for service in article.related_services.all()}
    assert services, "every page should lead to the directory filtered"
    offers_all = make_provider(services=services)
    offers_none = make_provider(services=[])

    url = html.unescape(CTA.search(page_html(client, f"/facts/{slug}/")).group(1))
    assert url == article.directory_url()
    response = client.get(url)
    results = response.context["results"]
    assert results.notices == []
    assert results.total >= 1
    shown = response.content.decode()
    assert offers_all.get_absolute_url() in shown
    assert offers_none.get_absolute_url() not in shown
    chosen = parse_qs(urlsplit(url).query)
    assert {slug for slugs in chosen.values() for slug in slugs} == services
    for group, slugs in chosen.items():
        assert sorted(results.filterset.cleaned[group]) == sorted(slugs)


def test_article_page_query_count_is_pinned(client, django_assert_num_queries):
    # The page, its sources, its services, the related pages, and its Spanish
    # version (for the language link).
    with django_assert_num_queries(5):
        client.get("/facts/medications-for-opioid-use-disorder/")


def test_index_is_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/facts/")


def test_site_search_finds_articles_and_offers_the_directory(client):
    page = page_html(client, "/search/", q="naltrexone")
    assert 'href="/facts/medications-for-opioid-use-disorder/"' in page
    assert 'href="/treatment/?q=naltrexone"' in page
    page = page_html(client, "/search/", q="no-such-word-anywhere")
    assert "No facts pages matched" in page
    assert 'href="/treatment/?q=no-such-word-anywhere"' in page


def test_site_search_ranks_title_matches_first_on_postgresql():
    in_body = make_article(
        slug="in-body", title="Another page", body="A word about the quokka."
    )
    in_title = make_article(slug="in-title", title="Zany quokka facts")
    results = list(Article.objects.published().search("quokka"))
    assert set(results) == {in_body, in_title}
    if connection.vendor == "postgresql":
        assert results == [in_title, in_body]
        # Full-text search matches other forms of a word.
        assert set(Article.objects.published().search("quokkas")) == set(results)


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "Type a word or two"),
        ("q=", "Type a word or two"),
        ("q=%20%20", "Type a word or two"),
        ("q=%00%ff%fe", "Type a word or two"),
        ("q=%ED%A0%80", "Type a word or two"),
        ("q=" + "x" * 5000, "That search is too long"),
        ("q=metha%00done%01", "Facts pages about “methadone”"),
        ("q=%27%22%3C%3E%26%21%3A*|", "No facts pages matched"),
        ("q=a&q=methadone", "Facts pages about “methadone”"),
    ],
)
def test_odd_searches_get_a_clear_message_not_an_error(client, query, message):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    if query:
        assert message in page
    else:
        assert "errorlist" not in page
    assert "\x00" not in page


def test_sitemap_lists_pages_articles_and_published_providers(client, make_provider):
    listed = make_provider()
    hidden = make_provider(is_published=False)
    paths = {
        urlsplit(url).path
        for url in re.findall(r"<loc>(.*?)</loc>", page_html(client, "/sitemap.xml"))
    }
    assert {"/", "/help/", "/privacy/", "/facts/", "/facts/how-we-review/"} <= paths
    assert {f"/facts/{slug}/" for slug in SEEDED} <= paths
    assert listed.get_absolute_url() in paths
    assert hidden.get_absolute_url() not in paths


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_site_links_reach_the_facts_index(client):
    page = page_html(client, "/")
    assert '<li><a href="/facts/">Facts</a></li>' in page
    assert '<a href="/facts/">Read the facts</a>' in page


@pytest.mark.parametrize(
    "path", ["/facts/", "/facts/treatment-options/", "/search/?q=methadone"]
)
def test_facts_pages_have_no_inline_code(client, path):
    page = client.get(path).content.decode()
    assert "<script" not in page and "<style" not in page
    assert " style=" not in page
    assert not re.search(r" on[a-z]+=", page)


def test_admin_publish_and_unpublish_actions(admin_client):
    article = Article.objects.get(slug="treatment-options")
    changelist = reverse("admin:facts_article_changelist")
    for action, published in (("unpublish", False), ("publish", True)):
        response = admin_client.post(
            changelist, {"action": action, "_selected_action": [article.pk]}
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_published is published


def test_admin_search_and_section_filter(admin_client):
    changelist = reverse("admin:facts_article_changelist")
    page = page_html(
        admin_client, changelist, q="naltrexone", section__exact="treatment"
    )
    assert "Medications for opioid use disorder" in page
    assert "Health risks of heroin" not in page


def test_admin_edit_page_has_sources_inline_and_view_on_site(admin_client):
    article = Article.objects.get(slug="treatment-options")
    page = page_html(
        admin_client, reverse("admin:facts_article_change", args=[article.pk])
    )
    assert 'name="sources-TOTAL_FORMS"' in page
    assert "View on site" in page
