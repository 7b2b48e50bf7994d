"""Production settings: strict by default, and `check --deploy` finds nothing to warn about."""

import json
import re
import subprocess
import sys
from pathlib import Path

from alliance.testing import SERVICE_VARIABLES, production_environment

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "q8Zr-2vLx!pT9mWc_4kHn7YbEe0sJd6uGa3fRtVy1oKiXw5zMlNh",
    "ALLOWED_HOSTS": "alliance.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_has_no_warnings_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_bad_setting_is_named():
    result = _manage("check", **{**PRODUCTION, "DEBUG": "maybe"})
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr
    result = _manage("check", **{**PRODUCTION, "EMAIL_URL": "carrier-pigeon://coop"})
    assert "EMAIL_URL must start with one of" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_it_refuses_a_proxy_without_saying_where_the_client_address_comes_from():
    result = _manage("check", **{**PRODUCTION, "BEHIND_TLS_PROXY": "true"})
    assert result.returncode != 0
    assert "BEHIND_TLS_PROXY is set, so requests arrive from the proxy's address" in result.stderr
    result = _manage(
        "check", **{**PRODUCTION, "BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"}
    )
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_lockout_that_could_never_lock():
    result = _manage("check", **{**PRODUCTION, "LOGIN_LOCKOUT_ATTEMPTS": "0"})
    assert result.returncode != 0
    assert "LOGIN_LOCKOUT_ATTEMPTS must be at least 1, not 0" in result.stderr


def test_collectstatic_writes_a_manifest_of_every_static_file_in_production(tmp_path):
    """Pages look every static file up in the manifest: a vendored file that names one we do
    not have (a source map) stopped collectstatic, and every signed-in page answered 500."""
    result = _manage("collectstatic", "--noinput", **PRODUCTION, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    static = ROOT / "static"
    ours = {str(path.relative_to(static)) for path in static.rglob("*") if path.is_file()}
    assert ours - manifest.keys() == set()


def test_check_deploy_warns_when_the_redirect_to_https_is_off():
    result = _manage("check", "--deploy", **PRODUCTION, SECURE_SSL_REDIRECT="false")
    assert "security.W008" in result.stdout + result.stderr


def test_processes_started_as_production_inherit_no_setting_from_the_test_run():
    """production_environment() must drop every variable settings.py reads, or a server the
    tests start would run with the test run's values (SECURE_COOKIES_AND_HTTPS=false...)."""
    source = (ROOT / "alliance" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    assert "SECRET_KEY" in read
    assert read - SERVICE_VARIABLES == set()
