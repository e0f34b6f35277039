"""Real processes for the reliability tests: a throw-away PostgreSQL database, Celery workers,
a gunicorn web server and a private redis-server, each started and stopped by the test itself."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Unacknowledged messages of a dead worker come back after this many seconds (Redis broker).
VISIBILITY_TIMEOUT = 4
TRANSPORT_OPTIONS = {
    "visibility_timeout": VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2, what: str) -> object:
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}.")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(database_url: str, name: str) -> str:
    """The same server and credentials as ``database_url``, another database name."""
    base, _, _ = database_url.rpartition("/")
    return f"{base}/{name}"


def psycopg_url(database_url: str) -> str:
    return database_url.replace("postgres://", "postgresql://", 1).replace("postgresql+psycopg://", "postgresql://", 1)


def create_database(database_url: str, name: str) -> str:
    with psycopg.connect(psycopg_url(server_url(database_url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url(database_url, name)


def drop_database(database_url: str, name: str) -> None:
    with psycopg.connect(psycopg_url(server_url(database_url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(*, database_url: str, broker_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(TRANSPORT_OPTIONS),
            "DJANGO_DEBUG": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "EMAIL_URL": "consolemail://",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Process:
    """A child process in its own process group, with its output in a file for the failure message."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.url = ""
        self.final_output: str | None = None
        self.log = tempfile.NamedTemporaryFile(prefix=f"throughline-{name}-", suffix=".log", delete=False)  # noqa: SIM115
        self.popen = subprocess.Popen(  # noqa: S603 (argv built by the tests from fixed values)
            argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        if self.final_output is not None:
            return self.final_output
        return Path(self.log.name).read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group (the worker and any pool child): no cleanup runs, as in a crash."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.final_output = self.output()
        self.log.close()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)


@contextlib.contextmanager
def celery_worker(env: dict[str, str], *, hooked: bool = False, name: str = "worker") -> Iterator[Process]:
    """``celery -A config worker`` (solo pool: the task runs in the process we kill). ``hooked`` starts
    it through tests/reliability/hooked_worker.py, which makes the recompute wait inside its
    transaction while the test holds an advisory lock."""
    prefix = [PYTHON, "-m", "tests.reliability.hooked_worker"] if hooked else [CELERY]
    argv = [*prefix, "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"]  # fmt: skip
    process = Process(name, argv, env)
    try:
        wait_until(lambda: "ready." in process.output() or not process.alive(), timeout=90, what=f"{name} to start")
        assert process.alive(), f"{name} exited:\n{process.output()}"
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1) -> Iterator[Process]:
    """gunicorn serving config.wsgi on a free loopback port; the process's ``url`` is where."""
    port = free_port()
    argv = [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    process = Process("gunicorn", argv, env)
    try:
        wait_until(lambda: _accepts(port) or not process.alive(), timeout=60, what="gunicorn to listen")
        assert process.alive(), f"gunicorn exited:\n{process.output()}"
        process.url = f"http://127.0.0.1:{port}"
        yield process
    finally:
        process.stop()


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[str]:
    """A private, memory-only redis-server on ``port``."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed"
    directory = tempfile.mkdtemp(prefix="throughline-redis-")
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", directory]
    process = Process("redis", argv, dict(os.environ))
    try:
        wait_until(lambda: _accepts(port) or not process.alive(), timeout=30, what="redis-server to listen")
        assert process.alive(), f"redis-server exited:\n{process.output()}"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.stop()
        shutil.rmtree(directory, ignore_errors=True)
