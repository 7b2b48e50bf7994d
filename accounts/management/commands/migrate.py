"""Django's `migrate`, which first moves a database made before three apps were renamed
(alliance/app_renames.py; docs/operations.md, Upgrading)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from alliance.app_renames import move_renamed_apps


class Command(DjangoMigrate):
    help = (
        f"{DjangoMigrate.help} A database made before the apps `relationships`, `habits` and "
        "`cascade` became `surveys`, `relationships` and `golden_thread` is moved to the new "
        "names first, in one transaction, without copying a row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        renamed = move_renamed_apps(connections[options["database"]])
        if renamed and options["verbosity"] >= 1:
            self.stdout.write(
                f"Moved a database made before the app renames: {len(renamed)} tables renamed "
                "(relationships → surveys, habits → relationships, cascade → golden_thread)."
            )
        super().handle(*args, **options)
