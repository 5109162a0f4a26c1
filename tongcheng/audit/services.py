"""Writing audit events. Every read of personal data, every write and every denial calls this."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.logs import request_id_var

# Who acts in this request or job, besides the account: the role the policy chose and the
# client's address. Set by the middleware (tongcheng.audit.middleware, tongcheng.org.middleware)
# or by a background job (`acting`), read when an event names a user: so the services take the
# acting account (`actor=`) and never an HTTP request.
acting_role_var: ContextVar[str] = ContextVar("acting_role", default="")
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


class Account(Protocol):
    """What an event needs of an account (tongcheng.org.models.User, which audit cannot import)."""

    @property
    def pk(self) -> Any: ...

    def get_username(self) -> str: ...


class AuditWriteError(Exception):
    """The event could not be written: the request must fail (503) and change nothing."""


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    ip_address: str | None
    request_id: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        return cls(
            user_id=user.pk if authenticated and user is not None else None,
            username=user.get_username() if authenticated and user is not None else "",
            role=getattr(request, "acting_role", "") or "",
            ip_address=client_ip(request),
            request_id=getattr(request, "request_id", "") or request_id_var.get(),
        )

    @classmethod
    def of(cls, account: Account) -> Actor:
        """The account acting now, with the role and address of the current request or job."""
        return cls(
            user_id=account.pk,
            username=account.get_username(),
            role=acting_role_var.get(),
            ip_address=client_ip_var.get(),
            request_id=request_id_var.get(),
        )

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """For management commands and background work."""
        return cls(None, name, "", None, request_id_var.get())


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy in production; the proxy's X-Forwarded-For is trusted only when
    # TRUSTED_PROXY_HOPS says how many proxies stand in front (docs/deploy.md).
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return str(request.META.get("REMOTE_ADDR") or "") or None


@contextlib.contextmanager
def acting(role: str) -> Iterator[None]:
    """Events written inside name `role` as the acting role (a background job of a request)."""
    token = acting_role_var.set(role)
    try:
        yield
    finally:
        acting_role_var.reset(token)


def audit_record(
    *,
    actor: Actor | HttpRequest | Account | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    area_code: str = "",
    outcome: str = AuditEvent.Outcome.ALLOWED,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event now, in the caller's transaction; raise AuditWriteError on failure.

    `actor`: an Actor, the request (views), an account (services: Actor.of), or None (the
    system). `detail` holds field names, counts and codes — never a personal value.
    """
    if isinstance(actor, Actor):
        who = actor
    elif isinstance(actor, HttpRequest):
        who = Actor.from_request(actor)
    elif actor is None:
        who = Actor.system()
    else:
        who = Actor.of(actor)
    try:
        return AuditEvent.objects.create(
            user_id=who.user_id,
            username=who.username,
            role=who.role,
            action=action,
            object_type=object_type,
            # An id comes from the caller's URL too (a 70-character area "code"): the column
            # holds 64, and a denial that cannot be written would fail the request.
            object_id="" if object_id in (None, "") else str(object_id)[:64],
            area_code=area_code,
            outcome=outcome,
            reason=reason[:255],
            detail=detail or {},
            request_id=who.request_id,
            ip_address=who.ip_address,
        )
    except DatabaseError as exc:
        raise AuditWriteError(action) from exc


def audited_insert(
    insert_sql: str,
    params: Sequence[Any],
    *,
    actor: Actor,
    action: str,
    object_type: str,
    detail: dict[str, Any],
) -> int | None:
    """Run `insert_sql`, one `INSERT … RETURNING id` (an `ON CONFLICT DO NOTHING` may return no
    row), and write the audit event of the row it inserted; the row's id, or None when it
    inserted nothing (and then no event is written). For a hot path (the phone platform's
    webhook); `audit_record` is the rule everywhere else.

    On PostgreSQL both go in one statement (the insert as a data-modifying CTE that the
    event's insert reads): one round trip, and atomic without a transaction of its own. On
    SQLite, the insert and `audit_record` in one transaction. Either way the event is written
    with the row or neither is (AuditWriteError when the event cannot be)."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(insert_sql, params)
                row = cursor.fetchone()
            if row is None:
                return None
            audit_record(
                actor=actor, action=action, object_type=object_type, object_id=row[0],
                detail=detail,
            )  # fmt: skip
            return int(row[0])
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = (
        f"WITH inserted AS ({insert_sql}) INSERT INTO {table}"  # noqa: S608
        " (at, user_id, username, role, action, object_type, object_id, area_code, outcome,"
        "  reason, detail, request_id, ip_address)"
        " SELECT %s, %s, %s, %s, %s, %s, CAST(inserted.id AS varchar), '', %s, '', %s::jsonb,"
        "  %s, %s::inet FROM inserted RETURNING object_id"
    )
    event = [
        *(timezone.now(), actor.user_id, actor.username, actor.role, action, object_type),
        *(AuditEvent.Outcome.ALLOWED, json.dumps(detail), actor.request_id, actor.ip_address),
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *event])
            row = cursor.fetchone()
    except DatabaseError as exc:
        if isinstance(exc, IntegrityError):
            raise  # the insert's own constraint, not the trail
        raise AuditWriteError(action) from exc
    return int(row[0]) if row is not None else None


@transaction.atomic
def events_purge(*, actor: Actor, cutoff: datetime, days: int) -> int:
    """Delete the events older than `cutoff` (retention: the audit_purge command checks it),
    and record the purge as one event with the count."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only for this transaction: the trigger refuses deletes again after the commit.
            cursor.execute("SET LOCAL tongcheng.audit_purge = 'on'")
        # Raw SQL on purpose: AuditEvent's manager refuses deletes (the trail is append-only).
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
        deleted = int(cursor.rowcount)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL tongcheng.audit_purge = 'off'")
    audit_record(
        actor=actor,
        action="audit.purge",
        object_type="audit_trail",
        detail={"deleted": deleted, "older_than_days": days},
    )
    return deleted
