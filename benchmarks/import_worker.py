"""Run one CSV import exactly as ``manage.py import_interactions FILE --journey SLUG`` does; print JSON.

Started by benchmarks.import_bench in a process of its own, so that its peak memory (ru_maxrss)
is the importer's and nothing else's.
"""

import io
import json
import resource
import sys
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main(path: str, slug: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    baseline = _rss_mb()
    output, errors = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command("import_interactions", path, "--journey", slug, "--no-progress", stdout=output, stderr=errors)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "baseline_rss_mb": baseline,
                "peak_rss_mb": _rss_mb(),
                "output": output.getvalue().strip()[-500:],
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
