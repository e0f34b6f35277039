"""The load test (tests/reliability/load.py) as part of `make reliability`: concurrent clients against
gunicorn and the reliability database, zero errors. Figures at demo scale 1 are in docs/load.md."""

import os

import pytest

from . import load

pytestmark = pytest.mark.failure


def test_concurrent_readers_and_ingests_get_no_error(stack, capsys):
    clients = os.environ.get("LOAD_CLIENTS", "50")
    duration = os.environ.get("LOAD_DURATION", "60")
    argv = ["--database-url", stack.database_url, "--token", stack.token, "--clients", clients,
            "--duration", duration, "--workers", "4"]  # fmt: skip

    exit_code = load.main(argv)

    output = capsys.readouterr().out
    print(output)  # the figures, shown with -s or on failure
    assert exit_code == 0, output
    assert "errors: 0" in output
    assert "| ingest |" in output
    assert "| journey_page |" in output
