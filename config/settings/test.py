"""Settings for the test suite: same database selection as base, fast hashing, in-memory e-mail."""

import os
import re
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "1000/minute"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The in-process test worker answers its ping through an in-memory result backend.
CELERY_RESULT_BACKEND = "cache+memory://"

# pytest-xdist runs the suite in several processes (gw0, gw1...): each has its own test database
# (pytest-django's suffix), broker, media and scratch folders, so one process's Celery worker never
# takes another's messages and no test sees another's files.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
XDIST_WORKER_NUMBER = int(XDIST_WORKER[2:]) if re.fullmatch(r"gw\d+", XDIST_WORKER) else 0
if XDIST_WORKER_NUMBER and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):  # noqa: F405
    # One Redis database per test process, counting up from the configured one (redis://host:6379/9:
    # gw0 uses 9, gw1 10...). Redis has 16 by default.
    _redis = re.fullmatch(r"(rediss?://[^/]*)(?:/(\d*))?(\?.*)?", CELERY_BROKER_URL)  # noqa: F405
    if _redis is None:
        raise ValueError(f"Cannot give each test process a Redis database of its own: {CELERY_BROKER_URL}")  # noqa: F405
    _database = int(_redis.group(2) or 0) + XDIST_WORKER_NUMBER
    CELERY_BROKER_URL = f"{_redis.group(1)}/{_database}{_redis.group(3) or ''}"
    # Celery reads the environment's CELERY_BROKER_URL before its settings (celery.app.utils.Settings.broker_url):
    # left as it came, every process would share the first database and take the others' messages.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
# Uploads and other files the tests write: a folder per test process, under var/ like the app's own.
MEDIA_ROOT = str(VAR_DIR / "test-media" / (XDIST_WORKER or "main"))  # noqa: F405
Path(MEDIA_ROOT).mkdir(parents=True, exist_ok=True)

# Tests get a broker folder of their own, so messages left by `make run` never reach them.
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = Path(tempfile.mkdtemp(prefix="throughline-test-broker-"))
    (_broker_dir / "processed").mkdir()
    (_broker_dir / "control").mkdir()
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # A folder is polled, not waited on: kombu's 1 s between looks made each task of a test's real
        # worker wait up to a second for nothing.
        "polling_interval": 0.05,
    }
# Failed-login limits would carry over between tests (one cache, one client address): tests that check
# the limit set their own and clear the cache.
LOGIN_FAILURE_LIMIT = 1000
# Each test run counts in its own memory; tests/security checks that the default is shared across processes.
CACHES = {**CACHES, "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"}}  # noqa: F405
# The webhook tests' receivers listen on loopback (127.0.0.1); tests of the refusal turn this off.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
WEBHOOKS_TIMEOUT_SECONDS = 1.0
