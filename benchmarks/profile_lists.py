"""Single in-process requests of the big API lists: median time, the queries (with their ms), a profile.

``DATABASE_URL=<the bench database> python -m benchmarks.profile_lists [PATH ...]`` (``PROFILE=1`` adds
cProfile's top functions; ``SORT=tottime`` and ``TOP=N`` choose their order and number). Uses the
bench settings, the api section's reader token for /api/ paths and a manager's session for the HTML pages
(``/``, ``/journeys/<slug>/``); the data must be loaded already
(``python -m benchmarks.run --scale S --only api`` loads it once).
"""

import cProfile
import io
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.api_bench import api_token  # noqa: E402
from benchmarks.queries_bench import _user  # noqa: E402

PATHS = ["/bench/bare/", "/api/v1/journeys/", "/api/v1/instances/", "/api/v1/issues/", "/api/v1/health-snapshots/"]


def main(paths: list[str]) -> None:
    api_client = Client(HTTP_AUTHORIZATION=f"Token {api_token()}")
    page_client = Client()
    page_client.force_login(_user())
    for path in paths:
        client = api_client if path.startswith(("/api/", "/bench/")) else page_client
        for _ in range(3):
            client.get(path)
        times = []
        for _ in range(15):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        print(
            f"{path}: status {response.status_code}, median {times[len(times) // 2]:.1f} ms, min {times[0]:.1f} ms, "
            f"{len(queries.captured_queries)} queries, {len(response.content)} bytes"
        )
        for query in queries.captured_queries:
            print(f"   {float(query['time']) * 1000:7.1f} ms  {query['sql'][:200]}")
        if os.environ.get("PROFILE"):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                client.get(path)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("TOP", "40")))
            print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1:] or PATHS)
