"""Start and stop the test identity provider (``serve.py``) from the test session."""

import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CLIENT_ID = "throughline-test"
CLIENT_SECRET = "throughline-test-secret"  # noqa: S105
MANAGERS_VALUE = "throughline-managers"


@dataclass(frozen=True)
class ProviderPerson:
    username: str
    password: str
    email: str
    first_name: str
    last_name: str
    groups: tuple[str, ...] = ()


PEOPLE = (
    ProviderPerson("ada", "ada-at-the-provider", "Ada.Lovelace@example.org", "Ada", "Lovelace", (MANAGERS_VALUE,)),
    ProviderPerson("ben", "ben-at-the-provider", "ben.okafor@example.org", "Ben", "Okafor", ("staff",)),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OIDCProvider:
    """django-oauth-toolkit's OpenID Connect provider in its own process, on 127.0.0.1 (the live server
    is on localhost, so the browser keeps the two sites' cookies apart)."""

    def __init__(self, redirect_uri: str):
        self.redirect_uri = redirect_uri
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._folder = tempfile.TemporaryDirectory(prefix="throughline-oidc-")
        self.process = None

    def __enter__(self):
        environment = {**os.environ, "OIDC_PROVIDER_DATABASE": str(Path(self._folder.name) / "provider.sqlite3")}
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "tests.oidc_provider.serve", str(self.port), self.redirect_uri],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.process.kill()
            raise RuntimeError(f"the test identity provider did not start: {line!r}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self._folder.cleanup()

    def client_settings(self) -> dict:
        """Throughline's settings for this provider, as an organisation would set them in the environment."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_PROVIDER_NAME": "Example IdP",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/o/.well-known/jwks.json",
            "OIDC_MANAGER_CLAIM": "groups",
            "OIDC_MANAGER_VALUE": MANAGERS_VALUE,
            "AUTHENTICATION_BACKENDS": [*settings.AUTHENTICATION_BACKENDS, "accounts.oidc.OrganisationOIDCBackend"],
        }
