"""The fixed cast of accounts (CONTRIBUTING.md, Tests), on top of the real reference data
(loaded once per test run).

Areas used by the cast (real NBS codes of 长治市):
- city           140400000000 长治市
- district       140403000000 潞州区 (the pilot district)
- street         140403001000 东街街道
- community_a    140403001001 和平社区居委会 (in 东街街道)
- community_b    140403002001 上党门社区居委会 (in 西街街道: another street, same district)
- other_district 140404000000 上党区
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Department, Membership, User

AREA_CODES = {
    "city": "140400000000",
    "district": "140403000000",
    "street": "140403001000",
    "community_a": "140403001001",
    "community_b": "140403002001",
    "other_district": "140404000000",
}

# username → (role, area key, department code or None)
CAST: dict[str, tuple[Role, str, str | None]] = {
    "community_a": (Role.COMMUNITY_OFFICER, "community_a", None),
    "community_b": (Role.COMMUNITY_OFFICER, "community_b", None),
    "street": (Role.STREET_OFFICER, "street", None),
    "district": (Role.DISTRICT_OFFICE, "district", None),
    "other_district": (Role.DISTRICT_OFFICE, "other_district", None),
    "liaison": (Role.DEPT_LIAISON, "city", "city-hrss"),
    "hotline": (Role.HOTLINE_OPERATOR, "city", None),
    "volunteer": (Role.LEGAL_VOLUNTEER, "district", None),
    "representative": (Role.REPRESENTATIVE, "community_a", None),
    "inspector": (Role.INSPECTOR, "district", None),
    "leader": (Role.LEADER, "city", None),
    "city_admin": (Role.CITY_ADMIN, "city", None),
    "sys_admin": (Role.SYS_ADMIN, "city", None),
    "security_admin": (Role.SECURITY_ADMIN, "city", None),
    "audit_admin": (Role.AUDIT_ADMIN, "city", None),
}


def seed_reference_and_cast() -> None:
    """The real reference data and the cast's accounts."""
    call_command("load_reference", verbosity=0)
    areas = {key: Area.objects.get(code=code) for key, code in AREA_CODES.items()}
    for username, (role, area_key, department_code) in CAST.items():
        user = User.objects.create(username=username, display_name=username)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(
            user=user,
            role=role,
            area=areas[area_key],
            department=Department.objects.get(code=department_code) if department_code else None,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Reference data and the cast's accounts, once for the whole run."""
    with django_db_blocker.unblock():
        seed_reference_and_cast()


@dataclass
class Cast:
    """Fresh instances per test, so no membership cache leaks between tests."""

    areas: dict[str, Area]

    def __getattr__(self, username: str) -> User:
        if username not in CAST:
            raise AttributeError(username)
        return User.objects.get(username=username)

    def client(self, username: str) -> Client:
        """A client logged in as a cast member (two-factor already satisfied)."""
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client


@pytest.fixture
def cast(db: None) -> Cast:
    return Cast(areas={key: Area.objects.get(code=code) for key, code in AREA_CODES.items()})


@pytest.fixture
def committed_cast(transactional_db: None) -> Cast:
    """The cast for concurrency tests, whose rows are committed so other threads see them.

    pytest-django runs these tests after every ordinary database test and empties every table
    after each of them, so the reference data and the cast are written again when missing.
    """
    if not User.objects.filter(username="community_a").exists():
        seed_reference_and_cast()
    return Cast(areas={key: Area.objects.get(code=code) for key, code in AREA_CODES.items()})


def run_concurrently[T](work: Callable[[int], T], n: int) -> list[T | BaseException]:
    """Run `work(0)` … `work(n - 1)` at once on n threads, each with its own connection.

    A barrier releases them together; what each returned or raised comes back in order.
    Use with `committed_cast` (rows must be committed to be seen by the threads).
    """
    barrier = threading.Barrier(n)

    def run(index: int) -> T | BaseException:
        try:
            barrier.wait(timeout=30)
            return work(index)
        except BaseException as error:  # handed back to the test, which decides
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@dataclass
class Peer:
    """An outside HTTP service played by a real local server (an SMS gateway, a platform).

    It records every request (`received`: method, path, headers, parsed JSON body) and answers
    with the next status of `statuses` (200 once they run out) and a JSON body `answer`.
    """

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=lambda: {"ok": True})


@pytest.fixture
def http_peer() -> Iterator[Peer]:
    peer = Peer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body: Any = json.loads(raw or b"null")
            except ValueError:
                body = raw
            peer.received.append(
                {"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body,
                 "raw": raw}
            )  # fmt: skip
            status = peer.statuses.pop(0) if peer.statuses else 200
            payload = json.dumps(peer.answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    peer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="http peer", daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session", autouse=True)
def attachment_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Attachments written by any test go to a folder of the run, never the checkout's."""
    root = tmp_path_factory.mktemp("attachments")
    with override_settings(ATTACHMENT_ROOT=root):
        yield root
