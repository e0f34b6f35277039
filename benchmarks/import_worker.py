"""Run one CSV import exactly as ``manage.py import_interactions FILE --journey SLUG`` does; print JSON.

Started by benchmarks.import_bench in a process of its own, so that its peak memory is the
importer's and nothing else's. Memory comes from /proc/self/status: VmHWM (the peak resident set)
starts afresh at exec, unlike ru_maxrss, which keeps the forking parent's peak.
"""

import io
import json
import sys
import time
from pathlib import Path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def main(path: str, slug: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    baseline = _status_mb("VmRSS")
    output, errors = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command("import_interactions", path, "--journey", slug, "--no-progress", stdout=output, stderr=errors)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "baseline_rss_mb": baseline,
                "peak_rss_mb": _status_mb("VmHWM"),
                "output": output.getvalue().strip()[-500:],
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
