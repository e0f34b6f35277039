"""Production settings, security headers and CSP, CSRF on every form, login and token throttling,
pseudonymous customer references, the documented API schema."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from journeys.models import JourneyInstance
from journeys.services import imports
from tests.security import permission_matrix as matrix
from tests.security.test_permission_matrix import ROUTES, _url

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9vL2mN8rT4wZ" * 4,
    "DJANGO_ALLOWED_HOSTS": "throughline.example.com",
    "DATABASE_URL": "sqlite:////tmp/throughline-check-deploy.sqlite3",
}


def _manage(*args, env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- settings ---------------------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_openapi_schema_validates_without_a_warning():
    result = _manage("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull, env={})

    assert result.returncode == 0, result.stderr


# --- headers and content security policy --------------------------------------------------------------


def test_every_page_sends_the_security_headers(client, viewer_user):
    client.force_login(viewer_user)

    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["frame-ancestors"] == "'none'"


def test_the_api_sends_the_security_headers_too(client, viewer_user):
    client.force_login(viewer_user)

    response = client.get("/api/v1/journeys/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def _readable_pages(world):
    """Every page a manager may GET, filled with journey J's objects."""
    for name, methods in sorted(matrix.PAGES.items()):
        if matrix.MANAGER in methods.get("GET", ()):
            yield name, _url(ROUTES[name], world)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_no_page_has_an_inline_script_that_the_policy_would_block(client, world, manager_user):
    client.force_login(manager_user)
    offenders = []
    for name, url in [*_readable_pages(world), ("api-docs", "/api/docs/"), ("api-redoc", "/api/redoc/")]:
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        text = response.content.decode()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(text)]

    assert offenders == []


def test_the_swagger_ui_loads_its_start_up_script_from_a_url(client, manager_user):
    client.force_login(manager_user)

    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script=[^"]*)"', page).group(1)

    assert client.get(script_url.replace("&amp;", "&")).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------------------

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']post[\"'][^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def test_every_post_form_of_every_page_carries_a_csrf_token(client, world, manager_user):
    client.force_login(manager_user)
    forms = 0
    missing = []
    for name, url in _readable_pages(world):
        response = client.get(url)
        if response.streaming:  # CSV exports
            continue
        for body in POST_FORM.findall(response.content.decode(errors="replace")):
            forms += 1
            if 'name="csrfmiddlewaretoken"' not in body:
                missing.append(name)

    assert forms > 20  # the walk really saw the forms (journey edit, team, triage, review...)
    assert missing == []


@pytest.mark.parametrize(
    "name", sorted(name for name, methods in matrix.PAGES.items() if matrix.MANAGER in methods.get("POST", ()))
)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(name, world, manager_user):
    from tests.security.test_permission_matrix import _fingerprint

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_user)
    before = _fingerprint()

    response = client.post(_url(ROUTES[name], world), {"name": "Changed", "direction": "down"})

    assert response.status_code == 403
    assert _fingerprint() == before


# --- throttling ---------------------------------------------------------------------------------------


@pytest.fixture
def login_limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    caches["limits"].clear()
    yield 3
    caches["limits"].clear()


