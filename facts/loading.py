"""The facts pages in facts/articles/, loaded on every release.

Each file is TOML front matter between `+++` lines, then the page's Markdown; the
file's name without `.md` is the page's address. English pages are in
facts/articles/, Spanish ones in facts/articles/es/ (at /es/facts/<address>/),
each naming the English page it is the Spanish of with `english = "<address>"`.
Addresses are unique across both languages. `manage.py load_articles` runs
this on every release, and `migrate` runs it too, so a new database has pages.

What wins when a page was also edited in admin: the file, unless staff have
edited the page since it was last loaded. Then the staff edit stays, and if the
file has changed as well, that is reported as a conflict on every run until
someone makes the file say what the page should say (or runs the command with
`--file-wins SLUG` to drop the staff edit). An edit is anything the file also
holds: the title, summary or text, the section, the order, the related
services, the sources and the date they were checked, and publishing or
unpublishing. A file that is removed leaves its page unpublished, not deleted,
and from then on the page is the staff's.
"""

import datetime
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import resolve, reverse
from django.utils.dateformat import format as format_date

from facts.models import Article, Source, normalized_text
from treatment.models import Service

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
REQUIRED_KEYS = {"title", "summary", "section", "order"}
OPTIONAL_KEYS = {"related_services", "sources_checked", "sources", "english"}
# The folder of each language's pages, inside the folder of the English ones.
LANGUAGE_FOLDERS = {Article.Language.ENGLISH: ".", Article.Language.SPANISH: "es"}
SOURCE_KEYS = ("title", "publisher", "url", "date")


class ArticleFileError(Exception):
    """One or more files cannot be loaded; the message lists every problem."""


