"""The phone platform's webhook under load: gunicorn as production runs it (gunicorn.conf.py:
2 worker processes) and the task worker, on PostgreSQL. Targets: ≥ 300 verified tickets per
second sustained, p99 ≤ 100 ms, with every ticket delivered twice and out of order; 0 lost
(every ticket ends with its case) and 0 doubled (no ticket opens two cases).

`run()` makes a PostgreSQL database of its own at 127.0.0.1:5432 (user postgres; dropped at the
end), migrates it, loads the reference data, registers a platform and queues the recurring jobs
(`schedule_jobs`, as a deploy does), then starts gunicorn and `manage.py db_worker` on it with
production settings (DEBUG off, keys of its own, X-Forwarded-Proto set as the reverse proxy
sets it); the worker's job `hotline.tickets` opens the tickets' cases. BENCH_TICKETS tickets
(default 6,000) are signed beforehand and each written out as the bytes of its HTTP request;
the 2 × BENCH_TICKETS deliveries are shuffled (a ticket's second delivery may come first, at
once, or much later) and sent by BENCH_CLIENTS client processes (default 2) over
BENCH_CONNECTIONS keep-alive connections each (default 8), each connection sending its next
delivery when the last is answered. The clients share the machine's cores with the server, the
worker and PostgreSQL: the figures are a floor. The worker starts after the last answer (the
intake alone, then how long the worker takes to open every case); BENCH_WORKER_DURING=1 runs it
during the burst as well, niced as docs/deploy.md runs it.

It prints the tickets per second over the whole run and the slowest second, the latency
percentiles of the answers, the answers by status, and how long after the last delivery the
worker had opened every ticket's case; then counts tickets without a case and cases with more
than one ticket.

    .venv/bin/python bench/run.py webhook
    BENCH_TICKETS=20000 .venv/bin/python bench/run.py webhook
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import multiprocessing
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
TICKETS = int(os.environ.get("BENCH_TICKETS", "6000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
# Deliveries a connection carries before the client opens a new one.
PER_CONNECTION = int(os.environ.get("BENCH_PER_CONNECTION", "100"))
# 1: run the task worker during the burst too, opening cases on the same cores (by default it
# starts once every delivery is answered: the intake alone, then the drain).
WORKER_DURING = os.environ.get("BENCH_WORKER_DURING", "0") == "1"
RATE_TARGET = 300.0
P99_TARGET_MS = 100.0
PLATFORM = "bench"
SECRET = "bench-platform-secret-0123456789abcdef"
SERVICES = ["job-seeking", "residence-permit", "school-enrolment", "legal-aid", "temporary-relief"]

Row = tuple[str, float | int, str]
Delivery = tuple[bytes, dict[str, str]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(
        DATABASE_URL=PG_URL.format(name=database),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        FIELD_ENCRYPTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        HASH_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_MAX_REQUESTS="0",  # no recycling in the middle of a measurement
        LOG_LEVEL="WARNING",
        PLATFORM_SECRET=SECRET,
        DJANGO_SETTINGS_MODULE="tongcheng.settings",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def _communities(database: str) -> list[str]:
    import psycopg

    with psycopg.connect(PG_URL.format(name=database)) as db:
        rows = db.execute("SELECT code FROM org_area WHERE level = 'community' ORDER BY code")
        return [code for (code,) in rows]


def _deliveries(communities: list[str]) -> list[Delivery]:
    """Every ticket twice, signed now, shuffled."""
    chooser = random.Random(20261207)
    signed: list[Delivery] = []
    stamp = str(int(time.time()))
    for k in range(TICKETS):
        body = json.dumps(
            {
                "type": "ticket",
                "ticket_id": f"BENCH-{k:07d}",
                "caller_name": chooser.choice(["阿依古丽", "买买提", "卓玛", "巴特尔", "马海燕"]),
                "caller_phone": f"139{chooser.randrange(10**8):08d}",
                "community": chooser.choice(communities),
                "service": chooser.choice(SERVICES),
                "nature": chooser.choice(["help", "consultation", "complaint"]),
                "interpreter": chooser.choice(["", "", "ug", "bo"]),
                "description": "需要帮助办理相关手续，电话里说明了情况。",
                "text_consent": chooser.random() < 0.3,
            },
            ensure_ascii=False,
        ).encode()
        digest = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        headers = {
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
            "X-Tongcheng-Timestamp": stamp,
            "X-Tongcheng-Signature": "sha256=" + digest.hexdigest(),
        }
        signed += [(body, headers), (body, headers)]
    chooser.shuffle(signed)
    return signed


def _request(port: int, body: bytes, headers: dict[str, str]) -> bytes:
    """One delivery as the bytes of its HTTP/1.1 request, built before the run: the clients
    then only write and read (http.client's own work per request would cost the machine about
    as much CPU as the server's, and the clients share its cores)."""
    lines = [
        f"POST /api/v1/hotline/platforms/{PLATFORM}/events HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _answer(sock: socket.socket, pending: bytes) -> tuple[int, bool, bytes]:
    """Read one answer: (status, whether the server closes the connection, bytes read past
    it)."""
    data = pending
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    fields = {name.strip().lower(): value.strip() for name, value in fields.items()}
    length = int(fields.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        rest += chunk
    return status, fields.get("connection", "").lower() == "close", rest[length:]


def _client(port: int, share: list[bytes], start_at: float) -> list[tuple[float, float, int]]:
    """One client process: CONNECTIONS threads, each with a keep-alive connection, sending its
    part of `share` one after another. Returns (sent at, seconds, status) per delivery."""
    import threading

    results: list[tuple[float, float, int]] = []
    lock = threading.Lock()

    def connection_loop(part: list[bytes]) -> None:
        sock: socket.socket | None = None
        pending = b""
        mine = []
        for number, request in enumerate(part):
            sent = time.perf_counter()
            try:
                if sock is not None and number % PER_CONNECTION == 0:
                    sock.close()  # a new connection now and then, as a platform's pool does
                    sock = None
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                    pending = b""
                sock.sendall(request)
                status, closing, pending = _answer(sock, pending)
                if closing:
                    sock.close()
                    sock = None
            except OSError:
                status = 0
                if sock is not None:
                    sock.close()
                sock = None
            mine.append((sent, time.perf_counter() - sent, status))
        if sock is not None:
            sock.close()
        with lock:
            results.extend(mine)

    while time.time() < start_at:
        time.sleep(0.001)
    threads = [
        threading.Thread(target=connection_loop, args=(share[k::CONNECTIONS],))
        for k in range(CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # perf_counter is per machine (CLOCK_MONOTONIC): the clients' readings compare.
    return results


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # Niced as docs/deploy.md's unit runs it: the web processes come first.
        ["nice", "-n", "10", sys.executable, "manage.py", "db_worker", "--no-reload"],
        cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _cpu_seconds(database: str, server_pid: int) -> tuple[float, float]:
    """CPU seconds used so far by gunicorn's workers and by the PostgreSQL backends of the
    database: what a delivery costs, whatever else the machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    gunicorn = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        used = (int(stat[11]) + int(stat[12])) / tick  # utime, stime
        if int(stat[1]) == server_pid:  # ppid: a gunicorn worker
            gunicorn += used
        elif command.startswith("postgres:") and f" {database} " in command:
            postgres += used
    return gunicorn, postgres


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _counts(database: str) -> tuple[int, int, int, int]:
    """Tickets, tickets with a case, cases, cases with more than one ticket."""
    import psycopg

    with psycopg.connect(PG_URL.format(name=database)) as db:
        tickets, opened = db.execute(
            "SELECT count(*), count(case_id) FROM hotline_ticket"
        ).fetchone() or (0, 0)
        (cases,) = db.execute("SELECT count(*) FROM cases_case").fetchone() or (0,)
        (doubled,) = db.execute(
            "SELECT count(*) FROM (SELECT case_id FROM hotline_ticket WHERE case_id IS NOT NULL"
            " GROUP BY case_id HAVING count(*) > 1) AS d"
        ).fetchone() or (0,)
    return int(tickets), int(opened), int(cases), int(doubled)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> list[Row]:
    """In a child process of its own (its client processes import this file as __main__)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench/bench_search.py")
    assert spec is not None and spec.loader is not None
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    rows: list[Row] = search.run_child(Path(__file__), "postgresql")
    return rows


def measure() -> list[Row]:
    import psycopg

    database = f"tongcheng_webhook_bench_{os.getpid()}"
    port = _free_port()
    env = _environment(database, port)
    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = worker = None
    try:
        started = time.perf_counter()
        _manage(env, "migrate", "--verbosity", "0")
        _manage(env, "load_reference", "--verbosity", "0")
        _manage(env, "register_platform", PLATFORM, "--name", "bench platform")
        _manage(env, "schedule_jobs")  # as at a deploy: the worker's rounds of hotline.tickets
        deliveries = _deliveries(_communities(database))
        print(f"  setup: database, platform and {len(deliveries):,} signed deliveries in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "tongcheng.wsgi"], cwd=ROOT, env=env,
            start_new_session=True,
        )  # fmt: skip
        if WORKER_DURING:
            worker = _start_worker(env)
        _wait_for_port(port)
        time.sleep(2)  # both gunicorn workers up
        cpu_before = _cpu_seconds(database, server.pid)
        start_at = time.time() + 1.0
        requests = [_request(port, body, headers) for body, headers in deliveries]
        shares = [requests[k::CLIENTS] for k in range(CLIENTS)]
        with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
            parts = pool.starmap(_client, [(port, share, start_at) for share in shares])
        results = [item for part in parts for item in part]
        cpu_after = _cpu_seconds(database, server.pid)
        first = min(sent for sent, _s, _st in results)
        last = max(sent + seconds for sent, seconds, _st in results)
        delivered_at = time.perf_counter()
        if worker is None:
            worker = _start_worker(env)
        wall = last - first
        latencies = [seconds * 1000 for _sent, seconds, _st in results]
        statuses = Counter(status for _sent, _s, status in results)
        per_second = Counter(int(sent - first) for sent, _s, _st in results)
        whole = [count for second, count in per_second.items() if second < int(wall)]
        slowest = min(whole) / 2 if whole else 0.0
        drained, progress, moved_at = None, -1, time.perf_counter()
        while time.perf_counter() - moved_at < 60:  # the worker stopped opening cases
            tickets, opened, _cases, _doubled = _counts(database)
            if tickets == TICKETS and opened == TICKETS:
                drained = time.perf_counter() - delivered_at
                break
            if opened != progress:
                progress, moved_at = opened, time.perf_counter()
            time.sleep(0.25)
        tickets, opened, cases, doubled = _counts(database)
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    rate = TICKETS / wall
    refused = sum(n for status, n in statuses.items() if status not in (200, 202))
    drain = drained if drained is not None else -1.0
    p99 = _percentile(latencies, 0.99)
    print(f"  answers by status: {dict(sorted(statuses.items()))}", flush=True)
    verdicts = [
        f"rate {'meets' if rate >= RATE_TARGET else 'MISSES'} ≥ {RATE_TARGET:.0f}/s",
        f"p99 {'meets' if p99 <= P99_TARGET_MS else 'MISSES'} ≤ {P99_TARGET_MS:.0f} ms",
        "0 lost" if opened == TICKETS == cases else "LOST",
        "0 doubled" if doubled == 0 and cases == TICKETS else "DOUBLED",
    ]
    print("  " + "; ".join(verdicts), flush=True)
    return [
        ("tickets, each delivered twice", TICKETS, "tickets"),
        ("tickets per second, whole run", rate, "/s"),
        ("deliveries (signed requests) per second, whole run", 2 * rate, "/s"),
        ("tickets per second, slowest whole second", slowest, "/s"),
        ("gunicorn CPU per delivery", (cpu_after[0] - cpu_before[0]) * 1000 / len(results), "ms"),
        ("PostgreSQL CPU per delivery", (cpu_after[1] - cpu_before[1]) * 1000 / len(results), "ms"),
        ("answer p50", statistics.median(latencies), "ms"),
        ("answer p95", _percentile(latencies, 0.95), "ms"),
        ("answer p99", p99, "ms"),
        ("answer max", max(latencies), "ms"),
        ("answers that were not 200/202", refused, ""),
        ("every case open, seconds after the last answer", drain, "s"),
        ("tickets without a case", tickets - opened + (TICKETS - tickets), ""),
        ("cases", cases, ""),
        ("cases with two tickets", doubled, ""),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in measure():
        print("ROW\t" + json.dumps(row), flush=True)
