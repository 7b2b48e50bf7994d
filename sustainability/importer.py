"""Import the national practice-level files (`readers.py` recognises and reads them).

Every file is read and checked before anything is written, then the figures are applied in
one transaction: on any error the figures are exactly as before. It is idempotent: a figure
already stored with the same value is left alone and counted unchanged, so a second run of
the same files changes nothing and says so. Each run is recorded as a `PracticeDataImport`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit.services import audit_record
from sustainability.models import (
    ImportStatus,
    Measure,
    PracticeDataImport,
    PracticeFigure,
    PracticeProfile,
)
from sustainability.readers import MEASURES, DataFileError, PracticeFile, read_practice_file

BATCH = 2000
Progress = Callable[[str, int, int], None]


@dataclass
class ImportSummary:
    files: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "changed": self.changed, "unchanged": self.unchanged}

    @property
    def nothing_changed(self) -> bool:
        return self.created == 0 and self.changed == 0

    def lines(self) -> list[str]:
        out = [
            f"{f['name']}: {f['publication']}, {f['period']}: {f['rows']:,} rows, "
            f"{f['practices']:,} practices."
            for f in self.files
        ]
        if self.nothing_changed:
            out.append(f"No change: all {self.unchanged:,} figures were already stored.")
        else:
            out.append(
                f"Figures: {self.created:,} added, {self.changed:,} changed, "
                f"{self.unchanged:,} unchanged."
            )
        return out


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _stored(value: Decimal | None) -> float | None:
    """The value as the database keeps it, to compare like with like."""
    return None if value is None else float(value)


def _insert(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows from plain tuples: for a hundred thousand figures, building a model
    instance for each (as bulk_create does) costs five times the reading of the files.
    PostgreSQL takes them by COPY; SQLite as many to a statement as it allows."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            return
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = (connection.features.max_query_params or 999) // len(fields)
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            # The names are the model's own, quoted; every value is a parameter.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(batch))}",  # noqa: S608
                [value for values in batch for value in values],
            )


def _source(found: PracticeFile) -> str:
    return f"{found.publication}, {found.period}"[:200]


def read_files(
    paths: Sequence[Path], *, period: str = "", progress: Progress = _noop
) -> list[PracticeFile]:
    """Read and check every file; raises DataFileError naming the file, row and column."""
    found = []
    for index, path in enumerate(paths):
        progress(f"Reading {path.name}"[:60], index, len(paths))
        found.append(read_practice_file(path, period=period))
    return found


def _apply_figures(files: list[PracticeFile], summary: ImportSummary, progress: Progress) -> None:
    wanted: dict[tuple[str, str, str], tuple[float | None, str]] = {}
    for found in files:
        source = _source(found)
        for figure in found.figures:
            wanted[(figure.practice, figure.measure, figure.period)] = (
                _stored(figure.value),
                source,
            )
    measures = {key for _, key, _ in wanted}
    periods = {period for _, _, period in wanted}
    existing = {
        (code, measure, period): (pk, value, source)
        for pk, code, measure, period, value, source in PracticeFigure.objects.filter(
            measure__in=measures, period__in=periods
        ).values_list("pk", "practice_code", "measure", "period", "value", "source")
    }
    to_create, to_update = [], []
    for key, (value, source) in wanted.items():
        stored = existing.get(key)
        if stored is None:
            to_create.append((*key, value, source))
        elif stored[1] != value or stored[2] != source:
            to_update.append((value, source, stored[0]))
        else:
            summary.unchanged += 1
    summary.created, summary.changed = len(to_create), len(to_update)
    total = len(to_create) + len(to_update)
    fields = ["practice_code", "measure", "period", "value", "source"]
    for start in range(0, len(to_create), BATCH):
        _insert(PracticeFigure, fields, to_create[start : start + BATCH])
        progress("Saving figures", start + BATCH, total)
    table = connection.ops.quote_name(PracticeFigure._meta.db_table)
    for start in range(0, len(to_update), BATCH):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET value = %s, source = %s WHERE id = %s",  # noqa: S608
                to_update[start : start + BATCH],
            )
        progress("Saving figures", len(to_create) + start + BATCH, total)


PROFILE_FIELDS = ["name", "contract_type", "dispensing", "practice_type", "rurality"]


def _apply_profiles(files: list[PracticeFile]) -> None:
    """Profiles say what a practice was called and how it was run; a re-import brings each
    up to date without counting it as a figure."""
    wanted = {
        (facts.practice, found.period, _source(found)): tuple(
            getattr(facts, f)[:300] for f in PROFILE_FIELDS
        )
        for found in files
        if found.period
        for facts in found.facts
    }
    if not wanted:
        return
    existing = {
        (code, period, source): (pk, tuple(values))
        for pk, code, period, source, *values in PracticeProfile.objects.filter(
            source__in={key[2] for key in wanted}
        ).values_list("pk", "practice_code", "period", "source", *PROFILE_FIELDS)
    }
    to_create, to_update = [], []
    for key, values in wanted.items():
        stored = existing.get(key)
        if stored is None:
            to_create.append((*key, *values))
        elif stored[1] != values:
            to_update.append(
                PracticeProfile(pk=stored[0], **dict(zip(PROFILE_FIELDS, values, strict=True)))
            )
    _insert(PracticeProfile, ["practice_code", "period", "source", *PROFILE_FIELDS], to_create)
    PracticeProfile.objects.bulk_update(to_update, PROFILE_FIELDS, batch_size=BATCH)


def _apply_measures(files: list[PracticeFile]) -> None:
    labels = dict(MEASURES)
    for found in files:
        labels.update(found.measures)
    existing = dict(Measure.objects.values_list("key", "label"))
    Measure.objects.bulk_create(
        [Measure(key=k, label=v[:300]) for k, v in labels.items() if k not in existing]
    )
    changed = [k for k, v in labels.items() if k in existing and existing[k] != v[:300]]
    for key in changed:
        Measure.objects.filter(key=key).update(label=labels[key][:300])


def practice_data_import(
    *,
    paths: Sequence[Path],
    period: str = "",
    user: Any = None,
    progress: Progress = _noop,
    run: PracticeDataImport | None = None,
) -> ImportSummary:
    """Import the files and record the run. Raises DataFileError, having recorded the failed
    run and changed no figure."""
    run = run or PracticeDataImport.objects.create(user=user if getattr(user, "pk", None) else None)
    PracticeDataImport.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    summary = ImportSummary()
    try:
        files = read_files(paths, period=period, progress=progress)
        summary.files = [
            {
                "name": found.name,
                "publication": found.publication,
                "period": found.period,
                "rows": found.rows,
                "practices": found.practices,
            }
            for found in files
        ]
        with transaction.atomic():
            _apply_measures(files)
            _apply_figures(files, summary, progress)
            _apply_profiles(files)
            PracticeDataImport.objects.filter(pk=run.pk).update(
                status=ImportStatus.SUCCEEDED,
                finished_at=timezone.now(),
                files=summary.files,
                counts=summary.counts(),
            )
            run.refresh_from_db()
            audit_record(
                actor=user,
                action="sustainability.imported",
                obj=run,
                collective=run.collective,
                after={"files": summary.files, **summary.counts()},
            )
    except Exception as error:
        PracticeDataImport.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=str(error) if isinstance(error, DataFileError) else f"Unexpected error: {error}",
        )
        raise
    progress("Done", 1, 1)
    return summary
