"""Production settings: `check --deploy` is clean, and DEBUG off refuses to start without secrets.

Each case runs manage.py in a subprocess with a controlled environment, as a deployment would.
"""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUR_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "HASH_KEY",
    "ALLOWED_HOSTS",
    "TWO_FACTOR_REQUIRED",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
}


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=_key(),
        HASH_KEY=_key(),
        ALLOWED_HOSTS="example.org",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_check_deploy_with_production_settings() -> None:
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
    assert "(0 silenced)" in done.stdout


def test_it_refuses_to_start_without_each_secret() -> None:
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY"):
        done = manage("check", env=production_env(**{name: ""}))
        assert done.returncode != 0, name
        assert f"{name} must be set in the environment when DEBUG is off" in done.stderr


def test_it_refuses_the_development_keys_in_production() -> None:
    dev_key = "ZGV2LW9ubHktZmllbGQta2V5LTAxMjM0NTY3ODkwMTI="
    done = manage("check", env=production_env(FIELD_ENCRYPTION_KEY=dev_key))
    assert done.returncode != 0
    assert "development keys cannot be used with DEBUG off" in done.stderr


def test_it_starts_in_development_without_any_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    done = manage("check", env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_refuses_a_key_that_is_not_32_base64_bytes() -> None:
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        done = manage("check", env=production_env(HASH_KEY=bad))
        assert done.returncode != 0
        assert "HASH_KEY must be 32 random bytes" in done.stderr
