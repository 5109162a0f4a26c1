"""The PostgreSQL backend's health check: skipped for a connection proved alive a moment ago,
run for one idle longer, and a connection the server dropped while idle is replaced without a
failed request. What the connection last sent is read from the server (pg_stat_activity)."""

from __future__ import annotations

from typing import cast

import psycopg
import pytest
from django.db import connection as default_connection

from tongcheng.lib.postgres.base import ALIVE_FOR, DatabaseWrapper

connection = cast(DatabaseWrapper, default_connection)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def last_statement(pid: int) -> str:
    """What the backend `pid` last ran, seen from a connection of its own."""
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return str(row[0]) if row else ""


def request_starts() -> None:
    """What Django does on each request's start: a check is due before the first statement."""
    connection.close_if_unusable_or_obsolete()
    connection.close_if_health_check_failed()


def test_it_checks_only_a_connection_idle_for_a_while() -> None:
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]  # production settings: on
    connection.health_check_enabled = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last request'")
    pid = connection.connection.info.backend_pid
    request_starts()
    assert last_statement(pid) == "SELECT 'the last request'"  # used a moment ago: trusted
    connection.alive_at -= ALIVE_FOR  # idle for longer
    request_starts()
    assert last_statement(pid) == "SELECT 1"  # Django's check


def test_it_replaces_a_connection_dropped_while_idle() -> None:
    connection.health_check_enabled = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    dropped = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    connection.alive_at -= ALIVE_FOR
    request_starts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (now,) = cursor.fetchone()
    assert now != dropped
