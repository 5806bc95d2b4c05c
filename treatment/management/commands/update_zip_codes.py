"""Write treatment/zip_codes.tsv.gz, the ZIP code data the site reads, from
the zipcodes package: the package holds every field of every ZIP code as a
dict, about 126 MB in each process that loads it; geo.py needs a few."""

import gzip

import zipcodes
from django.core.management.base import BaseCommand, CommandError

from treatment.geo import ZIP_CODE_COLUMNS, ZIP_CODES_FILE


def zip_codes_file_text():
    """A header line, then the columns geo.py reads of every ZIP code, tab
    separated and as zipcodes spells them, in ZIP code order (geo.py's
    lookups depend on the order: the first spelling of a city's name is its
    label)."""
    lines = ["\t".join(ZIP_CODE_COLUMNS)]
    for row in sorted(zipcodes.list_all(), key=lambda row: row["zip_code"]):
        values = [row[column] for column in ZIP_CODE_COLUMNS]
        if any("\t" in value or "\n" in value for value in values):
            raise CommandError(f"A tab or line break in ZIP code {row['zip_code']}.")
        lines.append("\t".join(values))
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Write treatment/zip_codes.tsv.gz from the installed zipcodes package. "
        "Run it after upgrading zipcodes, and commit the file."
    )

    def handle(self, **options):
        text = zip_codes_file_text()
        # No timestamp in the gzip header: the same data gives the same bytes.
        ZIP_CODES_FILE.write_bytes(gzip.compress(text.encode(), mtime=0))
        zip_codes = len(text.splitlines()) - 1  # less the header
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {zip_codes:,} ZIP codes from zipcodes "
                f"{zipcodes.__version__} to {ZIP_CODES_FILE.name}."
            )
        )
