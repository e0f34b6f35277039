"""Settings of the benchmark: the product's base settings, production-like, plus one bare endpoint.

The bare endpoint (benchmarks/urls.py) exists only here, so the product has no benchmark code in
its URL space. The database is the benchmark's own (DATABASE_URL is set by benchmarks.run).
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"
# Recompute requests that the importer and the API enqueue stay in this process's memory: the
# benchmark measures the request or the import, not a worker. The stream section (stream_bench)
# runs a real worker and points BENCH_CELERY_BROKER_URL at Redis for its gunicorn and worker.
CELERY_BROKER_URL = env("BENCH_CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = False
# The import benchmark loads files of up to 10 N rows; the product's default limit stays 50 MB.
IMPORT_MAX_BYTES = env.int("BENCH_IMPORT_MAX_BYTES", default=1024 * 1024 * 1024)
MEDIA_ROOT = env.path("BENCH_MEDIA_ROOT", default=str(VAR_DIR / "bench-media"))  # noqa: F405
# The poll section (api_bench.measure_conditional) measures what Django's ETag middleware (an ETag
# from the body's hash, 304 on If-None-Match) would save a poller; the product does not use it.
if env.bool("BENCH_CONDITIONAL_GET", default=False):
    MIDDLEWARE = [MIDDLEWARE[0], "django.middleware.http.ConditionalGetMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
