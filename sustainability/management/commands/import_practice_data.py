from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.progress import end_progress, terminal_progress
from sustainability.importer import practice_data_import
from sustainability.readers import DataFileError
from sustainability.selectors import england_refresh


class Command(BaseCommand):
    help = (
        "Import national practice-level figures: NHS Payments to General Practice, Patients "
        "Registered at a GP Practice (the totals file), GP Workforce at practice level, and "
        "OHID Fingertips exports for GP practices. Each file is recognised by its header. "
        "Safe to run again: a figure already stored is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--period",
            default="",
            help="the period of a file whose name does not say it: a financial year "
            "(2022-23) for payments, a month (2023-09) for a workforce census",
        )

    def handle(self, *args: Any, files: list[Path], period: str, **options: Any) -> None:
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file. Nothing was imported.")
        progress = terminal_progress(sys.stderr, width=40)
        try:
            summary = practice_data_import(paths=files, period=period, progress=progress)
        except DataFileError as error:
            end_progress(sys.stderr)
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was imported.") from None
        end_progress(sys.stderr)
        england_refresh()  # England's spread, kept for the pages: the first need not wait
        for line in summary.lines():
            self.stdout.write(line)
