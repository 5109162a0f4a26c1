"""The ledger list page and the registry dashboard at 1,000,000 files: p95 ≤ 100 ms
for the list, ≤ 300 ms for the dashboard, query count independent of size.

Each measurement runs in a child process on its own database (see bench_search.py: SQLite
files cached under bench/data/, PostgreSQL in a temporary database when BENCH_PAGES_ENGINES
includes it). The page is requested through Django's test Client — every middleware, the access
policy, the view, the search, the template and the audit events. The list as a community
officer, a district office and a city-wide user, without and with a search; the dashboard
(`registry:stats`) as a city-wide user, a district office and a leader (small cells suppressed),
read from the summary (registry.summary) and, for comparison, computed live with GROUP BY over
the files (BENCH_LIVE_REQUESTS requests each, default 10: seconds each at a million files).
Query counts are printed at 1,000 files and at BENCH_PERSONS (default 1,000,000) files: they
must be equal.

The generated files are written raw (bench/ledger_data.py), past the services that keep the
summary: the child rebuilds it (`summary_rebuild`, timed) when its total differs from the files.

    BENCH_PAGES_ENGINES=sqlite .venv/bin/python bench/run.py ledger_pages

When the list view is not written yet, the list query and the rendering of 50 masked rows
with a minimal template are measured instead (labelled "fallback").
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
TARGET_MS = 100.0
DASHBOARD_TARGET_MS = 300.0
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))
LIVE_REQUESTS = int(os.environ.get("BENCH_LIVE_REQUESTS", "10"))
DISTRICT = "140403000000"
SMALL = 1000

Row = tuple[str, float | int, str]


def _bench_search() -> Any:
    spec = importlib.util.spec_from_file_location("bench_search", BENCH / "bench_search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run() -> list[Row]:
    search = _bench_search()
    rows: list[Row] = []
    for engine in os.environ.get("BENCH_PAGES_ENGINES", "sqlite,postgresql").split(","):
        for size in (SMALL, search.persons_wanted()):
            rows += search.run_child(Path(__file__), engine, [str(size)])
    return rows


# --- Child side ------------------------------------------------------------------------------

PAGES = [
    ("list", {}),
    ("list, page 3", {"page": "3"}),
    ("search 马", {"q": "马"}),
    ("search ma", {"q": "ma"}),
]

FALLBACK_TEMPLATE = """<table>{% for p, ids in rows %}<tr><td>{{ p.name }}</td>
<td>{{ p.ethnicity.name }}</td><td>{{ ids.id_number }}</td><td>{{ ids.phone }}</td>
<td>{{ p.community.name }}</td><td>{{ p.get_status_display }}</td></tr>{% endfor %}</table>"""


def _measure(get: Any, requests: int = REQUESTS) -> tuple[list[float], int]:
    from django.db import connection

    for _ in range(3 if requests >= 20 else 1):  # warm-up: templates compiled, caches filled
        get()
    # Counted with a wrapper: the query log is reset when a request starts.
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get()
    latencies = []
    for _ in range(requests):
        t0 = time.perf_counter()
        get()
        latencies.append(time.perf_counter() - t0)
    return latencies, len(statements)


def _view_getter(client: Any, params: dict[str, str], name: str = "registry:person_list") -> Any:
    from django.urls import reverse

    url = reverse(name)

    def get() -> None:
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    return get


def _fallback_getter(user: Any, params: dict[str, str]) -> Any:
    from django.template import engines

    from tongcheng.lib.masking import mask_id_number, mask_phone
    from tongcheng.org.models import User
    from tongcheng.registry.identifiers import decrypt
    from tongcheng.registry.models import Person
    from tongcheng.registry.search import search_persons

    template = engines["django"].from_string(FALLBACK_TEMPLATE)
    page = int(params.get("page", "1"))

    def get() -> None:
        fresh = User.objects.get(pk=user.pk)
        if params.get("q"):
            persons = search_persons(fresh, params["q"], page=page, per_page=50).items
        else:
            persons = list(
                Person.objects.visible_to(fresh).select_related("ethnicity", "community")[
                    (page - 1) * 50 : page * 50 + 1
                ]
            )[:50]
        rows = [
            (
                p,
                {
                    "id_number": mask_id_number(decrypt(p, "id_number")),
                    "phone": mask_phone(decrypt(p, "phone")),
                },
            )
            for p in persons
        ]
        template.render({"rows": rows})

    return get


def _report(name: str, latencies: list[float], queries: int, target: float) -> None:
    search = _bench_search()
    cuts = statistics.quantiles(latencies, n=100)
    search.emit(f"{name} p50", round(cuts[49] * 1000, 1), "ms")
    search.emit(f"{name} p95", round(cuts[94] * 1000, 1), "ms")
    search.emit(f"{name} queries", queries, "")
    if cuts[94] * 1000 > target:
        print(f"  {name}: p95 over the {target:.0f} ms target", flush=True)


def _ensure_summary(engine: str, size: int) -> None:
    """Rebuild the dashboard summary when the raw-generated files are not all in it."""
    from django.db.models import Sum

    from tongcheng.registry.actions.summary import summary_rebuild
    from tongcheng.registry.models import AreaSummary, Person

    summed = AreaSummary.objects.filter(dimension="total").aggregate(n=Sum("count"))["n"] or 0
    if summed == Person.objects.count():
        return
    t0 = time.perf_counter()
    summary_rebuild()
    _bench_search().emit(
        f"[{engine} {size:,}] summary rebuild", round(time.perf_counter() - t0, 1), "s"
    )


def _dashboards(engine: str, size: int, users: dict[str, Any]) -> None:
    from django.test import Client

    from tongcheng.registry import stats

    summary_figures = stats.summary_figures
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        getter = _view_getter(client, {}, "registry:stats")
        for kind, figures, requests in (
            ("summary", summary_figures, REQUESTS),
            ("live GROUP BY", stats.live_figures, LIVE_REQUESTS),
        ):
            # The view reads the module's function at each call: swap in the live computation.
            stats.summary_figures = figures  # type: ignore[assignment]
            try:
                latencies, queries = _measure(getter, requests)
            finally:
                stats.summary_figures = summary_figures  # type: ignore[assignment]
            name = f"[{engine} {size:,}] dashboard {label} ({kind})"
            _report(name, latencies, queries, DASHBOARD_TARGET_MS)


def child(engine: str, size: int) -> None:
    search = _bench_search()
    os.environ["BENCH_PERSONS"] = str(size)
    with search.ledger_database(engine, size):
        from django.test import Client

        _ensure_summary(engine, size)
        city = search.bench_user("bench.city", "city_admin", search.CITY)
        district = search.bench_user("bench.district", "district_office", DISTRICT)
        users = {
            "community officer": search.bench_user(
                "bench.community", "community_officer", search.COMMUNITY
            ),
            "district office": district,
            "city": city,
        }
        for label, user in users.items():
            client = Client()
            client.force_login(user)
            for page_label, params in PAGES:
                try:
                    getter = _view_getter(client, params)
                    getter()
                    kind = "page"
                except NotImplementedError:
                    getter = _fallback_getter(user, params)
                    kind = "fallback"
                latencies, queries = _measure(getter)
                name = f"[{engine} {size:,}] {label}: {page_label} ({kind})"
                _report(name, latencies, queries, TARGET_MS)
        leader = search.bench_user("bench.leader", "leader", search.CITY)
        _dashboards(engine, size, {"city": city, "district office": district, "leader": leader})


if __name__ == "__main__":
    engine = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    child(engine, int(sys.argv[2]) if len(sys.argv) > 2 else SMALL)
