"""/healthz (the process is up) and /readyz (the database answers)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_it_answers_healthz_without_the_database(client: Client) -> None:
    # No `db` fixture: pytest-django blocks any database access, so this proves none happens.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_it_answers_readyz_when_the_database_answers(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_sets_no_session_cookie_for_probes(client: Client) -> None:
    for path in ("/healthz", "/readyz"):
        assert not client.get(path).cookies


def test_it_answers_503_on_readyz_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # A real process whose database cannot be opened: healthz stays 200, readyz says 503.
    script = (
        "import json\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "out = {p: [c.get(p).status_code, c.get(p).json()] for p in ('/healthz', '/readyz')}\n"
        "print('RESULT' + json.dumps(out))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    result = json.loads(line.removeprefix("RESULT"))
    assert result["/healthz"] == [200, {"status": "ok"}]
    assert result["/readyz"] == [503, {"status": "unavailable", "database": "unreachable"}]
