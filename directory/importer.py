"""Import the NHS ODS files: practices (epraccur) and PCNs (ePCN.xlsx or the CSV reports).

The import reads and checks every file before it writes anything, then applies the changes
in one transaction: on any error the database is exactly as before. It is idempotent (a
second run of the same files changes nothing), keeps fields a person edited by hand (and
lists them as conflicts), and refuses a practices file with far fewer active practices than
the last import, which is more likely a broken download than a real change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.changes import everything_changed
from audit.services import audit_record
from directory.models import (
    ImportRun,
    ImportStatus,
    Organisation,
    OrganisationKind,
    OrganisationRelationship,
    OrganisationStatus,
    RelationshipKind,
)
from directory.ods.readers import (
    ODSFileError,
    PCNFiles,
    PracticeRecord,
    PracticesFile,
    read_pcns,
    read_practices,
)

#: A practices file with more than this share fewer active GP practices is refused.
MAX_DROP = 0.15
BATCH = 500

Progress = Callable[[str, int, int], None]


class ImportRefused(Exception):
    """The files are readable, but importing them would probably be a mistake."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    memberships_added: int = 0
    memberships_ended: int = 0
    skipped_settings: int = 0
    active_practices: int = 0
    pcns: int = 0  # in the PCN files
    current_memberships: int = 0  # in the PCN files: without an end date
    warnings: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "memberships_added": self.memberships_added,
            "memberships_ended": self.memberships_ended,
            "skipped_settings": self.skipped_settings,
            "active_practices": self.active_practices,
            "pcns": self.pcns,
            "current_memberships": self.current_memberships,
        }

    def lines(self) -> list[str]:
        out = [
            f"Organisations: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.closed} closed.",
            f"PCN memberships: {self.memberships_added} added, {self.memberships_ended} ended.",
            f"Active GP practices in the practices file: {self.active_practices}.",
        ]
        if self.pcns:
            out.append(
                f"PCNs in the PCN files: {self.pcns}, with {self.current_memberships} current "
                "practice memberships."
            )
        if self.skipped_settings:
            out.append(
                f"Skipped {self.skipped_settings} rows that are not GP practices (walk-in "
                "centres, out-of-hours services, community and other prescribing settings)."
            )
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            out += [f"  - {w}" for w in self.warnings]
        if self.conflicts:
            out.append(f"Kept hand-made edits ({len(self.conflicts)}):")
            out += [f"  - {c}" for c in self.conflicts]
        return out


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _practice_fields(record: PracticeRecord) -> dict[str, Any]:
    return {
        "name": record.name.strip(),
        "kind": OrganisationKind.PRACTICE,
        "status": record.status,
        "address": "\n".join(record.address),
        "postcode": record.postcode,
        "phone": record.phone,
        "open_date": record.open_date,
        "close_date": record.close_date,
        "region_code": record.region_code,
        "icb_code": record.geography_code,
        "prescribing_setting": record.setting,
    }


