"""Password guessing stays slow: limits per client address (trusted proxies only) and per username,
counted in a cache every web process shares; oversized and anonymous API requests answer as a
token client expects."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory
from rest_framework.throttling import ScopedRateThrottle

from core.auth import client_address
from improvements.models import Issue
from journeys.models import JourneyInstance

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def limits(settings):
    caches["limits"].clear()
    yield settings
    caches["limits"].clear()


def _request(remote_addr: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    # the client forged the left-most hop; the proxy appended the address it really saw
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3")

    assert client_address(request) == "198.51.100.7"


def test_a_trusted_proxy_without_a_forwarded_header_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]

    assert client_address(_request("10.0.0.2")) == "10.0.0.2"


def test_rotating_x_forwarded_for_does_not_escape_the_token_rate(api_client, viewer_user, limits, monkeypatch):
    # given the documented rate and no trusted proxy
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "30/minute"})
    limits.LOGIN_FAILURE_LIMIT = 1000

    # when one client sends 150 wrong passwords, each with a new X-Forwarded-For
    answers = [
        api_client.post(
            TOKEN_URL, {"username": "viewer", "password": f"guess-{n}"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}"
        ).status_code
        for n in range(150)
    ]
    right = api_client.post(TOKEN_URL, {"username": "viewer", "password": "password"}, HTTP_X_FORWARDED_FOR="1.1.1.1")

    # then the rate holds after 30 and the right password is refused too
    assert answers[:30] == [400] * 30
    assert set(answers[30:]) == {429}
    assert right.status_code == 429
    assert "token" not in right.json()


def test_the_token_endpoint_limits_failures_per_username_across_addresses(api_client, viewer_user, limits):
    limits.LOGIN_FAILURE_LIMIT = 3
    for n in range(3):
        response = api_client.post(TOKEN_URL, {"username": "viewer", "password": "wrong"}, REMOTE_ADDR=f"192.0.2.{n}")
        assert response.status_code == 400

    response = api_client.post(TOKEN_URL, {"username": "viewer", "password": "password"}, REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed logins. Wait 15 minutes")
    assert response["Retry-After"] == str(15 * 60)


def test_the_token_endpoint_below_the_limit_still_answers_a_token(api_client, viewer_user, limits):
    limits.LOGIN_FAILURE_LIMIT = 3
    api_client.post(TOKEN_URL, {"username": "viewer", "password": "wrong"})

    response = api_client.post(TOKEN_URL, {"username": "viewer", "password": "password"})

    assert response.status_code == 200
    assert response.json()["token"]


SHARED_COUNT_SCRIPT = """
import json, sys
import django
django.setup()
from django.test import RequestFactory
from core import auth
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[3])
if sys.argv[1] == "fail":
    auth.record_failure(request, sys.argv[2])
print(json.dumps(auth.too_many_failures(request, sys.argv[2])))
"""


def _in_a_new_process(*arguments: str) -> bool:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "LOGIN_FAILURE_LIMIT": "2"}
    env.pop("CACHE_URL", None)
    env.pop("LIMITS_CACHE_URL", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", SHARED_COUNT_SCRIPT, *arguments],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_every_process_counts_failures_in_the_same_place():
    # given a username nobody has used, and the embedded default (no CACHE_URL)
    probe = uuid.uuid4()
    username, address = f"probe-{probe.hex}", f"fd00::{probe.hex[:4]}:{probe.hex[4:8]}"

    # when two web processes each see one failure
    first = _in_a_new_process("fail", username, address)
    second = _in_a_new_process("fail", username, address)

    # then the limit of 2 holds for a third process: the count was shared, not per process
    assert (first, second) == (False, True)
    assert _in_a_new_process("check", username, address) is True


def test_an_anonymous_api_request_is_asked_for_a_token(api_client):
    response = api_client.get("/api/v1/journeys/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_oversized_json_body_is_a_json_413(api_client, integration_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/ingest/", json.dumps({"journey": "x", "pad": "a" * 2000}), content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is larger than the 1000\xa0bytes a request may carry."}


def _ingest_body(**instance_changes) -> str:
    instance = {
        "external_id": "i-1",
        "customer_ref": "cust-1",
        "started_at": "2026-10-01T09:00:00Z",
        "interactions": [{"external_id": "x-1", "touchpoint": "welcome-call", "occurred_at": "2026-10-01T10:00:00Z"}],
        **instance_changes,
    }
    # json.dumps writes a lone surrogate as the escape "\\ud800", exactly as a client would send it
    return json.dumps({"journey": "onboarding", "instances": [instance]})


def test_a_lone_surrogate_in_ingest_is_a_400_addressed_by_position(api_client, integration_user, world):
    api_client.force_authenticate(integration_user)
    before = JourneyInstance.objects.count()
    body = _ingest_body(customer_ref="cust-\ud800", segment="ok")

    response = api_client.post("/api/v1/ingest/", body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["instances[0].customer_ref"]
    assert "surrogate" in response.json()["instances[0].customer_ref"][0]
    assert JourneyInstance.objects.count() == before


def test_a_lone_surrogate_in_any_json_text_field_is_a_400(api_client, world, manager_user):
    api_client.force_authenticate(manager_user)
    before = Issue.objects.count()
    body = json.dumps({"journey": "onboarding", "title": "Broken \udfff", "symptom": "x", "category": "other"})

    response = api_client.post("/api/v1/issues/", body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert Issue.objects.count() == before


@pytest.mark.parametrize("body", ["true", "[1, 2]", '"viewer"', "null"])
def test_a_token_request_whose_body_is_not_an_object_is_a_400(api_client, body, limits):
    response = api_client.post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code == 400
