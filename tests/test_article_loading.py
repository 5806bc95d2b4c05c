"""`manage.py load_articles` on a database that has already migrated (issue 13, 5)."""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from facts.loading import ARTICLES_DIR, article_paths
from facts.models import Article

pytestmark = pytest.mark.django_db

SOURCES = """
[[sources]]
title = "Naloxone DrugFacts"
publisher = "U.S. Food and Drug Administration (FDA)"
url = "https://www.fda.gov/naloxone"
date = "2024"
"""


@pytest.fixture
def articles(tmp_path):
    """A copy of facts/articles that a test can change."""
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES_DIR, folder)
    return folder


def write(folder, slug, *, title="Naloxone at home", body="Keep naloxone.", **meta):
    fields = {
        "title": title,
        "summary": "Where to keep naloxone.",
        "section": "helping",
        "order": 9,
        "related_services": ["naloxone"],
    } | meta
    lines = [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    (folder / f"{slug}.md").write_text(
        "+++\n"
        + "\n".join(lines)
        + "\nsources_checked = 2026-11-28\n"
        + SOURCES
        + "+++\n\n"
        + body
        + "\n",
        encoding="utf-8",
    )


def load(folder, *args):
    out = io.StringIO()
    call_command("load_articles", "--directory", str(folder), *args, stdout=out)
    return out.getvalue()


def edit_in_admin(admin_client, article, **changes):
    """Save the page through the admin form, as staff would."""
    article = Article.objects.get(pk=article.pk)
    data = {
        "title": article.title,
        "slug": article.slug,
        # Browsers send text areas with CR LF line breaks.
        "summary": article.summary,
        "body": article.body.replace("\n", "\r\n"),
        "section": article.section,
        "order": article.order,
        "related_services": [s.pk for s in article.related_services.all()],
        "sources_checked": article.sources_checked or "",
        "is_published": "on" if article.is_published else "",
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
    } | changes
    url = reverse("admin:facts_article_change", args=[article.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_new_file_becomes_a_published_page(client, articles):
    write(articles, "naloxone-at-home", body="Keep naloxone where you can reach it.")
    assert "Added: naloxone-at-home" in load(articles)
    page = client.get("/facts/naloxone-at-home/").content.decode()
    assert "Keep naloxone where you can reach it." in page
    assert "Sources last checked" in page and "November 28, 2026" in page
    assert "Naloxone DrugFacts</a>, U.S. Food and Drug Administration (FDA), 2024." in (
        page
    )
    assert "/treatment/?medications=naloxone" in page
    assert 'href="/facts/naloxone-at-home/"' in client.get("/facts/").content.decode()


def test_a_changed_file_changes_the_page_and_its_review_lapses(
    client, articles, admin_user
):
    article = Article.objects.get(slug="treatment-options")
    article.record_review(
        name="Dr. Ana Ruiz",
        credentials="MD",
        text_hash=article.text_hash(),
        recorded_by=admin_user,
    )
    assert (
        "Reviewed by Dr. Ana Ruiz"
        in client.get("/facts/treatment-options/").content.decode()
    )
    path = articles / "treatment-options.md"
    path.write_text(
        path.read_text().replace("+++\n\n", "+++\n\nA brand-new first line.\n\n", 1)
    )
    assert "Updated from its file: treatment-options" in load(articles)
    page = client.get("/facts/treatment-options/").content.decode()
    assert "A brand-new first line." in page
    assert "Awaiting medical review" in page
    assert "Reviewed by" not in page


def test_a_removed_file_unpublishes_its_page_and_keeps_it(
    client, admin_client, articles
):
    (articles / "individual-therapy.md").unlink()
    assert "Unpublished, because its file was removed: individual-therapy" in load(
        articles
    )
    assert client.get("/facts/individual-therapy/").status_code == 404
    assert "/facts/individual-therapy/" not in client.get("/facts/").content.decode()
    article = Article.objects.get(slug="individual-therapy")
    assert article.body and article.sources.exists()
    assert (
        "Not published."
        in admin_client.get("/facts/individual-therapy/").content.decode()
    )
    # From then on the page is the staff's: publishing it again sticks.
    Article.objects.filter(pk=article.pk).update(is_published=True)
    assert "individual-therapy" not in load(articles)
    assert client.get("/facts/individual-therapy/").status_code == 200


def test_a_file_put_back_publishes_its_page_again(client, articles):
    saved = (articles / "individual-therapy.md").read_text()
    (articles / "individual-therapy.md").unlink()
    load(articles)
    (articles / "individual-therapy.md").write_text(saved)
    assert "Updated from its file: individual-therapy" in load(articles)
    assert client.get("/facts/individual-therapy/").status_code == 200


def test_running_it_again_changes_nothing(articles):
    write(articles, "naloxone-at-home")
    load(articles)
    before = list(Article.objects.values_list("slug", "updated_at", "is_published"))
    assert load(articles).splitlines() == [f"{len(before)} page(s) unchanged."]
    assert list(Article.objects.values_list("slug", "updated_at", "is_published")) == (
        before
    )


def test_saving_in_admin_without_a_change_is_not_an_edit(admin_client, articles):
    article = Article.objects.get(slug="outpatient-treatment")
    edit_in_admin(admin_client, article)
    path = articles / "outpatient-treatment.md"
    path.write_text(path.read_text().replace("+++\n\n", "+++\n\nNew line.\n\n", 1))
    assert "Updated from its file: outpatient-treatment" in load(articles)


def test_an_admin_edit_is_kept_while_the_file_is_unchanged(
    client, admin_client, articles
):
    article = Article.objects.get(slug="outpatient-treatment")
    edit_in_admin(admin_client, article, summary="Edited by staff.")
    output = load(articles)
    assert "Kept the edit made in admin: outpatient-treatment" in output
    assert "CONFLICT" not in output
    assert (
        "Edited by staff."
        in client.get("/facts/outpatient-treatment/").content.decode()
    )


def test_an_admin_edit_and_a_changed_file_are_a_conflict(
    client, admin_client, articles
):
    article = Article.objects.get(slug="outpatient-treatment")
    edit_in_admin(admin_client, article, summary="Edited by staff.")
    path = articles / "outpatient-treatment.md"
    path.write_text(path.read_text().replace("+++\n\n", "+++\n\nFrom the file.\n\n", 1))
    for _ in range(2):  # reported on every run until someone resolves it
        output = load(articles)
        assert "CONFLICT: outpatient-treatment was edited in admin" in output
        assert "--file-wins outpatient-treatment" in output
    page = client.get("/facts/outpatient-treatment/").content.decode()
    assert "Edited by staff." in page and "From the file." not in page

    assert "Updated from its file: outpatient-treatment" in load(
        articles, "--file-wins", "outpatient-treatment"
    )
    page = client.get("/facts/outpatient-treatment/").content.decode()
    assert "Edited by staff." not in page and "From the file." in page
    assert "outpatient-treatment" not in load(articles)


def test_a_conflict_ends_when_the_file_says_what_the_page_says(admin_client, articles):
    article = Article.objects.get(slug="outpatient-treatment")
    edit_in_admin(admin_client, article, summary="Edited by staff.")
    path = articles / "outpatient-treatment.md"
    text = path.read_text()
    old_summary = text.split('summary = "', 1)[1].split('"', 1)[0]
    path.write_text(text.replace(old_summary, "Edited by staff."))
    assert "outpatient-treatment" not in load(articles)
    path.write_text(path.read_text().replace("+++\n\n", "+++\n\nLater.\n\n", 1))
    assert "Updated from its file: outpatient-treatment" in load(articles)


def test_unpublishing_in_admin_is_an_edit_the_file_does_not_undo(client, articles):
    Article.objects.filter(slug="outpatient-treatment").update(is_published=False)
    load(articles)
    assert client.get("/facts/outpatient-treatment/").status_code == 404


def test_a_page_made_in_admin_is_not_replaced_by_a_new_file(client, articles):
    Article.objects.create(
        slug="naloxone-at-home",
        title="Made in admin",
        summary="Staff wrote this.",
        body="Staff text.",
        section="help",
        is_published=True,
    )
    write(articles, "naloxone-at-home")
    assert "CONFLICT: naloxone-at-home" in load(articles)
    assert "Staff text." in client.get("/facts/naloxone-at-home/").content.decode()


@pytest.mark.parametrize(
    "front_matter, problem",
    [
        ('title = "x"', "`summary` is missing"),
        (
            'title = "x"\nsummary = "y"\nsection = "help"\norder = 1\ncolour = 3',
            "unknown key `colour`",
        ),
        (
            'title = "x"\nsummary = "y"\nsection = "gossip"\norder = 1',
            "section: Value 'gossip' is not a valid choice.",
        ),
        (
            'title = "x"\nsummary = "y"\nsection = "help"\norder = "first"',
            "`order` must be a whole number",
        ),
        (
            'title = "x"\nsummary = "y"\nsection = "help"\norder = 1\n'
            'sources_checked = "last week"',
            "`sources_checked` must be a date",
        ),
        (
            'title = "x"\nsummary = "y"\nsection = "help"\norder = 1\n'
            'related_services = ["teleportation"]',
            "unknown related_services",
        ),
        (
            'title = "x"\nsummary = "' + "y" * 301 + '"\nsection = "help"\norder = 1',
            "summary: Ensure this value has at most 300 characters",
        ),
        (
            'title = "x"\nsummary = "y"\nsection = "help"\norder = 1\n'
            '[[sources]]\ntitle = "t"\npublisher = "p"\nurl = "not a url"',
            "url: Enter a valid URL.",
        ),
        ('title = "x\nsummary = "y"', "the front matter:"),
    ],
)
def test_a_bad_file_is_reported_and_nothing_changes(articles, front_matter, problem):
    (articles / "bad-page.md").write_text(f"+++\n{front_matter}\n+++\n\nText.\n")
    (articles / "individual-therapy.md").unlink()
    before = list(Article.objects.values_list("slug", "is_published"))
    with pytest.raises(CommandError) as error:
        load(articles)
    assert str(error.value).startswith("Nothing was changed.")
    assert "bad-page.md" in str(error.value) and problem in str(error.value)
    assert list(Article.objects.values_list("slug", "is_published")) == before


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("no-front-matter.md", "Just text.\n", "it must start with a line `+++`"),
        ("not-utf8.md", None, "not UTF-8 text"),
        (
            "Bad Name.md",
            '+++\ntitle = "x"\nsummary = "y"\nsection = "help"\n'
            "order = 1\n+++\nText.\n",
            "slug: Enter a valid",
        ),
        (
            "how-we-review.md",
            '+++\ntitle = "x"\nsummary = "y"\n'
            'section = "help"\norder = 1\n+++\nText.\n',
            "this address is taken",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_reported(articles, name, content, problem):
    path = articles / name
    if content is None:
        path.write_bytes(b'+++\ntitle = "\xff"\n+++\n')
    else:
        path.write_text(content)
    with pytest.raises(CommandError) as error:
        load(articles)
    assert problem in str(error.value)


def test_an_empty_folder_unpublishes_nothing(tmp_path):
    with pytest.raises(CommandError, match="No .md files"):
        load(tmp_path)
    assert Article.objects.published().count() == len(article_paths(ARTICLES_DIR))


def test_file_wins_needs_a_file(articles):
    with pytest.raises(CommandError, match="No file for --file-wins no-such-page"):
        load(articles, "--file-wins", "no-such-page")


def test_migrate_loads_the_pages_into_a_database(client):
    Article.objects.filter(slug="treatment-options").delete()
    applied = MigrationLoader(connection).graph.nodes[("facts", "0001_initial")]
    emit_post_migrate_signal(0, False, "default", plan=[(applied, False)])
    assert client.get("/facts/treatment-options/").status_code == 200


def test_a_flush_loads_nothing(client):
    """flush sends post_migrate with no plan, over emptied tables."""
    Article.objects.filter(slug="treatment-options").delete()
    emit_post_migrate_signal(0, False, "default")
    assert client.get("/facts/treatment-options/").status_code == 404
