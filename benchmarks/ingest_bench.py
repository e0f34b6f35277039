"""``POST /api/v1/ingest/`` throughput from concurrent clients beside COPY of the same kind of rows, in one run.

gunicorn serves the product as ``make run`` does (2 workers x 4 threads, benchmarks.settings: the
recompute the ingest enqueues stays in memory, as in the import section). ``clients`` threads (4),
each with its own keep-alive connection and an integration account's token, post batches of
``batch`` new instances (1,000) with six interactions each to the journey with most instances, one
batch after the other, for ``seconds``. The bodies are made before the clock starts (one JSON text
per client, its external ids renamed per batch by a string replace), so the clients spend their
time waiting for the server. Throughput = interactions created / wall time of the clients.

COPY, in the same run: the same number of instances and interactions as four batches, made from the
same builder, loaded with ``COPY`` into the same two tables in one transaction (ids given, nothing
checked, no staging, no upsert): the floor of writing those rows. Median of three. Both sides'
rows are deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from .api_bench import gunicorn
from .report import Figure
from .stream_bench import INTERACTIONS_PER_INSTANCE, ingest_batch, targets, writer_token

SECTION = "ingest"
TARGET_SHARE = 0.25
PREFIX = "ING"
PLACEHOLDER = "@@BATCH@@"
COPY_REPEATS = 3


def _body(slug: str, touchpoints: list[str], size: int) -> str:
    return json.dumps(
        ingest_batch(slug=slug, touchpoints=touchpoints, prefix=PLACEHOLDER, size=size, now=dt.datetime.now(dt.UTC))
    )


def clean_up(journey_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM journeys_interaction WHERE instance_id IN (SELECT id FROM journeys_journeyinstance "
            "WHERE journey_id = %s AND external_id LIKE %s)",
            [journey_id, f"{PREFIX}%"],
        )
        cursor.execute(
            "DELETE FROM journeys_journeyinstance WHERE journey_id = %s AND external_id LIKE %s",
            [journey_id, f"{PREFIX}%"],
        )
        cursor.execute("DELETE FROM journeys_pendingrecompute WHERE journey_id = %s", [journey_id])


def post_batches(*, port: int, token: str, body: str, clients: int, seconds: float, tag: str) -> dict:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    totals = {"batches": 0, "errors": 0, "instances": 0, "interactions": 0, "latencies": [], "error_samples": []}

    def client(number: int):
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        sent = 0
        while time.monotonic() < deadline:
            payload = body.replace(PLACEHOLDER, f"{PREFIX}{tag}{number}-{sent}").encode()
            sent += 1
            began = time.perf_counter()
            try:
                connection_.request("POST", "/api/v1/ingest/", body=payload, headers=headers)
                response = connection_.getresponse()
                content = response.read()
                ok = response.status == 200
                if response.will_close:
                    connection_.close()
            except (OSError, http.client.HTTPException) as error:
                ok, content = False, str(error).encode()
                connection_.close()
                connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - began
            with lock:
                totals["latencies"].append(elapsed)
                if not ok:
                    totals["errors"] += 1
                    if len(totals["error_samples"]) < 3:
                        totals["error_samples"].append(content[:300].decode(errors="replace"))
                    continue
                instances = json.loads(content)["created"] // (1 + INTERACTIONS_PER_INSTANCE)
                totals["batches"] += 1
                totals["instances"] += instances
                totals["interactions"] += instances * INTERACTIONS_PER_INSTANCE
        connection_.close()

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client, number) for number in range(clients)]:
            future.result()
    totals["seconds"] = time.perf_counter() - began
    return totals


def copy_text(*, journey_id: int, touchpoints: dict, batches: list[dict], first_id: int) -> tuple[str, str, int]:
    """The batches as COPY text for the two tables (ids from ``first_id``), made before COPY's clock starts."""
    now = dt.datetime.now(dt.UTC).isoformat()
    instance_lines, interaction_lines = [], []
    next_id = first_id
    for batch in batches:
        for item in batch["instances"]:
            instance_lines.append(
                f"{next_id}\t{now}\t{now}\t{item['external_id']}\t{item['customer_ref']}\t\t{item['started_at']}\t"
                f"{item['ended_at']}\t{item['outcome']}\t{item['satisfaction']}\t{journey_id}\n"
            )
            for interaction in item["interactions"]:
                touchpoint_id, channel = touchpoints[interaction["touchpoint"]]
                interaction_lines.append(
                    f"{now}\t{now}\t{interaction['external_id']}\t{channel}\t{interaction['occurred_at']}\t"
                    f"{interaction['satisfaction']}\t\\N\tf\tf\t{next_id}\t{touchpoint_id}\n"
                )
            next_id += 1
    return "".join(instance_lines), "".join(interaction_lines), len(interaction_lines)


