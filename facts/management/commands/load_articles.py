from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from facts.loading import ARTICLES_DIR, ArticleFileError, load_articles


class Command(BaseCommand):
    help = (
        "Bring the facts pages in line with facts/articles/*.md. Run it on every "
        "release; running it again changes nothing. A page edited in admin since "
        "it was last loaded keeps the edit; if its file changed too, that is "
        "reported as a conflict."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file-wins",
            action="append",
            default=[],
            metavar="SLUG",
            help="Replace the admin edit of this page with its file (repeatable).",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=ARTICLES_DIR,
            help="Where the .md files are (default: facts/articles).",
        )

    def handle(self, *args, file_wins, directory, **options):
        try:
            report = load_articles(directory, file_wins=file_wins)
        except ArticleFileError as error:
            raise CommandError(f"Nothing was changed.\n{error}") from None
        for line in report.lines():
            style = self.style.WARNING if line.startswith("CONFLICT") else str
            self.stdout.write(style(line))
