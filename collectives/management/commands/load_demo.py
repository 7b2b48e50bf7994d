from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collectives.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo collectives (real ODS practices and PCNs, synthetic people)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo collectives are ready. Sign in with:"))
        seen = set()
        for login in logins:
            if (login.email, login.collective) in seen:
                continue
            seen.add((login.email, login.collective))
            self.stdout.write(f"  {login.email:<30} {login.role} – {login.collective}")
        self.stdout.write(f"  password for all demo logins: {DEMO_PASSWORD}")
