"""Settings for the test suite: production settings with test-only secrets and speed-ups."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES_AND_HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.pop("REDIS_URL", None)

from alliance.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Lets the test runner's `flush` empty the append-only audit log (see audit/flush_for_tests).
INSTALLED_APPS = [*INSTALLED_APPS, "audit.flush_for_tests"]  # noqa: F405

# The demo's national practice figures (95,650 rows) are not imported on every demo load.
DEMO_PRACTICE_DATA = ""