@dataclass(frozen=True)
class PageContent:
    """Everything about a page that its file holds."""

    title: str
    summary: str
    body: str
    section: str
    order: int
    sources_checked: datetime.date | None
    services: tuple[str, ...]  # service slugs, sorted
    sources: tuple[tuple[str, str, str, str], ...]  # (title, publisher, url, date)
    is_published: bool = True
    language: str = Article.Language.ENGLISH
    english: str = ""  # a Spanish page's English page's address

    @classmethod
    def of_article(cls, article):
        """The page as it stands in the database (sources and services prefetched)."""
        return cls(
            title=article.title.strip(),
            summary=article.summary.strip(),
            body=normalized_text(article.body),
            section=article.section,
            order=article.order,
            sources_checked=article.sources_checked,
            services=tuple(sorted(s.slug for s in article.related_services.all())),
            sources=tuple(
                tuple(getattr(source, key) for key in SOURCE_KEYS)
                for source in article.sources.all()
            ),
            is_published=article.is_published,
            language=article.language,
            english=article.english.slug if article.english else "",
        )

    def fingerprint(self):
        data = asdict(self)
        # The language fields count only when set, so that the English pages
        # loaded before they existed keep their fingerprints.
        for name in ("language", "english"):
            if data[name] == getattr(PageContent, name):
                del data[name]
        data = json.dumps(data, default=str, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    def article_fields(self):
        return {
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "section": self.section,
            "order": self.order,
            "sources_checked": self.sources_checked,
            "is_published": self.is_published,
            "language": self.language,
        }


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # staff edits, file unchanged
    conflicts: list[str] = field(default_factory=list)  # staff edits, file changed
    unchanged: int = 0

    def lines(self):
        """What changed, one line per page, for people running a release."""
        return [
            *(f"Added: {slug}" for slug in self.added),
            *(f"Updated from its file: {slug}" for slug in self.updated),
            *(
                f"Unpublished, because its file was removed: {slug}"
                for slug in self.unpublished
            ),
            *(
                f"Kept the edit made in admin: {slug} (its file has not changed)"
                for slug in self.kept
            ),
            *(
                f"CONFLICT: {slug} was edited in admin and its file changed too. "
                "The admin edit is kept and the file's change is not shown. Make "
                "the file say what the page should say, or run "
                f"`manage.py load_articles --file-wins {slug}` to replace the "
                "admin edit with the file."
                for slug in self.conflicts
            ),
            f"{self.unchanged} page(s) unchanged.",
        ]


def read_article_file(path: Path, language=Article.Language.ENGLISH) -> PageContent:
    """A page from its file; ArticleFileError says what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleFileError(
            f"{path.name}: not UTF-8 text ({error.reason})."
        ) from None
    head, _, rest = text.partition("+++\n")
    front_matter, separator, body = rest.partition("\n+++\n")
    if head.strip() or not separator:
        raise ArticleFileError(
            f"{path.name}: it must start with a line `+++`, the front matter, "
            "and another line `+++`, then the text."
        )
    try:
        meta = tomllib.loads(front_matter)
    except tomllib.TOMLDecodeError as error:
        raise ArticleFileError(f"{path.name}: the front matter: {error}.") from None
    problems = [
        *(f"`{key}` is missing" for key in sorted(REQUIRED_KEYS - meta.keys())),
        *(
            f"unknown key `{key}`"
            for key in sorted(meta.keys() - REQUIRED_KEYS - OPTIONAL_KEYS)
        ),
    ]
    if problems:
        raise ArticleFileError(f"{path.name}: {'; '.join(problems)}.")
    try:
        content = PageContent(
            title=text_value(meta, "title"),
            summary=text_value(meta, "summary"),
            body=normalized_text(body),
            section=text_value(meta, "section"),
            order=whole_number(meta["order"]),
            sources_checked=checked_date(meta.get("sources_checked")),
            services=service_slugs(meta.get("related_services", [])),
            sources=tuple(source_row(source) for source in meta.get("sources", [])),
            language=language,
            english=english_address(meta, language),
        )
        validate(path.stem, content)
    except (TypeError, ValueError) as error:
        raise ArticleFileError(f"{path.name}: {error}") from None
    except ValidationError as error:
        messages = [
            f"{name}: {' '.join(errors)}"
            for name, errors in sorted(error.message_dict.items())
        ]
        raise ArticleFileError(f"{path.name}: {'; '.join(messages)}") from None
    return content


def text_value(meta, key):
    if not isinstance(meta[key], str):
        raise TypeError(f"`{key}` must be text in quotes.")
    return meta[key].strip()


def english_address(meta, language):
    if "english" not in meta:
        return ""
    if language == Article.Language.ENGLISH:
        raise ValueError("`english` is only for pages in other languages.")
    return text_value(meta, "english")


def whole_number(value):
    if type(value) is not int:
        raise TypeError("`order` must be a whole number, e.g. order = 3.")
    return value


def service_slugs(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(
            '`related_services` must be a list of service slugs, e.g. ["methadone"].'
        )
    return tuple(sorted(value))


def checked_date(value):
    if value is None or type(value) is datetime.date:
        return value
    raise TypeError(
        "`sources_checked` must be a date without quotes, e.g. "
        "sources_checked = 2026-11-28."
    )


def source_row(source):
    if not isinstance(source, dict) or set(source) - set(SOURCE_KEYS):
        raise TypeError(
            "each [[sources]] entry holds only title, publisher, url and date."
        )
    row = [source.get(key, "") for key in SOURCE_KEYS]
    if isinstance(row[-1], datetime.date):  # a date written without quotes
        row[-1] = format_date(row[-1], "F j, Y")
    if not all(isinstance(value, str) for value in row):
        raise TypeError("a source's title, publisher, url and date are text in quotes.")
    return tuple(value.strip() for value in row)


def validate(slug, content):
    """The same checks as admin's: lengths, choices, URLs, and a usable address."""
    fields = content.article_fields()
    Article(slug=slug, **fields).clean_fields()
    for row in content.sources:
        Source(**dict(zip(SOURCE_KEYS, row, strict=True))).clean_fields(
            exclude=["article"]
        )
    if resolve(reverse("facts:article", args=[slug])).url_name != "article":
        raise ValueError(
            "this address is taken by another page of the site; rename the file."
        )


def article_paths(directory: Path):
    """[(path, language)] of every page's file, English first."""
    return [
        (path, language)
        for language, folder in LANGUAGE_FOLDERS.items()
        for path in sorted((directory / folder).glob("*.md"))
    ]


def read_article_files(directory: Path) -> dict[str, PageContent]:
    """Every page in the directory, by address; ArticleFileError lists all problems."""
    paths = article_paths(directory)
    if not paths:
        # Rather than unpublish every page because the files went missing.
        raise ArticleFileError(f"No .md files in {directory}.")
    pages, problems = {}, []
    for path, language in paths:
        if path.stem in pages:
            problems.append(
                f"{path.name}: another file has this address already; addresses "
                "are unique across languages."
            )
            continue
        try:
            pages[path.stem] = read_article_file(path, language)
        except ArticleFileError as error:
            problems.append(str(error))
    known = set(Service.objects.values_list("slug", flat=True))
    english = {slug for slug, page in pages.items() if page.language == "en"}
    for slug, page in pages.items():
        if unknown := sorted(set(page.services) - known):
            problems.append(f"{slug}.md: unknown related_services {unknown}.")
        if page.english and page.english not in english:
            problems.append(
                f"{slug}.md: `english` names {page.english}, which is no English "
                "page's address."
            )
    if problems:
        raise ArticleFileError("\n".join(problems))
    return pages


def load_articles(directory: Path = ARTICLES_DIR, *, file_wins=()) -> LoadReport:
    """Bring the pages in line with the files, by the rule in this module's doc.

    All or nothing: if any file has a problem, nothing changes.
    """
    pages = read_article_files(directory)
    if unknown := sorted(set(file_wins) - pages.keys()):
        raise ArticleFileError(f"No file for --file-wins {', '.join(unknown)}.")
    report = LoadReport()
    with transaction.atomic():
        articles = {
            article.slug: article
            for article in Article.objects.select_related("english").prefetch_related(
                "sources", "related_services"
            )
        }
        for slug, page in pages.items():  # English first: see article_paths()
            article = articles.get(slug)
            if article is None:
                save_page(Article(slug=slug), page)
                report.added.append(slug)
                continue
            current = PageContent.of_article(article)
            if current == page:
                mark_loaded(article, page)
                report.unchanged += 1
            elif slug in file_wins or not edited_since_loaded(article, current):
                save_page(article, page)
                report.updated.append(slug)
            elif article.loaded_fingerprint == page.fingerprint():
                report.kept.append(slug)
            else:
                report.conflicts.append(slug)
        for slug, article in articles.items():
            if article.from_files and slug not in pages:
                unpublish_removed(article)
                report.unpublished.append(slug)
    return report


def edited_since_loaded(article, current: PageContent) -> bool:
    if article.loaded_fingerprint:
        return current.fingerprint() != article.loaded_fingerprint
    # Never loaded by this command: made in admin, unless the old one-time
    # migration loaded it (facts/migrations/0004 marks those as from files).
    return not article.from_files


def save_page(article, page: PageContent):
    for name, value in page.article_fields().items():
        setattr(article, name, value)
    article.english = (
        Article.objects.get(slug=page.english, language=Article.Language.ENGLISH)
        if page.english
        else None
    )
    article.from_files = True
    article.loaded_fingerprint = page.fingerprint()
    article.save()
    article.related_services.set(Service.objects.filter(slug__in=page.services))
    article.sources.all().delete()
    Source.objects.bulk_create(
        Source(article=article, order=order, **dict(zip(SOURCE_KEYS, row, strict=True)))
        for order, row in enumerate(page.sources)
    )


def mark_loaded(article, page: PageContent):
    """The page already says what its file says: note that it is in step."""
    if not article.from_files or article.loaded_fingerprint != page.fingerprint():
        article.from_files = True
        article.loaded_fingerprint = page.fingerprint()
        article.save(update_fields=["from_files", "loaded_fingerprint"])


def unpublish_removed(article):
    article.is_published = False
    article.from_files = False
    article.loaded_fingerprint = PageContent.of_article(article).fingerprint()
    article.save(update_fields=["is_published", "from_files", "loaded_fingerprint"])


def load_after_migrate(*, using, verbosity, stdout=None, plan=None, **kwargs):
    """After a `migrate` that applied migrations (post_migrate), so that a new
    database has the pages too.

    Skipped when nothing was applied (a `flush` sends the signal with no plan,
    over tables emptied of the taxonomy the pages link to), and while any
    migration is unapplied: the tables may not match the models.
    """
    if using != DEFAULT_DB_ALIAS or not plan:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    report = load_articles()
    if verbosity and stdout:
        stdout.write("Facts pages (manage.py load_articles):")
        for line in report.lines():
            stdout.write(f"  {line}")
