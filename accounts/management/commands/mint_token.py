from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import api_token_mint


class Command(BaseCommand):
    help = "Create an API token for an existing user and print it (the last line of output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The e-mail address the user signs in with.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the e-mail address {email!r}.") from None
        key = api_token_mint(user=user)
        self.stdout.write(
            f"API token for {user.email} (any earlier token is revoked). "
            "Send it as the header 'Authorization: Token <key>':"
        )
        self.stdout.write(key)
