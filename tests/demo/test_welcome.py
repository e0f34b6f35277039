"""`make run`'s last words: manage.py welcome waits for the site, then prints its address and the demo
logins, once; seed_demo at verbosity 0 (as `make run` calls it) prints nothing."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from demo.organisation import PASSWORD
from journeys.models import HealthSnapshot, Journey
from tests import factories

pytestmark = pytest.mark.django_db


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.requests += 1
        ready = self.server.requests > 2  # the first two polls find the site still starting
        self.send_response(200 if ready else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    server = HTTPServer(("127.0.0.1", 0), _Health)
    server.requests = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_welcome_waits_for_the_site_then_prints_the_address_and_the_logins_that_exist(health_server):
    # given two of the demo logins, and a site that answers 200 from its third poll
    factories.UserFactory(username="owner")
    factories.UserFactory(username="viewer")
    out = StringIO()
    port = health_server.server_address[1]

    call_command("welcome", wait_for=f"http://127.0.0.1:{port}/healthz", worker_timeout=0.2, stdout=out)

    text = out.getvalue()
    assert health_server.requests == 3
    assert f"Throughline is ready at http://127.0.0.1:{port}/" in text
    assert f"Demo logins (password for all: {PASSWORD}):" in text
    logins = [line.split()[0] for line in text.splitlines() if line.startswith("    ")]
    assert logins == ["owner", "viewer"]
    assert text.count("Throughline is ready") == 1


def test_welcome_without_demo_logins_prints_only_the_address(health_server):
    out = StringIO()
    port = health_server.server_address[1]

    call_command("welcome", wait_for=f"http://127.0.0.1:{port}/healthz", worker_timeout=0.2, stdout=out)

    assert "Throughline is ready" in out.getvalue()
    assert "Demo logins" not in out.getvalue()


def test_welcome_gives_up_with_a_message_when_nothing_answers():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    err = StringIO()

    with pytest.raises(SystemExit) as stopped:
        call_command("welcome", wait_for=f"http://127.0.0.1:{port}/healthz", timeout=0.6, stdout=StringIO(), stderr=err)

    assert stopped.value.code == 1
    assert f"did not answer at http://127.0.0.1:{port}/healthz" in err.getvalue()


def test_seed_demo_at_verbosity_0_prints_nothing(capsys):
    out = StringIO()

    call_command("seed_demo", scale=0.01, days=3, verbosity=0, stdout=out)

    assert out.getvalue() == ""
    assert capsys.readouterr().err == ""
    assert Journey.objects.count() == 9  # six of the story, one drawn from a template, two framework parents
    assert HealthSnapshot.objects.exists()
