from django.core.management.base import BaseCommand, CommandError

from treatment.listings.services import ask_to_confirm, not_confirmed_for


class Command(BaseCommand):
    help = (
        "Email each published listing not confirmed by its provider nor checked "
        "by our staff in the last N days a link to confirm or correct it. "
        "Listings without a listing contact email, and those asked in the last "
        "30 days, are skipped. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=180,
            metavar="DAYS",
            help="Ask listings last confirmed more than this many days ago "
            "(default 180).",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 1:
            raise CommandError("--older-than must be 1 day or more.")
        asked = ask_to_confirm(not_confirmed_for(older_than))
        self.stdout.write(
            f"Asked {asked.sent} listing(s) to confirm; skipped "
            f"{asked.no_contact_email} without a listing contact email and "
            f"{asked.recently_asked} asked in the last 30 days."
        )
