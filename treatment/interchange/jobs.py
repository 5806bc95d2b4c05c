"""SAMHSA imports started in admin and run by the task worker, so a large
file never holds up a request. Staff follow their progress on the import's
page (see admin.py)."""

import logging

from django.tasks import task
from django.utils import timezone

from treatment.interchange.samhsa import ImportFileError, import_samhsa_file
from treatment.models import SamhsaImport

logger = logging.getLogger(__name__)


def start_import(*, file_name, data, dry_run, publish, user, dry_run_of=None):
    """Store the file and queue its import; returns the SamhsaImport."""
    samhsa_import = SamhsaImport.objects.create(
        file_name=file_name[:255],
        data=data,
        dry_run=dry_run,
        publish=publish,
        started_by=user,
        dry_run_of=dry_run_of,
    )
    run_samhsa_import.enqueue(samhsa_import.pk)
    return samhsa_import


def import_dry_run_now(dry_run, *, user):
    """ "Import these rows now": import a finished dry run's file, which the
    dry run hands over, so its rows are imported once however often staff
    click. Returns the new SamhsaImport, or None when the file was taken."""
    data = SamhsaImport.objects.values_list("data", flat=True).get(pk=dry_run.pk)
    handed_over = SamhsaImport.objects.filter(pk=dry_run.pk, data__isnull=False).update(
        data=None
    )
    if data is None or not handed_over:
        return None
    return start_import(
        file_name=dry_run.file_name,
        data=bytes(data),
        dry_run=False,
        publish=dry_run.publish,
        user=user,
        dry_run_of=dry_run,
    )


@task
def run_samhsa_import(import_id: int) -> None:
    now = timezone.now()
    claimed = SamhsaImport.objects.filter(
        pk=import_id, status=SamhsaImport.Status.WAITING
    ).update(status=SamhsaImport.Status.RUNNING, started_at=now, last_word_at=now)
    if not claimed:  # already run
        return
    job = SamhsaImport.objects.get(pk=import_id)
    this_import = SamhsaImport.objects.filter(pk=import_id)

    def record_progress(stage, done, total):
        counts = (
            {"rows_read": done} if stage == "reading" else {"listings_to_save": total}
        )
        this_import.update(**counts, last_word_at=timezone.now())

    outcome = {"status": SamhsaImport.Status.FAILED}
    try:
        summary = import_samhsa_file(
            file_name=job.file_name,
            data=bytes(job.data),
            publish=job.publish,
            dry_run=job.dry_run,
            progress=record_progress,
        )
    except ImportFileError as error:
        outcome["error"] = str(error)
    except Exception:
        logger.exception("SAMHSA import %s stopped on an unexpected error", job.pk)
        outcome["error"] = (
            "The import stopped on an unexpected error, so nothing was saved. "
            "The error is in the server's log; please tell the site's developers."
        )
    else:
        outcome = {"status": SamhsaImport.Status.DONE, "summary": summary.as_json()}
    keep_file = job.dry_run and outcome["status"] == SamhsaImport.Status.DONE
    this_import.update(
        **outcome,
        finished_at=timezone.now(),
        **({} if keep_file else {"data": None}),
    )
    SamhsaImport.objects.stale_dry_run_files().update(data=None)
