from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


# django-stubs cannot see ApiToken's knox base (untyped), so not its manager on User either.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person who signs in. The e-mail address is the username."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Superusers only: may use the Django admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # createsuperuser --noinput needs only e-mail and password

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class FailedSignIn(models.Model):
    """One failed sign-in attempt, kept to pause sign-in after repeated failures: for the
    e-mail address from this client address, and for the client address as a whole."""

    email = models.CharField(max_length=254)
    # The client's address as the lockout counts it (an IPv6 address as its /64 network).
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"], name="failed_sign_in_by_address"),
        ]

    def __str__(self) -> str:
        return f"{self.email} at {self.attempted_at:%Y-%m-%d %H:%M}"


class SignInLink(models.Model):
    """A one-time sign-in link, e-mailed to someone whose e-mail address was locked by
    failed sign-ins. The link carries a signed token naming this row (accounts.tokens);
    the row makes it work once, until it expires. ADR 0006."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The client address whose failures locked the account, named in the e-mail.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True)
                | models.Q(used_at__lt=models.F("expires_at")),
                name="sign_in_link_used_before_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"Sign-in link for {self.user.email} at {self.created_at:%Y-%m-%d %H:%M}"


class TokensRevokedBecause(models.TextChoices):
    """Why all of someone's API tokens were revoked at once (the label completes "because")."""

    PASSWORD_CHANGED = "password_changed", "your password was changed"
    PASSWORD_SET_BY_ADMINISTRATOR = (
        "password_set_by_administrator",
        ("an administrator set a new password for you"),
    )
    ACCOUNT_DEACTIVATED = "account_deactivated", "your account was deactivated"
    STORED_IN_PLAIN_TEXT = (
        "stored_in_plain_text",
        ("Alliance stopped keeping tokens in a form that could be read back"),
    )


class ApiToken(AbstractAuthToken):
    """An API token: django-rest-knox keeps only its SHA-512 digest (and the key's first 15
    characters, to find the row); we add a name, a required expiry and the time of last use.

    The digest is not the primary key (knox's default), so pages can name a token by a plain
    id without putting anything derived from the key in a URL.
    """

    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    # As knox declares it (knox finds a person's other tokens through auth_token_set).
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_token_set")
    expiry = models.DateTimeField()
    name = models.CharField(max_length=100)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="api_token_has_a_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_expired(self) -> bool:
        return self.expiry <= timezone.now()
