from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.progress import end_progress, terminal_progress
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
        progress = terminal_progress(sys.stderr)
        try:
            summary = ods_import(
                practices_path=practices, pcn_paths=pcns, force=force, progress=progress
            )
        except (ODSFileError, ImportRefused) as error:
            end_progress(sys.stderr)
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was imported.") from None
        end_progress(sys.stderr)
        for line in summary.lines():
            self.stdout.write(line)
