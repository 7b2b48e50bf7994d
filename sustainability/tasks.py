"""The convenor's upload of national files, run in the background (like the directory's ODS
upload): the files are saved to a folder, the run is recorded and queued once the request's
transaction commits, and the job calls the same import as `manage.py import_practice_data`,
with its progress in the cache for the run's page to show."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from collectives.models import Membership
from sustainability import access
from sustainability.importer import practice_data_import
from sustainability.models import ImportStatus, PracticeDataImport
from sustainability.readers import DataFileError
from sustainability.selectors import england_refresh

#: In the upload folder: the files, and the period the convenor gave (if any).
FILES = "files"
PERIOD = "period.txt"


def progress_key(run_id: int) -> str:
    return f"sustainability:import-progress:{run_id}"


#: An upload folder no run is waiting for is removed once it is this old (seconds).
ORPHAN_AGE = 24 * 3600


def _save(folder: Path, uploads: Sequence[UploadedFile], period: str) -> None:
    (folder / FILES).mkdir(parents=True)
    for upload in uploads:
        name = Path(upload.name or "").name or "upload.csv"
        with open(folder / FILES / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    if period:
        (folder / PERIOD).write_text(period)


def _sweep(root: Path) -> None:
    """Remove the upload folders left by requests whose run was never recorded (the
    request failed, or its transaction rolled back, after the files were saved), once they
    are a day old: a run removes its own folder when it finishes."""
    waiting = set(
        PracticeDataImport.objects.filter(
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).values_list("upload_dir", flat=True)
    )
    cutoff = time.time() - ORPHAN_AGE
    for folder in root.glob("practice-data-*"):
        if str(folder) not in waiting and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def practice_data_import_queue(
    *, actor_membership: Membership, uploads: Sequence[UploadedFile], period: str = ""
) -> PracticeDataImport:
    """Save the uploaded files to a folder of their own, record the import, and run it in
    the background once this transaction commits (the import audits the run). Convenors
    only."""
    access.require_convenor(actor_membership)
    root = Path(settings.IMPORT_UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True)
    _sweep(root)
    folder = Path(tempfile.mkdtemp(prefix="practice-data-", dir=root))
    _save(folder, uploads, period)
    run = PracticeDataImport.objects.create(
        user=actor_membership.user,
        collective=actor_membership.collective,
        upload_dir=str(folder),
    )
    transaction.on_commit(lambda: run_practice_data_import(run.pk))
    return run


@db_task()
def run_practice_data_import(run_id: int) -> None:
    """Import the files uploaded for a run. Running it again for a finished run does
    nothing."""
    run = PracticeDataImport.objects.filter(pk=run_id, status=ImportStatus.QUEUED).first()
    if run is None:
        return
    folder = Path(run.upload_dir)
    files = sorted((folder / FILES).iterdir()) if (folder / FILES).is_dir() else []
    period_file = folder / PERIOD
    period = period_file.read_text().strip() if period_file.is_file() else ""

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(progress_key(run_id), {"stage": stage, "done": done, "total": total}, 3600)

    try:
        if not files:
            PracticeDataImport.objects.filter(pk=run_id).update(
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                error="(upload): no file was uploaded.",
            )
            return
        practice_data_import(paths=files, period=period, user=run.user, progress=progress, run=run)
    except DataFileError:
        pass  # recorded on the run, which the page shows
    else:
        england_refresh()  # the first page after the import need not wait for England's
    finally:
        cache.delete(progress_key(run_id))
        shutil.rmtree(folder, ignore_errors=True)
