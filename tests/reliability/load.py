"""Load test: concurrent clients against gunicorn and PostgreSQL on loopback (see docs/load.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres CELERY_BROKER_URL=redis://127.0.0.1:6379/11 \\
        python -m tests.reliability.load --scale 1 --clients 50 --duration 60

Without ``--database-url`` it creates a database of its own on the DATABASE_URL server, migrates
it, loads the demo organisation at ``--scale`` (with its health) and drops it at the end. It starts
gunicorn on a free loopback port, then runs ``--clients`` threads for ``--duration`` seconds (or
until ``--max-requests``), each one logged in as the demo viewer and holding the integration
account's token, drawing a request kind at random:

- reads: the journeys list, a journey page (HTML), an instances list, the issues list, a journey's
  health endpoint;
- ingests: a small batch (``--batch`` instances, three interactions each) with fresh external ids.

Every answer must be a 2xx: any other status or a transport error counts as an error and the
script exits with status 1. It prints throughput and p50/p95/max latency per request kind. Health
recomputes enqueued by the ingests are left in the broker (no worker runs, so the web server has
the machine) and purged at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import psycopg

from tests.reliability import processes

PASSWORD = "throughline-demo"  # noqa: S105 (the demo's published password)
WEIGHTS = {
    "journeys_list": 20,
    "journey_page": 15,
    "instances_list": 20,
    "issues_list": 15,
    "health": 15,
    "ingest": 15,
}


@dataclass
class Catalogue:
    """What the clients ask for: the demo's journeys and their touchpoint keys."""

    token: str
    touchpoints: dict[str, list[str]]

    @property
    def slugs(self) -> list[str]:
        return sorted(self.touchpoints)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: int = 0

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(seconds)
            else:
                self.errors.append(f"{kind}: {error}")


