from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from treatment.interchange.samhsa import ImportFileError, import_samhsa_file

BAR_WIDTH = 30
LARGE_FILE_ROWS = 1000  # smaller files load too fast to need a progress bar


class Command(BaseCommand):
    help = (
        "Import SAMHSA treatment locator downloads: the wide CSV or XLSX layout, "
        "or the JSON listing. Re-importing a file updates listings in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the files and report what would change, saving nothing.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new listings at once (by default they wait for review).",
        )

    def handle(self, *, files, dry_run, publish, **options):
        unreadable = []
        for path in files:
            try:
                summary = import_samhsa_file(
                    file_name=path,
                    data=Path(path).read_bytes(),
                    publish=publish,
                    dry_run=dry_run,
                    progress=self.show_progress,
                )
            except OSError as error:
                unreadable.append(f"{path}: {error.strerror}")
            except ImportFileError as error:
                unreadable.append(f"{path}: {error}")
            else:
                self.stdout.write("\n".join(summary.report_lines()))
        if unreadable:
            raise CommandError("Not imported:\n" + "\n".join(unreadable))

    def show_progress(self, done, total):
        if total < LARGE_FILE_ROWS:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stderr.write(
            f"\r[{bar}] {done}/{total} rows", ending="\n" if done == total else ""
        )
        self.stderr.flush()