class _Organisations:
    """The organisations an import touches, looked up once and written in batches."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.by_code: dict[str, Organisation] = {
            o.ods_code: o for o in Organisation.objects.exclude(ods_code=None) if o.ods_code
        }
        self.to_create: list[Organisation] = []
        self.to_update: dict[int, Organisation] = {}
        self.update_fields: set[str] = set()
        self.changed_codes: set[str] = set()
        self.counted_unchanged: set[str] = set()

    def upsert(self, code: str, wanted: dict[str, Any], *, fill_only: bool = False) -> Organisation:
        """Create or bring up to date. fill_only: only fill blanks (a name learnt second-hand)."""
        existing = self.by_code.get(code)
        if existing is None:
            organisation = Organisation(ods_code=code, **wanted)
            self.by_code[code] = organisation
            self.to_create.append(organisation)
            self.changed_codes.add(code)
            self.summary.created += 1
            return organisation
        if existing.pk is None:  # created earlier in this run
            for name, value in wanted.items():
                if not getattr(existing, name) or not fill_only:
                    setattr(existing, name, value)
            return existing
        changed = []
        for name, value in wanted.items():
            current = getattr(existing, name)
            if current == value or (fill_only and current):
                continue
            field_name = name.removesuffix("_id")
            if field_name in existing.edited_fields:
                self.summary.conflicts.append(
                    f"{existing} – {field_name}: kept {current!r} (edited in Alliance); "
                    f"the file says {value!r}"
                )
                continue
            if name == "status" and value == OrganisationStatus.CLOSED:
                self.summary.closed += 1
            setattr(existing, name, value)
            changed.append(field_name)
        if changed:
            if code not in self.changed_codes:
                self.summary.updated += 1
                self.changed_codes.add(code)
            self.to_update[existing.pk] = existing
            self.update_fields.update(changed)
        return existing

    def pk_of(self, code: str) -> int | None:
        found = self.by_code.get(code)
        return found.pk if found is not None else None

    def untouched(self, code: str) -> None:
        """Count an organisation the files name but this run did not need to change."""
        if code not in self.changed_codes and code not in self.counted_unchanged:
            self.counted_unchanged.add(code)
            self.summary.unchanged += 1

    def save(self, progress: Progress, stage: str) -> None:
        total = len(self.to_create) + len(self.to_update)
        for start in range(0, len(self.to_create), BATCH):
            Organisation.objects.bulk_create(self.to_create[start : start + BATCH])
            progress(stage, start + BATCH, total)
        updates = list(self.to_update.values())
        fields = sorted(self.update_fields | {"updated_at"})
        now = timezone.now()
        for organisation in updates:
            organisation.updated_at = now
        for start in range(0, len(updates), BATCH):
            Organisation.objects.bulk_update(updates[start : start + BATCH], fields)
            progress(stage, len(self.to_create) + start + BATCH, total)
        self.to_create, self.to_update, self.update_fields = [], {}, set()


def _check_drop(practices: PracticesFile, active: int, force: bool) -> None:
    last = (
        ImportRun.objects.filter(status=ImportStatus.SUCCEEDED, active_practices__isnull=False)
        .order_by("-finished_at", "-id")
        .first()
    )
    if last is None or force or not last.active_practices:
        return
    if active < last.active_practices * (1 - MAX_DROP):
        drop = 1 - active / last.active_practices
        raise ImportRefused(
            f"{practices.name} lists {active} active GP practices, {drop:.0%} fewer than the "
            f"{last.active_practices} of the last import ({last.started_at:%d %B %Y}). A drop "
            f"of more than {MAX_DROP:.0%} is more likely a truncated or wrong file than a real "
            "change. Check the file; if the drop is real, import again with --force."
        )


def _apply(
    practices: PracticesFile, pcns: PCNFiles | None, summary: ImportSummary, progress: Progress
) -> None:
    organisations = _Organisations(summary)

    # Commissioners (Sub ICB locations or CCGs): names from the PCN file where it has them.
    commissioner_names: dict[str, str] = {}
    if pcns is not None:
        for pcn in pcns.pcns:
            if pcn.commissioner_code and pcn.commissioner_name:
                commissioner_names[pcn.commissioner_code] = pcn.commissioner_name.strip()
    commissioner_codes = {r.commissioner_code for r in practices.records if r.commissioner_code}
    commissioner_codes |= {
        p.commissioner_code for p in (pcns.pcns if pcns else []) if p.commissioner_code
    }
    for code in sorted(commissioner_codes):
        organisations.upsert(
            code,
            {
                "name": commissioner_names.get(code, f"Commissioner {code}"),
                "kind": OrganisationKind.SUB_ICB,
            },
            fill_only=code not in commissioner_names,
        )
    organisations.save(progress, "Saving commissioners")

    # Practices.
    total = len(practices.records)
    for index, record in enumerate(practices.records, start=1):
        if not record.is_gp_practice:
            summary.skipped_settings += 1
            continue
        wanted = _practice_fields(record)
        wanted["commissioner_id"] = organisations.pk_of(record.commissioner_code)
        organisations.upsert(record.ods_code, wanted)
        if index % BATCH == 0:
            progress("Comparing practices", index, total)
    organisations.save(progress, "Saving practices")

    if pcns is not None:
        _apply_pcns(
            pcns, organisations, summary, progress, {r.ods_code: r for r in practices.records}
        )

    for code in commissioner_codes:
        organisations.untouched(code)
    for record in practices.records:
        if record.ods_code in organisations.by_code:
            organisations.untouched(record.ods_code)
    if pcns is not None:
        for pcn in pcns.pcns:
            organisations.untouched(pcn.ods_code)


def _apply_pcns(
    pcns: PCNFiles,
    organisations: _Organisations,
    summary: ImportSummary,
    progress: Progress,
    practice_rows: dict[str, PracticeRecord],
) -> None:
    summary.pcns = len(pcns.pcns)
    for pcn in pcns.pcns:
        wanted: dict[str, Any] = {
            "name": pcn.name.strip(),
            "kind": OrganisationKind.PCN,
            "commissioner_id": organisations.pk_of(pcn.commissioner_code),
        }
        if pcn.has_details:
            # The core partner report alone gives no dates or address (has_details False):
            # what an earlier import of the PCN details gave is kept, not blanked.
            wanted |= {
                "status": OrganisationStatus.CLOSED
                if pcn.close_date
                else OrganisationStatus.ACTIVE,
                "address": "\n".join(pcn.address),
                "postcode": pcn.postcode,
                "open_date": pcn.open_date,
                "close_date": pcn.close_date,
            }
        organisations.upsert(pcn.ods_code, wanted)
    # A membership may name a practice the practices file does not list: keep it.
    for spell in pcns.memberships:
        row = practice_rows.get(spell.practice_code)
        if spell.practice_code not in organisations.by_code and row is not None:
            # A PCN member that the practices file lists as another kind of setting.
            wanted = _practice_fields(row)
            wanted.update(
                kind=OrganisationKind.OTHER_SETTING,
                commissioner_id=organisations.pk_of(row.commissioner_code),
            )
            organisations.upsert(spell.practice_code, wanted)
            summary.skipped_settings -= 1
            summary.warnings.append(
                f"{spell.source}, row {spell.row}: {row.name} ({row.ods_code}) is a member of "
                f"{spell.pcn_code} but its prescribing setting is {row.setting}, not a GP "
                "practice; it is imported as another prescribing setting."
            )
        elif spell.practice_code not in organisations.by_code:
            organisations.upsert(
                spell.practice_code,
                {
                    "name": spell.practice_name.strip() or spell.practice_code,
                    "kind": OrganisationKind.PRACTICE,
                },
            )
            summary.warnings.append(
                f"{spell.source}, row {spell.row}: practice {spell.practice_code} "
                f"({spell.practice_name}) is not in the practices file; the membership of "
                f"{spell.pcn_code} is kept."
            )
        if spell.pcn_code not in organisations.by_code:
            organisations.upsert(
                spell.pcn_code, {"name": spell.pcn_code, "kind": OrganisationKind.PCN}
            )
            summary.warnings.append(
                f"{spell.source}, row {spell.row}: PCN {spell.pcn_code} is not in the PCN "
                "details; the membership is kept."
            )
    organisations.save(progress, "Saving PCNs")

    by_code = organisations.by_code
    existing = {
        (r.organisation_id, r.parent_id, r.start_date): r
        for r in OrganisationRelationship.objects.filter(kind=RelationshipKind.PCN_MEMBER)
    }
    seen: set[tuple[int, int, dt.date | None]] = set()
    to_create: list[OrganisationRelationship] = []
    to_update: list[OrganisationRelationship] = []
    for spell in pcns.memberships:
        practice, parent = by_code[spell.practice_code], by_code[spell.pcn_code]
        key = (practice.pk, parent.pk, spell.start_date)
        if key in seen:
            continue
        seen.add(key)
        if spell.end_date is None:
            summary.current_memberships += 1
        if practice.status != OrganisationStatus.ACTIVE and spell.end_date is None:
            summary.warnings.append(
                f"{spell.source}, row {spell.row}: {practice} is "
                f"{practice.get_status_display().lower()} but is a current member of "
                f"{parent.name}; the membership is kept."
            )
        found = existing.get(key)
        if found is None:
            to_create.append(
                OrganisationRelationship(
                    organisation=practice,
                    parent=parent,
                    kind=RelationshipKind.PCN_MEMBER,
                    start_date=spell.start_date,
                    end_date=spell.end_date,
                    imported=True,
                )
            )
            summary.memberships_added += 1
        elif found.end_date != spell.end_date:
            if found.end_date is None:
                summary.memberships_ended += 1
            found.end_date = spell.end_date
            to_update.append(found)
    # Current imported memberships that the file no longer lists have ended.
    today = timezone.localdate()
    for key, relationship in existing.items():
        if key not in seen and relationship.imported and relationship.end_date is None:
            relationship.end_date = today
            to_update.append(relationship)
            summary.memberships_ended += 1
    OrganisationRelationship.objects.bulk_create(to_create, batch_size=BATCH)
    OrganisationRelationship.objects.bulk_update(to_update, ["end_date"], batch_size=BATCH)
    progress("Saving memberships", 1, 1)


def read_files(
    practices_path: Path, pcn_paths: list[Path]
) -> tuple[PracticesFile, PCNFiles | None]:
    """Read and check every file; raises ODSFileError naming file, row and column."""
    practices = read_practices(practices_path)
    pcns = read_pcns(pcn_paths) if pcn_paths else None
    return practices, pcns


def ods_import(
    *,
    practices_path: Path,
    pcn_paths: list[Path],
    user: Any = None,
    force: bool = False,
    progress: Progress = _noop,
    run: ImportRun | None = None,
) -> ImportSummary:
    """Import the files and record the run. Raises ODSFileError or ImportRefused, having
    recorded the failed run and changed nothing else."""
    run = run or ImportRun.objects.create(
        user=user if getattr(user, "pk", None) else None, forced=force
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    summary = ImportSummary()
    try:
        progress("Reading files", 0, 1)
        practices, pcns = read_files(practices_path, pcn_paths)
        files = [{"name": practices.name, "sha256": practices.sha256}]
        if pcns is not None:
            files += [
                {"name": n, "sha256": s} for n, s in zip(pcns.names, pcns.sha256s, strict=True)
            ]
        summary.active_practices = sum(
            1
            for r in practices.records
            if r.is_gp_practice and r.status == OrganisationStatus.ACTIVE
        )
        if summary.active_practices == 0:
            raise ImportRefused(
                f"{practices.name} lists no active GP practices (prescribing setting 4 or "
                "RO76 with status A or ACTIVE), so it is not a practices file Alliance can use."
            )
        _check_drop(practices, summary.active_practices, force)
        with transaction.atomic():
            _apply(practices, pcns, summary, progress)
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.SUCCEEDED,
                finished_at=timezone.now(),
                files=files,
                active_practices=summary.active_practices,
                counts=summary.counts(),
                warnings=summary.warnings,
                conflicts=summary.conflicts,
            )
            run.refresh_from_db()
            audit_record(
                actor=user,
                action="directory.imported",
                obj=run,
                collective=None,
                after={"files": files, **summary.counts()},
            )
            everything_changed()  # the shared directory every collective shows
    except (ODSFileError, ImportRefused) as error:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.REFUSED
            if isinstance(error, ImportRefused)
            else ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=str(error),
        )
        raise
    except Exception as error:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Unexpected error: {error}",
        )
        raise
    progress("Done", 1, 1)
    return summary