def test_failed_logins_are_limited_per_username(client, viewer_user, login_limit):
    login = reverse("login")
    for _ in range(login_limit):
        assert client.post(login, {"username": "viewer", "password": "wrong"}).status_code == 200

    # even the right password is refused while the limit holds, from another address too
    response = client.post(login, {"username": "viewer", "password": "password"}, REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 429
    assert "Too many failed logins. Wait 15 minutes and try again" in response.text
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_limited_per_client_address(client, viewer_user, login_limit):
    login = reverse("login")
    for number in range(login_limit):
        client.post(login, {"username": f"guess{number}", "password": "wrong"})

    response = client.post(login, {"username": "viewer", "password": "password"})

    assert response.status_code == 429


def test_a_login_below_the_limit_still_works(client, viewer_user, login_limit):
    login = reverse("login")
    client.post(login, {"username": "viewer", "password": "wrong"})

    response = client.post(login, {"username": "viewer", "password": "password"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer_user.pk)


def test_the_token_endpoint_is_throttled(api_client, viewer_user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    caches["limits"].clear()
    answers = [
        api_client.post("/api/v1/auth/token/", {"username": "viewer", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    caches["limits"].clear()

    assert answers == [400, 400, 400, 429]


# --- pseudonymous customer references --------------------------------------------------------------------

PERSONAL_REFS = ["jane.doe@example.com", "+44 20 7946 0958", "020 7946 0958"]


@pytest.mark.parametrize("customer_ref", PERSONAL_REFS)
def test_the_instances_api_refuses_personal_customer_references(api_client, world, integration_user, customer_ref):
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/instances/",
        {
            "journey": "onboarding",
            "external_id": "new",
            "customer_ref": customer_ref,
            "started_at": "2026-11-01T09:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "customer_ref" in response.json()
    assert not JourneyInstance.objects.filter(external_id="new").exists()


@pytest.mark.parametrize("customer_ref", PERSONAL_REFS)
def test_ingest_refuses_personal_customer_references(api_client, world, integration_user, customer_ref):
    api_client.force_authenticate(integration_user)
    body = {
        "journey": "onboarding",
        "instances": [{"external_id": "new", "customer_ref": customer_ref, "started_at": "2026-11-01T09:00:00Z"}],
    }

    response = api_client.post("/api/v1/ingest/", body, format="json")

    assert response.status_code == 400
    assert "instances[0].customer_ref" in response.json()
    assert not JourneyInstance.objects.filter(external_id="new").exists()


@pytest.mark.parametrize("customer_ref", PERSONAL_REFS)
def test_a_csv_import_refuses_personal_customer_references(world, customer_ref):
    content = (
        "journey,instance_external_id,customer_ref,started_at,interaction_external_id,touchpoint,occurred_at\n"
        f"onboarding,new,{customer_ref},2026-11-01T09:00:00Z,,,\n"
    )

    record = imports.import_create(file=ContentFile(content.encode(), name="refs.csv"), journey=None, enqueue=False)
    record = imports.import_run(import_id=record.pk)

    assert record.status == "failed"
    assert record.errors[0]["column"] == "customer_ref"
    assert not JourneyInstance.objects.filter(external_id="new").exists()


def test_customer_numbers_are_accepted_as_pseudonymous(api_client, world, integration_user):
    api_client.force_authenticate(integration_user)
    body = {
        "journey": "onboarding",
        "instances": [{"external_id": "new", "customer_ref": "7734120", "started_at": "2026-11-01T09:00:00Z"}],
    }

    response = api_client.post("/api/v1/ingest/", body, format="json")

    assert response.status_code == 200
    assert JourneyInstance.objects.get(external_id="new").customer_ref == "7734120"


# --- the API answers JSON for an unknown URL -----------------------------------------------------------


def test_an_unknown_api_url_answers_json_not_an_html_page(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.get("/api/v1/no-such-resource/12/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_out_of_range_id_filter_is_a_400_not_a_500(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.get("/api/v1/responsibilities/", {"touchpoint": "-6.3e35"})

    assert response.status_code == 400
    assert "touchpoint" in response.json()


def test_a_null_character_in_the_query_string_is_a_400_not_a_database_error(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.get("/api/v1/issues/", {"journey": "\x00onboarding"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Null characters are not allowed."}


@pytest.mark.parametrize("content_type", ["application/json", "form"])
def test_a_null_character_in_a_body_is_a_400_not_a_database_error(client, world, manager_user, content_type):
    client.force_login(manager_user)
    body = {"journey": "onboarding\x00", "title": "t", "symptom": "s", "category": "other", "severity": 1}

    if content_type == "form":
        response = client.post("/api/v1/issues/", body)
    else:
        response = client.post("/api/v1/issues/", body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"detail": "Null characters are not allowed."}


def test_the_search_parameter_error_is_addressed_to_search(rf):
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request

    from core.filters import SearchFilter

    with pytest.raises(ValidationError) as refused:
        SearchFilter().get_search_terms(Request(rf.get("/", {"search": "a\x00b"})))

    assert list(refused.value.detail) == ["search"]
