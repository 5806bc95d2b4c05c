from django.conf import settings
from django.core.management.base import BaseCommand

from treatment.models import Inquiry


class Command(BaseCommand):
    help = (
        "Delete handled and spam inquiries received more than "
        "INQUIRY_RETENTION_DAYS days ago. Run it daily from cron."
    )

    def handle(self, *args, **options):
        days = settings.INQUIRY_RETENTION_DAYS
        deleted, _ = Inquiry.objects.past_retention(days).delete()
        self.stdout.write(
            f"Deleted {deleted} handled or spam inquiries older than {days} days."
        )
