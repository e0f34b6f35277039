"""API list endpoints under concurrent clients, against gunicorn on loopback, beside a bare endpoint.

gunicorn serves the product (benchmarks.settings: the product's URLs plus /bench/bare/) from the
benchmark database. Each endpoint gets a short warm-up, then ``clients`` threads, each with its own
keep-alive connection and the same token, send requests until ``max_requests`` have been sent or
``max_seconds`` have passed. Latency is measured per request on the client side. The bare page runs before
every built endpoint and after the last; each built endpoint is compared with the runs either side of it.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.urls import Resolver404, resolve

from .report import Figure, unavailable

SECTION = "api"
P95_TARGET_MS = 100.0
ENDPOINTS = [
    ("journeys", "/api/v1/journeys/"),
    ("instances", "/api/v1/instances/"),
    ("issues", "/api/v1/issues/"),
    ("health-snapshots", "/api/v1/health-snapshots/"),
]
# The same lists with ?fields= as a client that wants a few fields asks for them: beside the targets, which are
# the whole pages'.
CHOSEN = [
    ("health-snapshots, a poller's fields", "/api/v1/health-snapshots/?fields=id,journey,segment,as_of,score,status"),
    ("issues, a board's fields", "/api/v1/issues/?fields=id,journey,title,severity,status,due_date,assignee"),
]
BARE = ("bare DRF page (one query, no auth)", "/bench/bare/")
# The two HTML pages people open most, read by a manager (the role that sees the most on them).
PAGES = [
    ("portfolio page", "/"),
    ("journey page", "/journeys/{slug}/"),
]
# Built pages (list cache off) against the bare page of the same gunicorn: issue 19 item 1.
BUILT_P95_RATIO = 2.0
BUILT_THROUGHPUT_RATIO = 0.5
PAGE_P95_RATIO = 3.0
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def api_token() -> str:
    """A read-only login's token (any login reads everything, design section 9)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-reader", defaults={"email": "bench@example.com"})
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def page_session_cookie() -> str:
    """A logged-in manager's session cookie for the HTML pages (sessions live in the database)."""
    from django.conf import settings
    from django.test import Client

    from .queries_bench import _user

    client = Client()
    client.force_login(_user())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, threads: int, extra_env: dict | None = None):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", **(extra_env or {})}
    argv = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env)  # noqa: S603 - fixed argv
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts slowly
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/bench/bare/?page_size=1")
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def hammer(
    port: int, path: str, headers: dict, *, clients: int, max_requests: int, max_seconds: float, ok_statuses=(200,)
) -> dict:
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds

    def client():
        nonlocal issued
        samples = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if issued >= max_requests or time.monotonic() > deadline:
                    break
                issued += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                received = len(response.read())
                ok = response.status in ok_statuses
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok, received = False, 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            samples.append((time.perf_counter() - started, ok, received))
        connection.close()
        return samples

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client) for _ in range(clients)]
        samples = [sample for future in futures for sample in future.result()]
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for seconds, _ok, _bytes in samples)
    count = len(latencies)
    return {
        "requests": count,
        "errors": sum(1 for _seconds, ok, _bytes in samples if not ok),
        "bytes_per_response": sum(size for _seconds, _ok, size in samples) / count if count else None,
        "seconds": elapsed,
        "per_second": count / elapsed if elapsed else 0.0,
        "p50_ms": latencies[count // 2] if count else None,
        "p95_ms": latencies[min(count - 1, int(count * 0.95))] if count else None,
        "max_ms": latencies[-1] if count else None,
    }


def _available(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def measure(*, clients: int, max_requests: int, max_seconds: float, workers: int, threads: int) -> list[Figure]:
    """Each endpoint as the product serves it (every page built: there is no list cache), the portfolio and
    journey pages with a manager's session, and the bare page of the same server; each built page's p95 (and
    each list's throughput) is also given as a multiple of the bare page's."""
    from journeys.models import Journey

    headers = {"Authorization": f"Token {api_token()}", "Accept": "application/json"}
    page_headers = {"Cookie": page_session_cookie(), "Accept": "text/html"}
    slug = Journey.objects.order_by("pk").values_list("slug", flat=True).first()
    pages = [(name, path.format(slug=slug)) for name, path in PAGES]
    targets = [(name, path) for name, path in ENDPOINTS if _available(path)]
    missing = [name for name, path in ENDPOINTS if not _available(path)]
    chosen = [(name, path) for name, path in CHOSEN if _available(path)]
    chosen_paths = {path for _name, path in chosen}
    built = [(name, path, headers) for name, path in [*targets, *chosen]]
    built += [(name, path, page_headers) for name, path in pages if _available(path)]
    bare_runs, figures = [], []
    with gunicorn(workers=workers, threads=threads) as port:
        for name, path, request_headers in interleaved(built, (BARE[0], BARE[1], headers)):
            hammer(port, path, request_headers, clients=clients, max_requests=4 * clients, max_seconds=10)  # warm-up
            result = hammer(
                port, path, request_headers, clients=clients, max_requests=max_requests, max_seconds=max_seconds
            )
            if path == BARE[1]:
                bare_runs.append(result)
            else:
                figures.append((name, path, result))
    rendered = []
    bare = bare_summary(bare_runs) if bare_runs else None
    if bare is not None:
        rendered.append(
            Figure(
                SECTION,
                f"{BARE[0]} {BARE[1]}: p95 ({clients} clients, {len(bare_runs)} runs, one before and after each "
                f"endpoint, {bare['errors']} errors)",
                round(bare["p95_ms"], 1),
                "ms",
                beside=f"median of the runs; p95 {bare['p95_low']:.1f}-{bare['p95_high']:.1f} ms, "
                f"{bare['per_second_low']:.0f}-{bare['per_second_high']:.0f} req/s (median {bare['per_second']:.0f})",
                details={**bare, "path": BARE[1], "workers": workers, "threads": threads},
            )
        )
    page_paths = {path for _name, path in pages}
    for index, (name, path, result) in enumerate(figures):
        beside = bare_beside(bare_runs[index : index + 2])  # the bare runs just before and after it
        is_page = path in page_paths
        if path in chosen_paths:
            if beside["p95_ms"] and result["p95_ms"] is not None:
                rendered.append(_chosen(name, path, result, beside, clients))
            continue
        rendered.append(
            Figure(
                SECTION,
                f"{name} {path}: p95 ({clients} clients, {result['requests']} requests, {result['errors']} errors)",
                round(result["p95_ms"], 1) if result["p95_ms"] is not None else None,
                "ms",
                beside=f"p50 {result['p50_ms']:.1f} ms, {result['per_second']:.0f} req/s; "
                f"bare p95 {beside['p95_ms']:.1f} ms either side",
                target=f"< {P95_TARGET_MS:g} ms, 0 errors",
                ok=result["p95_ms"] < P95_TARGET_MS and result["errors"] == 0,
                details={**result, "path": path, "workers": workers, "threads": threads, "bare_beside": beside},
            )
        )
        if beside["p95_ms"] and result["p95_ms"] is not None:
            rendered.extend(_ratios(name, path, result, beside, is_page=is_page))
    rendered.extend(unavailable(SECTION, f"the {name} list endpoint") for name in missing)
    return rendered


def interleaved(built: list[tuple], bare: tuple) -> list[tuple]:
    """The bare page before each built endpoint and once after the last: every built figure is compared with the
    bare runs either side of it, minutes apart at most, not with one bare run at another point of the section
    (the machine's speed drifts: the bare page alone went from 489 to 831 req/s between runs minutes apart)."""
    return [run for endpoint in built for run in (bare, endpoint)] + [bare]


def bare_beside(runs: list[dict]) -> dict:
    """The bare page's p95 and throughput beside one built endpoint: the means of the runs either side of it."""
    runs = [run for run in runs if run.get("p95_ms") is not None]
    if not runs:
        return {"p95_ms": None, "per_second": 0.0, "runs": 0}
    return {
        "p95_ms": sum(run["p95_ms"] for run in runs) / len(runs),
        "per_second": sum(run["per_second"] for run in runs) / len(runs),
        "runs": len(runs),
    }


def bare_summary(runs: list[dict]) -> dict:
    """The bare page over the section: the medians of its runs' p95 and throughput, and their ranges."""
    p95s = sorted(run["p95_ms"] for run in runs if run["p95_ms"] is not None)
    rates = sorted(run["per_second"] for run in runs)
    return {
        "p95_ms": statistics.median(p95s) if p95s else None,
        "p95_low": p95s[0] if p95s else None,
        "p95_high": p95s[-1] if p95s else None,
        "per_second": statistics.median(rates),
        "per_second_low": rates[0],
        "per_second_high": rates[-1],
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "runs": runs,
    }


POLLED = [("journeys", "/api/v1/journeys/"), ("health-snapshots", "/api/v1/health-snapshots/")]


def measure_conditional(*, clients: int, max_requests: int, max_seconds: float, workers: int, threads: int):
    """Pollers with and without If-None-Match against Django's ConditionalGetMiddleware (bench settings only).

    The middleware's ETag is a hash of the body, so a 304 still builds the page: what it saves is the
    body on the wire. The same gunicorn serves both passes; no write happens in between.
    """
    headers = {"Authorization": f"Token {api_token()}", "Accept": "application/json"}
    figures = []
    with gunicorn(workers=workers, threads=threads, extra_env={"BENCH_CONDITIONAL_GET": "1"}) as port:
        for name, path in POLLED:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            etag = response.getheader("ETag")
            connection.close()
            hammer(port, path, headers, clients=clients, max_requests=4 * clients, max_seconds=10)  # warm-up
            plain = hammer(port, path, headers, clients=clients, max_requests=max_requests, max_seconds=max_seconds)
            polled = hammer(
                port,
                path,
                {**headers, "If-None-Match": etag or ""},
                clients=clients,
                max_requests=max_requests,
                max_seconds=max_seconds,
                ok_statuses=(304,),
            )
            for how, result in (("200, full body", plain), ("If-None-Match: 304", polled)):
                figures.append(
                    Figure(
                        "poll",
                        f"{name} {path} {how}: p95 ({clients} clients, {result['requests']} requests, "
                        f"{result['errors']} errors)",
                        round(result["p95_ms"], 1) if result["p95_ms"] is not None else None,
                        "ms",
                        beside=f"p50 {result['p50_ms']:.1f} ms, {result['per_second']:.0f} req/s, "
                        f"{result['bytes_per_response']:,.0f} bytes a response",
                        details={**result, "path": path, "etag": etag},
                    )
                )
    return figures


def _chosen(name: str, path: str, result: dict, bare: dict, clients: int) -> Figure:
    """A list read with ?fields=: its p95 and throughput beside the bare page's (no target of its own)."""
    return Figure(
        SECTION,
        f"{name} {path}: p95 ({clients} clients, {result['requests']} requests, {result['errors']} errors)",
        round(result["p95_ms"], 1),
        "ms",
        beside=f"{result['p95_ms'] / bare['p95_ms']:.2f}x the bare p95, {result['per_second']:.0f} req/s = "
        f"{result['per_second'] / bare['per_second']:.2f}x the bare page's",
        details={**result, "path": path, "bare_p95_ms": bare["p95_ms"], "bare_per_second": bare["per_second"]},
    )


def _ratios(name: str, path: str, result: dict, bare: dict, *, is_page: bool) -> list[Figure]:
    """A built page's p95 (and a list's throughput) as a multiple of the bare page's in the same server."""
    p95_ratio = result["p95_ms"] / bare["p95_ms"]
    limit = PAGE_P95_RATIO if is_page else BUILT_P95_RATIO
    figures = [
        Figure(
            SECTION,
            f"{name} {path}: p95 / bare p95, every page built",
            round(p95_ratio, 2),
            "x",
            beside=f"{result['p95_ms']:.1f} ms vs {bare['p95_ms']:.1f} ms",
            target=f"<= {limit:g}x, 0 errors",
            ok=p95_ratio <= limit and result["errors"] == 0,
            details={"p95_ms": result["p95_ms"], "bare_p95_ms": bare["p95_ms"]},
        )
    ]
    if not is_page:
        share = result["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
        figures.append(
            Figure(
                SECTION,
                f"{name} {path}: throughput / bare throughput, every page built",
                round(share, 2),
                "x",
                beside=f"{result['per_second']:.0f} vs {bare['per_second']:.0f} req/s",
                target=f">= {BUILT_THROUGHPUT_RATIO:g}x",
                ok=share >= BUILT_THROUGHPUT_RATIO,
                details={"per_second": result["per_second"], "bare_per_second": bare["per_second"]},
            )
        )
    return figures