def run_copy(*, journey_id: int, touchpoints: dict, batches: list[dict]) -> tuple[float, int]:
    from .generator import INSTANCE_COLUMNS, INTERACTION_COLUMNS

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM journeys_journeyinstance")
        first_id = cursor.fetchone()[0]
    instances, interactions, count = copy_text(
        journey_id=journey_id, touchpoints=touchpoints, batches=batches, first_id=first_id
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY journeys_journeyinstance ({INSTANCE_COLUMNS}) FROM STDIN") as copy:
            copy.write(instances)
        with cursor.cursor.copy(f"COPY journeys_interaction ({INTERACTION_COLUMNS}) FROM STDIN") as copy:
            copy.write(interactions)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('journeys_journeyinstance', 'id'), "
            "(SELECT max(id) FROM journeys_journeyinstance))"
        )
    return seconds, count


def measure(*, clients: int = 4, batch: int = 1000, seconds: float = 30.0, workers: int = 2, threads: int = 4):
    from journeys.selectors.ingest import touchpoint_index

    target = targets(1)[0]
    from journeys.models import Journey

    touchpoints = touchpoint_index(Journey.objects.get(pk=target.journey_id))
    token = writer_token()
    body = _body(target.slug, target.touchpoints, batch)
    clean_up(target.journey_id)
    try:
        with gunicorn(workers=workers, threads=threads) as port:
            post_batches(port=port, token=token, body=body, clients=clients, seconds=1, tag="warm")  # warm-up
            clean_up(target.journey_id)
            result = post_batches(port=port, token=token, body=body, clients=clients, seconds=seconds, tag="run")
        load_after_api = os.getloadavg()
        clean_up(target.journey_id)
        copies = []
        for repeat in range(COPY_REPEATS):
            batches = [
                ingest_batch(
                    slug=target.slug,
                    touchpoints=target.touchpoints,
                    prefix=f"{PREFIX}copy{repeat}-{number}",
                    size=batch,
                    now=dt.datetime.now(dt.UTC),
                )
                for number in range(clients)
            ]
            copies.append(run_copy(journey_id=target.journey_id, touchpoints=touchpoints, batches=batches))
            clean_up(target.journey_id)
    finally:
        clean_up(target.journey_id)
    copy_seconds = statistics.median(seconds_ for seconds_, _count in copies)
    copy_rows = copies[0][1]
    copy_rate = copy_rows / copy_seconds
    rate = result["interactions"] / result["seconds"]
    latencies = sorted(result["latencies"])
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] if latencies else None
    share = rate / copy_rate if copy_rate else None
    details = {
        **{key: value for key, value in result.items() if key != "latencies"},
        "p95_seconds": p95,
        "copy_runs": [round(seconds_, 3) for seconds_, _count in copies],
        "copy_interactions": copy_rows,
        "journey": target.slug,
        "load_average_after_api": load_after_api,
        "load_average": os.getloadavg(),
    }
    load = "load average {:.1f} / {:.1f} / {:.1f}".format(*load_after_api)
    return [
        Figure(
            SECTION,
            f"POST /api/v1/ingest/: {clients} clients x {batch:,} instances "
            f"({INTERACTIONS_PER_INSTANCE} interactions each), {result['batches']} batches, {result['errors']} errors",
            round(rate),
            "interactions/s",
            beside=f"{result['instances'] / result['seconds']:.0f} instances/s; batch p95 {p95 or 0:.2f} s; {load}",
            target="0 errors",
            ok=result["errors"] == 0,
            details=details,
        ),
        Figure(
            SECTION,
            f"COPY of {clients * batch:,} instances + {copy_rows:,} interactions, median of {COPY_REPEATS}",
            round(copy_rate),
            "interactions/s",
            beside=f"{copy_seconds:.2f} s",
        ),
        Figure(
            SECTION,
            "ingest API interactions/s as a share of COPY's",
            f"{share:.0%}" if share is not None else None,
            target=f">= {TARGET_SHARE:.0%}",
            ok=share is not None and share >= TARGET_SHARE,
        ),
    ]