class Client:
    """One simulated user: a session cookie (the viewer) and the integration token, on one connection."""

    def __init__(self, base_url: str, catalogue: Catalogue, rng: random.Random, batch: int):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.catalogue = catalogue
        self.rng = rng
        self.batch = batch

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # a fresh connection for the next request
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, content

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"The login page answered {status}.")
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()})
        status, _ = self.request(
            "POST", "/accounts/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} answered {status}.")

    def one(self, kind: str) -> tuple[int, bytes]:
        slug = self.rng.choice(self.catalogue.slugs)
        if kind == "journeys_list":
            return self.request("GET", "/api/v1/journeys/")
        if kind == "journey_page":
            return self.request("GET", f"/journeys/{slug}/")
        if kind == "instances_list":
            return self.request("GET", f"/api/v1/instances/?journey={slug}&page_size=50")
        if kind == "issues_list":
            return self.request("GET", "/api/v1/issues/")
        if kind == "health":
            return self.request("GET", f"/api/v1/journeys/{slug}/health/")
        return self.ingest(slug)

    def ingest(self, slug: str) -> tuple[int, bytes]:
        keys = self.catalogue.touchpoints[slug]
        # Journeys that started 6 to 20 days ago and lasted at most 5 days: everything sent has
        # already happened (ingest refuses moments in the future).
        start = time.time() - self.rng.randint(6 * 86400, 20 * 86400)
        instances = []
        for _ in range(self.batch):
            moments = sorted(start + self.rng.randint(0, 5 * 86400) for _ in range(3))
            instances.append(
                {
                    "external_id": f"load-{uuid.uuid4().hex}",
                    "segment": "load test",
                    "started_at": _iso(start),
                    "ended_at": _iso(moments[-1] + 60),
                    "outcome": "completed",
                    "satisfaction": self.rng.randint(1, 5),
                    "interactions": [
                        {
                            "external_id": str(number),
                            "touchpoint": self.rng.choice(keys),
                            "occurred_at": _iso(moment),
                            "satisfaction": self.rng.randint(1, 5),
                        }
                        for number, moment in enumerate(moments, start=1)
                    ],
                }
            )
        body = json.dumps({"journey": slug, "instances": instances}).encode()
        headers = {"Authorization": f"Token {self.catalogue.token}", "Content-Type": "application/json"}
        # The token authenticates the ingest; the viewer's session must not be sent along with it.
        cookies, self.cookies = self.cookies, {}
        try:
            return self.request("POST", "/api/v1/ingest/", body, headers)
        finally:
            self.cookies = {**cookies, **self.cookies}


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def run_clients(base_url: str, catalogue: Catalogue, *, clients: int, duration: float, max_requests: int, batch: int,
                seed: int) -> tuple[Results, float]:  # fmt: skip
    results = Results()
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    clock: dict[str, float] = {}

    def start_clock() -> None:  # run once, when every client has logged in
        clock["start"] = time.monotonic()
        clock["end"] = clock["start"] + duration

    ready = threading.Barrier(clients + 1, action=start_clock)

    def work(number: int) -> None:
        rng = random.Random(seed * 1000 + number)  # noqa: S311 (load mix, not security)
        client = Client(base_url, catalogue, rng, batch)
        try:
            client.log_in("viewer")
        finally:
            ready.wait(timeout=300)
        while time.monotonic() < clock["end"]:
            with results.lock:
                if results.started >= max_requests:
                    return
                results.started += 1
            kind = rng.choices(kinds, weights)[0]
            began = time.monotonic()
            try:
                status, content = client.one(kind)
                error = None if 200 <= status < 300 else f"HTTP {status}: {content[:300]!r}"
            except Exception as exc:  # noqa: BLE001 (every failure is reported, none stops the run)
                error = f"{type(exc).__name__}: {exc}"
            results.record(kind, time.monotonic() - began, error)

    threads = [threading.Thread(target=work, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=300)
    for thread in threads:
        thread.join(timeout=duration + 60)
    return results, time.monotonic() - clock["start"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def report(results: Results, elapsed: float, args) -> str:
    total = sum(len(values) for values in results.latencies.values())
    lines = [
        f"{args.clients} clients, {elapsed:.1f} s, gunicorn {args.workers} workers, "
        f"{'given database' if args.database_url else f'demo scale {args.scale}'}, "
        f"ingest batches of {args.batch} instances x 3 interactions",
        f"machine: {os.cpu_count()} CPUs (nproc), {_memory()} memory",
        "",
        "| request | count | per second | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in [*WEIGHTS, "all"]:
        values = (
            [value for each in results.latencies.values() for value in each] if kind == "all"
            else results.latencies.get(kind, [])
        )  # fmt: skip
        if not values:
            continue
        lines.append(
            f"| {kind} | {len(values)} | {len(values) / elapsed:.1f} | {statistics.median(values) * 1000:.0f} | "
            f"{percentile(values, 0.95) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    lines += ["", f"requests: {total}, errors: {len(results.errors)}"]
    lines += [f"  {error}" for error in results.errors[:10]]
    return "\n".join(lines)


def _memory() -> str:
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        kilobytes = int(meminfo.readline().split()[1])
        return f"{kilobytes / 1024 / 1024:.1f} GiB"
    return "unknown"


def catalogue_of(database_url: str, token: str) -> Catalogue:
    touchpoints: dict[str, list[str]] = defaultdict(list)
    with psycopg.connect(processes.psycopg_url(database_url)) as conn:
        rows = conn.execute(
            "SELECT j.slug, t.key FROM journeys_touchpoint t JOIN journeys_journey j ON j.id = t.journey_id "
            "WHERE j.status = 'active' ORDER BY j.slug, t.key"
        )
        for slug, key in rows:
            touchpoints[slug].append(key)
        if not token:
            token = conn.execute(
                "SELECT key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id "
                "WHERE u.username = 'integration'"
            ).fetchone()[0]
    return Catalogue(token=token, touchpoints=dict(touchpoints))


def purge(broker_url: str) -> None:
    if not broker_url.startswith("redis://"):
        return
    from celery import Celery

    with contextlib.suppress(Exception), Celery(broker=broker_url).connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="Seconds of load (default 60).")
    parser.add_argument("--max-requests", type=int, default=200_000, help="Stop after this many requests in all.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    parser.add_argument("--batch", type=int, default=5, help="Instances per ingest (default 5).")
    parser.add_argument("--scale", type=float, default=1.0, help="Demo scale of the database it creates.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="Use this (migrated, seeded) database instead of creating one.")
    parser.add_argument("--token", default="", help="The integration token (default: read from the database).")
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not (args.database_url or server_url).startswith(("postgres://", "postgresql://")):
        parser.error("needs PostgreSQL: set DATABASE_URL=postgres://... (or pass --database-url)")
    if not broker_url.startswith("redis://"):
        parser.error("needs a Redis broker for the ingests' recompute messages: set CELERY_BROKER_URL=redis://...")

    name = f"throughline_load_{os.getpid()}"
    database_url = args.database_url or processes.create_database(server_url, name)
    try:
        env = processes.base_env(database_url=database_url, broker_url=broker_url)
        env["WEB_CONCURRENCY"] = str(args.workers)
        if not args.database_url:
            print(f"Creating {name}: migrate, seed_demo --scale {args.scale} ...", flush=True)
            began = time.monotonic()
            processes.manage(env, "migrate", "--noinput", "-v", "0", timeout=600)
            processes.manage(env, "seed_demo", "--scale", str(args.scale), timeout=1800)
            print(f"  ready in {time.monotonic() - began:.0f} s", flush=True)
        catalogue = catalogue_of(database_url, args.token)
        with processes.gunicorn(env, workers=args.workers) as web:
            print(f"Load: {args.clients} clients for {args.duration:.0f} s against {web.url} ...", flush=True)
            results, elapsed = run_clients(
                web.url,
                catalogue,
                clients=args.clients,
                duration=args.duration,
                max_requests=args.max_requests,
                batch=args.batch,
                seed=args.seed,
            )
            server_log = web.output()
        print(report(results, elapsed, args))
        if results.errors and server_log.strip():
            print("gunicorn said:\n" + server_log[-3000:])
        return 1 if results.errors else 0
    finally:
        purge(broker_url)
        if not args.database_url:
            with contextlib.suppress(psycopg.Error, subprocess.SubprocessError):
                processes.drop_database(server_url, name)


if __name__ == "__main__":
    sys.exit(main())
