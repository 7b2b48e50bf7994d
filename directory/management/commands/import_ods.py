from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importer import ImportRefused, ods_import
from directory.ods.readers import ODSFileError


class Command(BaseCommand):
    help = (
        "Import GP practices (epraccur, plain or zipped) and PCNs (ePCN.xlsx, or the "
        "epcncorepartnerdetails CSV report alone or with the epcn report) from NHS ODS files. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--practices",
            required=True,
            type=Path,
            metavar="FILE",
            help="epraccur.csv or epraccur.zip",
        )
        parser.add_argument(
            "--pcns",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="ePCN.xlsx; or epcncorepartnerdetails.csv, which gives the PCNs' names and "
            "practices; give --pcns again for epcn.csv to add their open dates and addresses",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import even if the practices file has over 15%% fewer "
            "active practices than the last import",
        )

    def handle(
        self, *args: Any, practices: Path, pcns: list[Path], force: bool, **options: Any
    ) -> None:
        for path in [practices, *pcns]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        tty = sys.stderr.isatty()

        def progress(stage: str, done: int, total: int) -> None:
            if tty:
                share = min(done, total) / total if total else 1
                bar = "#" * int(share * 30)
                sys.stderr.write(f"\r{stage:<24} [{bar:<30}] {share:4.0%}")
                sys.stderr.flush()

        try:
            summary = ods_import(
                practices_path=practices, pcn_paths=pcns, force=force, progress=progress
            )
        except (ODSFileError, ImportRefused) as error:
            if tty:
                sys.stderr.write("\n")
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was imported.") from None
        if tty:
            sys.stderr.write("\n")
        for line in summary.lines():
            self.stdout.write(line)
