"""Background jobs for the directory. Thin: they call the importer."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.cache import cache
from huey.contrib.djhuey import db_task

from directory.importer import ImportRefused, ods_import
from directory.models import ImportRun, ImportStatus
from directory.ods.readers import ODSFileError


def progress_key(run_id: int) -> str:
    return f"directory:import-progress:{run_id}"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


@db_task()
def run_ods_import(run_id: int) -> None:
    """Import the files uploaded for a run. Running it again for a finished run does nothing."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).first()
    if run is None:
        return
    folder = Path(run.upload_dir)
    practice_files = _files(folder / "practices")
    pcn_files = _files(folder / "pcns")

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(progress_key(run_id), {"stage": stage, "done": done, "total": total}, 3600)

    try:
        if not practice_files:
            raise ODSFileError(file="(upload)", message="the practices file was not uploaded")
        ods_import(
            practices_path=practice_files[0],
            pcn_paths=pcn_files,
            user=run.user,
            force=run.forced,
            progress=progress,
            run=run,
        )
    except (ODSFileError, ImportRefused):
        pass  # recorded on the run, which the page shows
    finally:
        cache.delete(progress_key(run_id))
        shutil.rmtree(folder, ignore_errors=True)
