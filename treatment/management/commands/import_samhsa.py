from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from treatment.interchange.samhsa import (
    ImportFileError,
    check_file_size,
    import_samhsa_file,
)


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
                check_file_size(Path(path).stat().st_size)
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

    def show_progress(self, stage, done, total):
        """On stderr, one line rewritten as rows are read, then "saving"."""
        if stage == "reading":
            self.stderr.write(f"\rread {done:,} rows", ending="")
        else:
            self.stderr.write(f"\nsaving {total:,} listings")
        self.stderr.flush()
