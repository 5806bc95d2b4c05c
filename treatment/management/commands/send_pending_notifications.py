from django.core.management.base import BaseCommand

from treatment.inquiries.services import (
    send_pending_email_change_notices,
    send_pending_notifications,
)
from treatment.listings.services import send_pending_requests


class Command(BaseCommand):
    help = (
        "Email every inquiry, every request to confirm a listing and every "
        "notice of a changed inquiry email that has not gone out yet (for "
        "example because the mail server was down). "
        "Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        sent, failed = send_pending_notifications()
        self.stdout.write(f"Sent {sent} pending inquiry email(s); {failed} failed.")
        asked, asking_failed = send_pending_requests()
        self.stdout.write(
            f"Sent {asked} pending request(s) to confirm a listing; "
            f"{asking_failed} failed."
        )
        told, telling_failed = send_pending_email_change_notices()
        self.stdout.write(
            f"Sent {told} pending notice(s) of a changed inquiry email; "
            f"{telling_failed} failed."
        )
        if failed or asking_failed or telling_failed:
            self.stderr.write(
                "Failed ones stay pending; see “last email error” in admin."
            )
