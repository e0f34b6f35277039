"""manage.py welcome --wait-for URL: once the site answers, say where it is and how to log in.

`make run` starts this beside the web server, worker and beat, so that the address and the demo
logins are the last thing on the screen, printed once, when they work, instead of scrolling away
under the servers' start-up lines.
"""

import logging
import os
import sys
import time
import urllib.error
import urllib.request

from celery import current_app as celery_app
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from demo.organisation import INTEGRATION_USERNAME, PASSWORD, ROLE_LOGINS

POLL_SECONDS = 0.25


class Command(BaseCommand):
    help = "Wait until the site answers (and a worker, for a while), then print its address and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--wait-for", metavar="URL", required=True, help="The health check, e.g. .../healthz.")
        parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for the site (default 120).")
        parser.add_argument(
            "--worker-timeout", type=float, default=20, help="Seconds to wait for a worker after that (default 20)."
        )

    def handle(self, *args, wait_for, timeout, worker_timeout, **options):
        # kombu warns about the filesystem broker's URL on every connection: not news for a newcomer.
        logging.getLogger("kombu").setLevel(logging.ERROR)
        parent = os.getppid()
        if not self._wait(lambda: _answers(wait_for), timeout, parent):
            self.stderr.write(f"Throughline did not answer at {wait_for} within {timeout:.0f} s; see the lines above.")
            sys.exit(1)
        # The worker's start-up lines come a moment after the web server's: wait for them to be done.
        self._wait(_worker_answers, worker_timeout, parent)
        self.stdout.write(self._banner(wait_for.rsplit("/healthz", 1)[0] + "/"))

    @staticmethod
    def _wait(check, timeout: float, parent: int) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.getppid() != parent:  # `make run` was stopped: nobody is listening any more
                sys.exit(0)
            if check():
                return True
            time.sleep(POLL_SECONDS)
        return False

    @staticmethod
    def _banner(site: str) -> str:
        usernames = [username for username, _ in ROLE_LOGINS]
        existing = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
        lines = ["", f"  Throughline is ready at {site}"]
        if existing:
            lines.append(f"  Demo logins (password for all: {PASSWORD}):")
            lines += [f"    {username:<12} {about}" for username, about in ROLE_LOGINS if username in existing]
            token = Token.objects.filter(user__username=INTEGRATION_USERNAME).values_list("key", flat=True).first()
            if token:
                lines.append(f"  API token of '{INTEGRATION_USERNAME}': {token}")
        lines += ["  Stop with Ctrl+C.", ""]
        return "\n".join(lines)


def _answers(url: str) -> bool:
    try:
        # A long timeout: a server still booting answers this request late rather than many retries.
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own address, from make run)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _worker_answers() -> bool:
    try:
        return bool(celery_app.control.ping(timeout=0.5))
    except Exception:  # noqa: BLE001 (any broker error means "not yet")
        return False
