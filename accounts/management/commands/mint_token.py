from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.services import api_token_mint


class Command(BaseCommand):
    help = "Make an API token for an existing user and print its key (the last line of output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The e-mail address the user signs in with.")
        parser.add_argument(
            "--name",
            default="Made with manage.py mint_token",
            help="What the token is for; its owner sees it on their API tokens page.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DAYS,
            help=f"Days until the token expires (default {settings.API_TOKEN_DAYS}, "
            f"at most {settings.API_TOKEN_MAX_DAYS}).",
        )

    def handle(self, *args: Any, email: str, name: str, days: int, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the e-mail address {email!r}.") from None
        try:
            new = api_token_mint(user=user, name=name, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        expires = timezone.localtime(new.token.expiry)
        self.stdout.write(
            f"API token {new.token.name!r} for {user.email}, expiring {expires:%Y-%m-%d %H:%M}. "
            "It is shown only now. Send it as the header 'Authorization: Token <key>':"
        )
        self.stdout.write(new.key)
