"""Reports from visitors: the status every kind shares (VisitorReport), and
listing reports, visitors' notes that something on a provider's page is wrong."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treatment.models.inquiries import MESSAGE_MAX_LENGTH
from treatment.models.providers import Provider


class VisitorReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=VisitorReport.Status.OPEN)

    def set_status(self, status):
        """Give these reports this status, in one query; returns how many
        changed. Goes round save(), so it applies save()'s rule itself."""
        return self.exclude(status=status).update(
            status=status, resolved_at=resolution_time(status, None)
        )


def resolution_time(status, resolved_at):
    """When a report with this status was resolved: the time already known,
    or now for one just resolved; None while it is open."""
    if status != VisitorReport.Status.RESOLVED:
        return None
    return resolved_at or timezone.now()


class VisitorReport(models.Model):
    """What every report from a visitor has: a status that staff set, when it
    came and when it was resolved. Listing reports and the facts pages' error
    reports are both kinds of it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    status = models.CharField(
        max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField("received", auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = VisitorReportQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def save(self, *args, **kwargs):
        self.resolved_at = resolution_time(self.status, self.resolved_at)
        super().save(*args, **kwargs)


class ListingReport(VisitorReport):
    """A visitor's note that something on a provider's page is wrong."""

    class Reason(models.TextChoices):
        WRONG_PHONE = "wrong_phone", _("The phone number is wrong")
        CLOSED_OR_MOVED = "closed_or_moved", _("It has closed or moved")
        WRONG_SERVICES = "wrong_services", _("The services listed are wrong")
        OTHER = "other", _("Something else")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    details = models.TextField(
        blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)]
    )

    def __str__(self):
        return f"{self.get_reason_display()}: {self.provider.name}"
