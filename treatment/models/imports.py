"""SAMHSA files uploaded in admin, which the task worker imports."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone

from treatment.models.providers import Provider

# How long a dry run's file waits for "Import these rows now".
KEEP_DRY_RUN_FILE = timedelta(days=1)
# A running import the task worker has said nothing of for this long has
# probably lost its worker (a restart or a deploy stops the task it runs).
# The worker reports every 500 rows read; its longest silence, saving the
# largest file's 50,000 listings, took 12 to 19 s on the bench machine.
WORKER_SILENT_AFTER = timedelta(minutes=10)


class SamhsaImportQuerySet(models.QuerySet):
    def without_files(self):
        """Imports without their uploaded bytes, saying whether they are kept."""
        return self.defer("data").annotate(
            has_file=ExpressionWrapper(
                Q(data__isnull=False), output_field=models.BooleanField()
            )
        )

    def stale_dry_run_files(self):
        return self.filter(
            dry_run=True,
            data__isnull=False,
            finished_at__lt=timezone.now() - KEEP_DRY_RUN_FILE,
        )


class SamhsaImport(models.Model):
    """One uploaded SAMHSA file, imported or dry-run in the background.

    The file's bytes are kept in the database (the worker may run on another
    machine than the one that took the upload) until no import needs them:
    after an import, at once; after a dry run, when its rows are imported or
    KEEP_DRY_RUN_FILE has passed.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the task worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Not imported"

    file_name = models.CharField(max_length=255)
    data = models.BinaryField(null=True, editable=False)
    dry_run = models.BooleanField(default=False)
    publish = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    rows_read = models.PositiveIntegerField(default=0)
    listings_to_save = models.PositiveIntegerField(
        null=True, help_text="Set when saving begins."
    )
    summary = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    dry_run_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
        help_text="The dry run whose rows this import loads.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    last_word_at = models.DateTimeField(
        null=True, help_text="When the task worker last reported on this import."
    )
    finished_at = models.DateTimeField(null=True)

    objects = SamhsaImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SAMHSA import"

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("admin:treatment_provider_import_samhsa_status", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def seems_stopped(self):
        """Running, but the task worker has said nothing of it for
        WORKER_SILENT_AFTER: its worker has probably stopped."""
        return (
            self.status == self.Status.RUNNING
            and self.last_word_at is not None
            and self.last_word_at < timezone.now() - WORKER_SILENT_AFTER
        )

    @property
    def can_import_now(self):
        """A finished dry run whose file is still kept ("Import these rows now").
        Needs the has_file annotation of without_files()."""
        return (
            self.dry_run
            and self.status == self.Status.DONE
            and self.has_file
            and self.finished_at > timezone.now() - KEEP_DRY_RUN_FILE
        )


class LastImported(models.Model):
    """What the last SAMHSA import said of a listing: the fields an import
    writes and the ids of its services. The next import tells the file's
    changes from changes made here since by it (see
    treatment.interchange.samhsa.save_listings)."""

    provider = models.OneToOneField(
        Provider,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="last_imported",
    )
    values = models.JSONField()
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = "listing as last imported"
        verbose_name_plural = "listings as last imported"

    def __str__(self):
        return (
            f"{self.values.get('name', self.provider_id)} ({self.imported_at:%Y-%m-%d})"
        )
