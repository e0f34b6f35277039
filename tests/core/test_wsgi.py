"""The WSGI application freezes what the web process keeps, once its views are loaded (config/wsgi.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc, json, sys; import config.wsgi; "
    "print(json.dumps({'frozen': gc.get_freeze_count(), 'urls': 'config.api_urls' in sys.modules}))"
)


def start_process(freeze: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "GC_FREEZE_AT_STARTUP": freeze}
    done = subprocess.run(  # noqa: S603 - a fixed argv
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("freeze", "expected"), [("true", True), ("false", False)])
def test_the_web_process_freezes_what_it_keeps_after_loading_its_views_unless_told_not_to(freeze, expected):
    # when: a web process starts as gunicorn starts it
    started = start_process(freeze)

    # then: unless turned off, the URLconf (every view) is loaded and the objects alive then are frozen
    assert started["urls"] is expected
    assert (started["frozen"] > 50_000) is expected
    if not expected:
        assert started["frozen"] == 0
