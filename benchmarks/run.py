"""``python -m benchmarks.run --scale S``: load (or reuse) the reference data, measure, print, save JSON.

Every figure is printed beside its floor and target in one table; the same figures go to
benchmarks/out/ as JSON. Measurements that need project code not present yet say so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

SECTIONS = ("load", "health", "import", "api", "queries", "impact", "export", "stream", "ingest", "poll", "retention")
# Sections that change the data: only when named in --only, on a database of their own.
DESTRUCTIVE = ("retention",)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 1,000,000 instances, 6,000,000 interactions")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--only",
        default=",".join(name for name in SECTIONS if name not in DESTRUCTIVE),
        help=f"comma-separated subset of {', '.join(SECTIONS)} (retention removes data: only when named)",
    )
    parser.add_argument("--retention-days", type=int, default=90, help="retention: remove what started before")
    parser.add_argument("--processes", type=int, default=1, help="generator worker processes (0 = in-process)")
    parser.add_argument("--import-rows", type=int, default=10_000, help="N: the import runs at N and 10 N rows")
    parser.add_argument("--import-repeats", type=int, default=5, help="runs of the importer and of COPY per size")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint, or --seconds, whichever first")
    parser.add_argument("--seconds", type=float, default=30.0)
    # gunicorn as `make run` serves (Procfile: 2 workers x 4 threads, one worker per core here).
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_GUNICORN_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_GUNICORN_THREADS", 4)))
    parser.add_argument("--stream-seconds", type=float, default=60.0, help="length of the live stream run")
    parser.add_argument("--stream-readers", type=int, default=18)
    parser.add_argument("--stream-writers", type=int, default=2)
    parser.add_argument("--stream-batch", type=int, default=100, help="instances per ingest batch of the stream")
    parser.add_argument(
        "--stream-settle",
        type=float,
        default=None,
        help="seconds the stream waits for batches to be reflected after its writers stop "
        "(default 180 x the scale, at least 180: a recompute of the largest journey grows with the data)",
    )
    parser.add_argument("--ingest-clients", type=int, default=4)
    parser.add_argument("--ingest-batch", type=int, default=1000, help="instances per batch of the ingest section")
    parser.add_argument("--ingest-seconds", type=float, default=30.0)
    parser.add_argument("--health-repeats", type=int, default=2)
    parser.add_argument(
        "--statement-limit", type=int, default=300, help="seconds before a health query is cancelled and reported"
    )
    return parser.parse_args(argv)


def stream_settle_seconds(args) -> float:
    """How long the stream waits for its batches to be reflected: as asked, or 180 s x the scale (at least 180 s).

    One recompute of the largest journey grows with the data (about 84 s at scale 10), and a batch that
    commits during one waits for the next: a fixed wait stopped the scale-10 run in its warm-up.
    """
    return args.stream_settle if args.stream_settle is not None else 180.0 * max(1.0, args.scale)


def main(argv=None) -> int:
    args = parse_args(argv)
    sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        print(f"unknown section(s): {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2

    from . import database

    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    wall = time.perf_counter()
    marker = database.prepare(scale=args.scale, seed=args.seed, processes=args.processes, log=print)

    os.environ["DATABASE_URL"] = database.database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()

    from . import report

    figures: list[report.Figure] = []
    timings = {}
    for section in sections:
        section_started = time.perf_counter()
        print(f"measuring {section}...", flush=True)
        if section == "load":
            from . import load_bench

            figures += load_bench.measure(marker=marker)
        elif section == "health":
            from . import health_bench

            figures += health_bench.measure(repeats=args.health_repeats, statement_limit=args.statement_limit)
        elif section == "import":
            from . import import_bench

            figures += import_bench.measure(rows=args.import_rows, repeats=args.import_repeats)
        elif section == "api":
            from . import api_bench

            figures += api_bench.measure(
                clients=args.clients,
                max_requests=args.requests,
                max_seconds=args.seconds,
                workers=args.workers,
                threads=args.threads,
            )
        elif section == "queries":
            from . import queries_bench

            figures += queries_bench.measure()
        elif section == "impact":
            from . import impact_bench

            figures += impact_bench.measure()
        elif section == "export":
            from . import export_bench

            figures += export_bench.measure()
        elif section == "stream":
            from . import stream_bench

            figures += stream_bench.measure(
                readers=args.stream_readers,
                writers=args.stream_writers,
                batch=args.stream_batch,
                seconds=args.stream_seconds,
                settle_seconds=stream_settle_seconds(args),
                workers=args.workers,
                threads=args.threads,
            )
        elif section == "poll":
            from . import api_bench

            figures += api_bench.measure_conditional(
                clients=args.clients,
                max_requests=args.requests,
                max_seconds=args.seconds,
                workers=args.workers,
                threads=args.threads,
            )
        elif section == "ingest":
            from . import ingest_bench

            figures += ingest_bench.measure(
                clients=args.ingest_clients,
                batch=args.ingest_batch,
                seconds=args.ingest_seconds,
                workers=args.workers,
                threads=args.threads,
            )
        elif section == "retention":
            from . import retention_bench

            figures += retention_bench.measure(days=args.retention_days)
        timings[section] = round(time.perf_counter() - section_started, 1)

    context = {
        "started_at": started_at,
        "wall_seconds": round(time.perf_counter() - wall, 1),
        "section_seconds": timings,
        "arguments": vars(args),
        "machine": report.machine(),
        "database": database.database_url().rsplit("@", 1)[-1],
    }
    print()
    print(
        f"Throughline benchmarks at scale {args.scale:g} ({marker['counts']['instances']:,} instances, "
        f"{marker['counts']['interactions']:,} interactions); {context['machine']['nproc']} cores"
    )
    print()
    print(report.render(figures))
    path = report.write_json(scale=args.scale, figures=figures, context=context)
    print()
    print(f"wall time {context['wall_seconds']} s; JSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
