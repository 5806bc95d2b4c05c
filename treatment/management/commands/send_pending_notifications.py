from django.core.management.base import BaseCommand

from treatment.inquiries.services import send_pending_notifications


class Command(BaseCommand):
    help = (
        "Email every inquiry whose email has not gone out yet (for example "
        "because the mail server was down). Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        sent, failed = send_pending_notifications()
        self.stdout.write(f"Sent {sent} pending inquiry email(s); {failed} failed.")
        if failed:
            self.stderr.write(
                "Failed ones stay pending; see “last email error” in admin."
            )
