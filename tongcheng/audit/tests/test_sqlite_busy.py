"""On SQLite, a long write (an import) holding the one write lock never makes another user's
request a 500: it waits up to the busy timeout, then answers 503 "busy, try again"."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongcheng.conftest import Cast
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")

BUSY = "系统繁忙，请稍后再试。"
BUSY_MS = 300


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Django's connection waits BUSY_MS for a lock (5 s in settings): a reopened connection
    runs this init command."""
    options = dict(connection.settings_dict["OPTIONS"])
    options["init_command"] = options["init_command"].replace(
        "busy_timeout=5000", f"busy_timeout={BUSY_MS}"
    )
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    connection.close()
    yield
    connection.close()


@pytest.fixture
def writer() -> Iterator[sqlite3.Connection]:
    """A second connection to the test database file, as the import's worker process is."""
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def consent_post(client: Client, person: Person) -> object:
    return client.post(
        reverse("registry:consent_add", args=[person.pk]),
        {"kind": "legal_aid_sharing", "given_on": "2026-01-05"},
    )


def test_it_answers_503_busy_after_waiting_for_the_lock(
    committed_cast: Cast, short_busy_timeout: None, writer: sqlite3.Connection
) -> None:
    person = make_person(committed_cast.areas["community_a"].code)
    client = committed_cast.client("community_a")
    writer.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    response = consent_post(client, person)
    waited = time.monotonic() - started
    writer.execute("ROLLBACK")
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert BUSY in response.content.decode()  # type: ignore[attr-defined]
    assert response["Retry-After"] == "5"  # type: ignore[index]
    assert waited >= BUSY_MS / 1000
    assert not person.consents.exists()


def test_it_answers_busy_in_json_on_the_api(
    committed_cast: Cast, short_busy_timeout: None, writer: sqlite3.Connection
) -> None:
    person = make_person(committed_cast.areas["community_a"].code)
    client = committed_cast.client("community_a")
    writer.execute("BEGIN IMMEDIATE")
    response = client.get(reverse("api:person_detail", args=[person.pk]))
    writer.execute("ROLLBACK")
    # JSON, as every API answer (the API's own error handler may word the detail).
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_it_answers_503_not_the_debug_500_in_development(
    committed_cast: Cast, short_busy_timeout: None, writer: sqlite3.Connection, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    person = make_person(committed_cast.areas["community_a"].code)
    client = Client(raise_request_exception=False)
    client.force_login(committed_cast.community_a)
    writer.execute("BEGIN IMMEDIATE")
    response = consent_post(client, person)
    writer.execute("ROLLBACK")
    assert response.status_code == 503  # type: ignore[attr-defined]


def test_it_waits_for_a_lock_released_within_the_timeout(
    committed_cast: Cast, writer: sqlite3.Connection
) -> None:
    person = make_person(committed_cast.areas["community_a"].code)
    client = committed_cast.client("community_a")
    writer.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: writer.execute("ROLLBACK"))
    release.start()
    try:
        response = consent_post(client, person)
    finally:
        release.join()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert person.consents.count() == 1
