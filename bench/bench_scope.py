"""Scoped pages and the audit trail: requests per second and latency through the whole stack.

Requests go through Django's test Client (every middleware, the access policy, the view, the
templates and the audit write), on SQLite, without a network; numbers are for comparing commits
on the same machine, not capacity planning.
"""

from __future__ import annotations

import statistics
import time

from django.db import transaction
from django.test import Client
from django.urls import reverse

from tongcheng.audit.services import Actor, audit_record
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Membership, User

Row = tuple[str, float | int, str]

MAX_REQUESTS = 300
MAX_SECONDS = 3.0


def _client(username: str, role: Role, area_code: str) -> Client:
    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": username})
    Membership.objects.get_or_create(user=user, role=role, area=Area.objects.get(code=area_code))
    client = Client()
    client.force_login(user)
    return client


def _measure(label: str, client: Client, path: str) -> list[Row]:
    for _ in range(5):  # warm-up: templates compiled, caches filled
        assert client.get(path).status_code == 200, path
    latencies: list[float] = []
    started = time.perf_counter()
    while len(latencies) < MAX_REQUESTS and time.perf_counter() - started < MAX_SECONDS:
        t0 = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 200, path
    total = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return [
        (f"{label}: throughput", round(len(latencies) / total, 1), "req/s"),
        (f"{label}: p50", round(cuts[49] * 1000, 2), "ms"),
        (f"{label}: p95", round(cuts[94] * 1000, 2), "ms"),
    ]


def _audit_write_cost(events: int = 1000) -> list[Row]:
    actor = Actor.system("bench")
    started = time.perf_counter()
    with transaction.atomic():
        for index in range(events):
            audit_record(
                actor=actor,
                action="bench.view",
                object_type="area",
                object_id=index,
                area_code="140403001001",
                detail={"fields": ["name"]},
            )
    per_event = (time.perf_counter() - started) / events
    return [("audit: one event written (in one transaction)", round(per_event * 1e6, 1), "µs")]


def run() -> list[Row]:
    community = _client("bench.community", Role.COMMUNITY_OFFICER, "140403001001")
    district = _client("bench.district", Role.DISTRICT_OFFICE, "140403000000")
    city = _client("bench.city", Role.CITY_ADMIN, "140400000000")
    rows: list[Row] = []
    rows += _measure("home, community officer", community, reverse("home"))
    rows += _measure("area browser, district (Luzhou)", district, reverse("org:area_list"))
    rows += _measure("area browser, whole city", city, reverse("org:area_list"))
    rows += _measure(
        "area detail, district",
        district,
        reverse("org:area_detail", args=["140403000000"]),
    )
    rows += _audit_write_cost()
    return rows
